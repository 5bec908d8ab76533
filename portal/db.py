"""The database: SQLite (WAL) in the instance folder by default, PostgreSQL when DATABASE_URL says so.

Migrations are Alembic's, through Flask-Migrate (`flask db upgrade`, run by `make run`).
"""

import logging
from datetime import UTC

import click
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

from portal.config import ROOT


class Base(DeclarativeBase):
    pass


def as_utc(moment):
    """A stored moment as an aware UTC datetime. SQLite keeps no time zone and hands back naive
    datetimes; the portal writes every moment in UTC, so that is what they mean."""
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware column that reads back aware on every database (PostgreSQL keeps the zone,
    SQLite does not), so comparisons with datetime.now(UTC) never mix naive and aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return value.astimezone(UTC) if value is not None and value.tzinfo else value

    def process_result_value(self, value, dialect):
        return as_utc(value)


db = SQLAlchemy(model_class=Base)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(connection, _record):
    # WAL lets readers work while one writer commits; busy_timeout makes concurrent writers
    # (several gunicorn workers) wait for the lock instead of failing at once.
    if type(connection).__module__.startswith("sqlite3"):
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_write_begins_immediately(connection):
    # pysqlite begins a transaction only at its first write, and a transaction that read first
    # cannot then write once another process has committed (SQLITE_BUSY, no waiting). A write
    # transaction (begin_write) therefore takes the write lock at its start: two workers acting on
    # one request queue up on busy_timeout, and the second reads what the first committed.
    if connection.dialect.name == "sqlite" and connection.get_execution_options().get(WRITE_OPTION):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


WRITE_OPTION = "portal_write"


def begin_write():
    """End the session's read transaction, if any, and begin one that will write: BEGIN IMMEDIATE
    on SQLite; on PostgreSQL an ordinary transaction (row locks and conditional UPDATEs serialize)."""
    db.session.rollback()
    db.session.connection(execution_options={WRITE_OPTION: True})


def database_url(config):
    url = config.get("DATABASE_URL") or f"sqlite:///{config['INSTANCE_DIR']}/portal.db"
    # postgres:// (as some hosts print it) is the old name of SQLAlchemy's postgresql:// dialect;
    # psycopg 3 is the driver installed.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def init_app(app):
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app.config)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    db.init_app(app)
    app.extensions["migrate"] = _MigrationsOnDemand(app)
    app.cli.add_command(_MigrationCommands("db", help="Perform database migrations."))


class _MigrationsOnDemand:
    """Flask-Migrate's place in app.extensions, set up when a `flask db` command first asks for it.
    Flask-Migrate brings Alembic and Mako, 11 MB that the web server would carry for nothing (its
    workers never migrate). Its commands only read `current_app.extensions["migrate"]`."""

    def __init__(self, app):
        self._app = app

    def __getattr__(self, name):
        from flask_migrate import Migrate

        Migrate(self._app, db, directory=str(ROOT / "migrations"))  # replaces this object in extensions
        return getattr(self._app.extensions["migrate"], name)


class _MigrationCommands(click.Group):
    """`flask db …`: Flask-Migrate's own command group, imported when a command of it is looked up."""

    @staticmethod
    def _commands():
        # Imported after the app set up logging, Alembic would log a line for each of its plugins.
        logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
        from flask_migrate.cli import db as commands

        return commands

    def make_context(self, info_name, args, parent=None, **extra):
        # Run as Flask-Migrate's group (its options, its callback that sets g.directory, its commands).
        return self._commands().make_context(info_name, args, parent=parent, **extra)

    def list_commands(self, ctx):
        return self._commands().list_commands(ctx)

    def get_command(self, ctx, name):
        return self._commands().get_command(ctx, name)
