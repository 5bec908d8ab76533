"""The baseline: a bare Flask app with one route, served with the portal's own gunicorn config."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"
