"""A PostgreSQL database of its own for each test run (and each benchmark), so that two runs on
one machine never share, wipe or lock each other's tables.

PORTAL_TEST_POSTGRES_URL names the server (default postgresql://postgres@127.0.0.1:5432/postgres);
the database in it, if any, is only the one connected to for CREATE and DROP DATABASE. The
throwaway database is named portal_test_<random> and dropped when done, connections or not.
"""

import os
import secrets
from contextlib import contextmanager

from sqlalchemy import create_engine, make_url, text

from tests.support.net import answers

SERVER_URL = make_url(os.environ.get("PORTAL_TEST_POSTGRES_URL") or "postgresql://postgres@127.0.0.1:5432/postgres")
HOST, PORT = SERVER_URL.host or "127.0.0.1", SERVER_URL.port or 5432
UNAVAILABLE = f"PostgreSQL is not running on {HOST}:{PORT} (PORTAL_TEST_POSTGRES_URL)"


def available():
    return answers(PORT, HOST)


def url_of(database):
    """The DATABASE_URL (postgresql://…, as the portal reads it) of `database` on the server."""
    return SERVER_URL.set(drivername="postgresql", database=database).render_as_string(hide_password=False)


def via_port(url, port):
    """The same database reached through 127.0.0.1:`port` (a proxy in front of the server)."""
    return make_url(url).set(host="127.0.0.1", port=port).render_as_string(hide_password=False)


def _engine(url, **options):
    return create_engine(make_url(url).set(drivername="postgresql+psycopg"), **options)


def _admin(statement):
    engine = _engine(SERVER_URL.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def create_database(prefix="portal_test"):
    """Create an empty database with a random name; its DATABASE_URL."""
    name = f"{prefix}_{secrets.token_hex(6)}"
    _admin(f'CREATE DATABASE "{name}"')
    return url_of(name)


def drop_database(url):
    """Drop it, ending any connection still open to it (a server process left behind)."""
    _admin(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


@contextmanager
def throwaway_database(prefix="portal_test"):
    """A new database for the `with` block, dropped at its end, whatever happened inside."""
    url = create_database(prefix)
    try:
        yield url
    finally:
        drop_database(url)


def empty_schema(url):
    """Every table, sequence and type in `url` gone: an empty database for `flask db upgrade`."""
    engine = _engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    finally:
        engine.dispose()


def seeded_app(url, instance, **settings):
    """An app on `url`, its schema emptied, migrated and seeded with the demo data: what a test
    module on PostgreSQL starts from (the caller disposes of its engine)."""
    from portal import create_app  # noqa: PLC0415 (bench imports this module without the app)
    from portal.config import ROOT  # noqa: PLC0415

    empty_schema(url)
    app = create_app({"TESTING": True, "CONTENT_DIR": ROOT / "content", "INSTANCE_DIR": instance,
                      "SEARCH_INDEX_DIR": instance / "si", "DATABASE_URL": url,
                      "SUBMIT_RATE_LIMIT": "10000 per hour", **settings})
    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["seed", "demo"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output
    return app
