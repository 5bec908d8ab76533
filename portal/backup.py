"""`flask backup` and `flask restore`: the database and the uploaded files, in one archive.

An archive (.tar.gz) holds manifest.json, the database (SQLite through its online backup API,
so a running portal can keep writing; PostgreSQL as a pg_dump custom-format file) and every
file under the upload folder, so attachments come back with the rows that name them. Restore
goes into an empty database only: it never merges into, or silently replaces, live data.
"""

import io
import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, inspect, select
from sqlalchemy.engine import make_url

from portal.db import db
from portal.models import AssistanceRequest, Attachment

FORMAT = 1
UPLOADS = "uploads/"


class BackupError(click.ClickException):
    pass


def _engine_kind():
    return db.engine.url.get_backend_name()  # "sqlite" or "postgresql"


def _libpq_url():
    """The database URL for pg_dump/pg_restore: SQLAlchemy's, without the +psycopg driver."""
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _counts():
    return {"requests": db.session.scalar(select(func.count()).select_from(AssistanceRequest)),
            "attachments": db.session.scalar(select(func.count()).select_from(Attachment))}


def _add_bytes(archive, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


def create_backup(output):
    """Write the archive to `output`; returns its manifest."""
    kind = _engine_kind()
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    manifest = {"format": FORMAT, "created": datetime.now(UTC).isoformat(timespec="seconds"), "database": kind,
                **_counts()}
    db.session.remove()
    with tempfile.TemporaryDirectory() as scratch:
        if kind == "sqlite":
            database_file, member = Path(scratch) / "database.sqlite3", "database.sqlite3"
            source = sqlite3.connect(db.engine.url.database)
            target = sqlite3.connect(database_file)
            with target:
                source.backup(target)  # a consistent copy while other connections keep working
            source.close()
            target.close()
        elif kind == "postgresql":
            database_file, member = Path(scratch) / "database.pgdump", "database.pgdump"
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(database_file),
                  "--dbname", _libpq_url()])
        else:
            raise BackupError(f"cannot back up a {kind} database")
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
            archive.add(database_file, member)
            files = sorted(p for p in upload_dir.iterdir() if p.is_file()) if upload_dir.is_dir() else []
            for path in files:
                archive.add(path, UPLOADS + path.name)
        partial.replace(output)  # a half-written archive never carries the final name
    manifest["files"] = len(files)
    return manifest


def restore_backup(archive_path):
    """Restore into the configured, empty database and upload folder; returns the counts found."""
    kind = _engine_kind()
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    with tarfile.open(archive_path, "r:gz") as archive:
        manifest = json.loads(archive.extractfile("manifest.json").read())
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{archive_path} is not a portal backup this version can read")
        if manifest["database"] != kind:
            raise BackupError(f"the backup holds a {manifest['database']} database; DATABASE_URL names {kind}")
        if _has_requests():
            raise BackupError("the database already holds requests: restore only into an empty database")
        with tempfile.TemporaryDirectory() as scratch:
            member = "database.sqlite3" if kind == "sqlite" else "database.pgdump"
            database_file = Path(scratch) / member
            with archive.extractfile(member) as source, open(database_file, "wb") as target:
                shutil.copyfileobj(source, target)
            db.session.remove()
            db.engine.dispose()
            if kind == "sqlite":
                source = sqlite3.connect(database_file)
                target = sqlite3.connect(db.engine.url.database)
                with target:
                    source.backup(target)
                source.close()
                target.close()
            else:
                _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--exit-on-error",
                      "--single-transaction", "--dbname", _libpq_url(), str(database_file)])
        upload_dir.mkdir(parents=True, exist_ok=True)
        for info in archive.getmembers():
            name = info.name[len(UPLOADS):] if info.name.startswith(UPLOADS) else None
            # Only plain files with the random names the portal gives: no paths, no links.
            if name is None or not info.isfile() or "/" in name or name.startswith("."):
                continue
            with archive.extractfile(info) as source, open(upload_dir / name, "wb") as target:
                shutil.copyfileobj(source, target)
    found = _counts()
    missing = [a.stored_name for a in db.session.scalars(select(Attachment))
               if not (upload_dir / a.stored_name).is_file()]
    if found["requests"] != manifest["requests"] or found["attachments"] != manifest["attachments"] or missing:
        raise BackupError(f"restore incomplete: expected {manifest['requests']} requests and "
                          f"{manifest['attachments']} attachments, found {found}; missing files: {len(missing)}")
    return found


def _has_requests():
    if AssistanceRequest.__tablename__ not in inspect(db.engine).get_table_names():
        return False
    return bool(db.session.scalar(select(func.count()).select_from(AssistanceRequest)))


def _run(command):
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client)")
    # the program is pg_dump or pg_restore and the arguments are ours: no shell, nothing from a request
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        url = make_url(_libpq_url())
        message = result.stderr.replace(_libpq_url(), url.render_as_string(hide_password=True))
        raise BackupError(f"{command[0]} failed: {message.strip()[:2000]}")


@click.command("backup", help="Write the database and uploaded files to one .tar.gz archive.")
@with_appcontext
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Archive path [default: <instance>/backups/portal-<time>.tar.gz].")
def backup_command(output):
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    output = output or Path(current_app.config["INSTANCE_DIR"]) / "backups" / f"portal-{stamp}.tar.gz"
    manifest = create_backup(output)
    click.echo(f"{output}: {manifest['database']}, {manifest['requests']} requests, "
               f"{manifest['attachments']} attachments, {manifest['files']} files")

@click.command("restore", help="Restore an archive from `flask backup` into an empty database.")
@with_appcontext
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(archive):
    found = restore_backup(archive)
    click.echo(f"restored {found['requests']} requests and {found['attachments']} attachments from {archive}")


def init_app(app):
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
