"""Finding 4: slow clients do not stop the site. 100 connections trickle their headers, then their
bodies, for 30 s; meanwhile a guide page and /healthz must each answer within 1 s, from gunicorn
alone (gthread workers) and from behind nginx with the configuration docs/deploy.md gives."""

import os
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.request

import pytest

from portal.config import ROOT
from tests.support.net import free_port
from tests.support.server import flask, portal_env, start_gunicorn, stop, wait_for
from tests.support.visitor import Visitor

HOLD_SECONDS, CONNECTIONS, ANSWER_WITHIN = 30, 100, 1.0
GUIDE = "/zh/guides/trademark-registration"


class SlowClients:
    """`count` connections that send a request a byte at a time: the headers never end
    (mode "headers"), or the headers end and a long body trickles (mode "body")."""

    def __init__(self, port, count, mode):
        self.port, self.count, self.mode = port, count, mode
        self.sockets, self.stopped = [], threading.Event()

    def __enter__(self):
        start = b"POST /zh/requests/track HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if self.mode == "body":
            start += b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
        for _ in range(self.count):
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            sock.sendall(start)
            self.sockets.append(sock)
        self.thread = threading.Thread(target=self._trickle, daemon=True)
        self.thread.start()
        return self

    def _trickle(self):
        byte = b"a" if self.mode == "body" else b"X"
        while not self.stopped.wait(1):
            for sock in self.sockets:
                try:
                    sock.send(byte)
                except OSError:
                    pass

    def still_open(self):
        """How many connections the server has not closed yet."""
        open_ = 0
        for sock in self.sockets:
            sock.setblocking(False)
            try:
                open_ += sock.recv(1, socket.MSG_PEEK) != b""
            except BlockingIOError:
                open_ += 1
            except OSError:
                pass
        return open_

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join()
        for sock in self.sockets:
            sock.close()


def timed_get(url):
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=10) as response:
        response.read()
        assert response.status == 200
    return time.monotonic() - started


def probe(base, port, mode):
    """The slowest answer for the guide page and /healthz while the slow clients hold on."""
    slowest = 0.0
    with SlowClients(port, CONNECTIONS, mode) as slow:
        deadline = time.monotonic() + HOLD_SECONDS
        while time.monotonic() < deadline:
            slowest = max(slowest, timed_get(base + GUIDE), timed_get(base + "/healthz"))
            time.sleep(0.5)
        held = slow.still_open()
    return slowest, held


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("slow")
    env = portal_env(root, PORTAL_PROXY_HOPS=1, PORTAL_SITE_URL="https://portal.example",
                     PORTAL_SUBMIT_RATE_LIMIT="1000 per hour")
    flask(env, "db", "upgrade")
    flask(env, "search", "build")
    port = free_port()
    process = start_gunicorn(env, port, root / "gunicorn.log", workers=5)  # gunicorn.conf.py's default here
    try:
        yield port, root
    finally:
        stop(process)


@pytest.mark.parametrize("mode", ["headers", "body"])
def test_gunicorn_alone_answers_others_while_slow_clients_hold_on(app_server, mode):
    port, _ = app_server
    slowest, held = probe(f"http://127.0.0.1:{port}", port, mode)
    assert slowest < ANSWER_WITHIN, f"slowest answer {slowest:.2f} s"
    assert held > 0  # the probe really held connections open (not refused at once)


def nginx_config(root, nginx_port, app_port):
    """The docs' configuration, with its three addresses replaced, inside a minimal nginx.conf."""
    docs = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    server = re.search(r"```nginx\n(.*?)```", docs, re.S)[1]
    for placeholder, value in (("127.0.0.1:8080", f"127.0.0.1:{nginx_port}"),
                               ("127.0.0.1:8000", f"127.0.0.1:{app_port}"),
                               ("/srv/portal/static/", f"{ROOT}/static/")):
        assert placeholder in server
        server = server.replace(placeholder, value)
    temp = {name: root / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for folder in temp.values():
        folder.mkdir(exist_ok=True)
    user = "user root;\n" if os.geteuid() == 0 else ""  # the test's own files; never in production
    return (f"{user}daemon off;\nworker_processes 1;\npid {root}/nginx.pid;\nerror_log {root}/error.log warn;\n"
            "events { worker_connections 1024; }\n"
            f"http {{\ninclude /etc/nginx/mime.types;\nclient_body_temp_path {temp['body']};\n"
            f"proxy_temp_path {temp['proxy']};\nfastcgi_temp_path {temp['fastcgi']};\n"
            f"uwsgi_temp_path {temp['uwsgi']};\nscgi_temp_path {temp['scgi']};\n{server}\n}}\n")


@pytest.fixture(scope="module")
def behind_nginx(app_server):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if nginx is None:
        pytest.skip("needs Debian's nginx (.ci/run installs it)")
    app_port, root = app_server
    folder = root / "nginx"
    folder.mkdir(exist_ok=True)
    port = free_port()
    (folder / "nginx.conf").write_text(nginx_config(folder, port, app_port))
    log = folder / "stdout.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([nginx, "-p", str(folder), "-c", str(folder / "nginx.conf"),
                                    "-e", str(folder / "error.log")], stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", process, log)
        yield f"http://127.0.0.1:{port}", port
    finally:
        stop(process)


@pytest.mark.parametrize("mode", ["headers", "body"])
def test_behind_nginx_others_are_answered_while_slow_clients_hold_on(behind_nginx, mode):
    base, port = behind_nginx
    slowest, _ = probe(base, port, mode)
    assert slowest < ANSWER_WITHIN, f"slowest answer {slowest:.2f} s"


def test_journeys_through_nginx(behind_nginx):
    base, _ = behind_nginx
    visitor = Visitor(base)
    token = visitor.submit(visitor.open_form("zh"))
    assert isinstance(token, str)  # a submission (CSRF cookie, form post, redirect) through the proxy
    with visitor.opener.open(f"{base}/zh/requests/status/{token}", timeout=30) as status:
        assert status.status == 200 and "no-store" in status.headers["Cache-Control"]
    with urllib.request.urlopen(base + GUIDE, timeout=30) as guide:
        html = guide.read().decode()
    stylesheet = re.search(r'href="(/static/css/portal\.css\?v=[0-9a-f]+)"', html)[1]
    with urllib.request.urlopen(base + stylesheet, timeout=30) as css:
        assert css.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert css.headers["X-Content-Type-Options"] == "nosniff"
        assert css.read() == (ROOT / "static" / "css" / "portal.css").read_bytes()
    with urllib.request.urlopen(base + "/static/css/portal.css", timeout=30) as css:
        assert css.headers["Cache-Control"] == "public, max-age=300"
    # X-Forwarded-Proto from nginx is believed (PORTAL_PROXY_HOPS=1): plain http here, so no HSTS.
    with urllib.request.urlopen(base + "/zh/", timeout=30) as home:
        assert "Strict-Transport-Security" not in home.headers
