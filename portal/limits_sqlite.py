"""A `limits` storage on a SQLite file (`portal-sqlite://<path>`): one count per host, however many
gunicorn workers serve it.

`memory://` counts inside each process, so with five workers every limit was five times looser
than configured (80 tracking look-ups from one address got 50 answers under a limit of 10). Every
worker of a host opens the same file in the instance folder and counts with one UPSERT statement;
SQLite runs it under its write lock, so two workers can never both see the ninth attempt. The
file outlives a restart, so restarting the server does not hand out a fresh window. Several hosts
share one count through Redis instead (`RATELIMIT_STORAGE_URI=redis://…`).
"""

import os
import sqlite3
import threading
import time
from pathlib import Path

from limits.errors import ConfigurationError
from limits.storage import Storage

SCHEME = "portal-sqlite"
SWEEP_SECONDS = 300  # how often a process deletes expired windows, so the file stays small

_SCHEMA = """CREATE TABLE IF NOT EXISTS rate_window (
    key TEXT PRIMARY KEY,     -- Flask-Limiter's key: prefix, limit, endpoint, client address
    count INTEGER NOT NULL,
    expires_at REAL NOT NULL  -- epoch seconds (wall clock: every process of the host agrees)
) WITHOUT ROWID"""

# The window starts at its first hit (as in limits' memory storage) and restarts once it expired.
# The SET expressions read the row as it was before this statement.
_INCREMENT = """INSERT INTO rate_window (key, count, expires_at) VALUES (:key, :amount, :now + :expiry)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN expires_at <= :now THEN :amount ELSE count + :amount END,
    expires_at = CASE WHEN expires_at <= :now THEN :now + :expiry ELSE expires_at END
RETURNING count"""



def _use_wal(connection, attempts=50):
    """WAL, so that readers never wait for the writer. The journal-mode change can answer "database
    is locked" at once, without waiting through the busy timeout, while another process opens the
    same file (seen with 60 submissions at once through gunicorn): try again briefly, and go on in
    the default mode if it never succeeds (the counts are right either way, only slower)."""
    for _ in range(attempts):
        try:
            if connection.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:
            time.sleep(0.02)

class HostSQLiteStorage(Storage):
    """Fixed-window counters in one SQLite file shared by the processes of a host."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri=None, wrap_exceptions=False, **options):
        path = (uri or "").partition("://")[2]
        if not path:
            raise ConfigurationError(f"{SCHEME}:// needs a file path, e.g. {SCHEME}:///srv/portal/ratelimits.sqlite")
        self.path = Path(path)
        self._local = threading.local()
        self._last_sweep = 0.0
        self._inherited = []  # connections a parent opened before forking this process
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def _connection(self):
        # One connection per process and thread, opened lazily: gunicorn preloads the app in its
        # master and forks, and a SQLite connection must never cross a fork.
        pid, connection = getattr(self._local, "connection", (None, None))
        if pid != os.getpid():
            if connection is not None:
                self._inherited.append(connection)  # kept, never used or closed here
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            _use_wal(connection)
            connection.execute("PRAGMA synchronous=NORMAL")  # a counter lost in a power cut is harmless
            connection.execute(_SCHEMA)
            self._local.connection = (os.getpid(), connection)
        return connection

    def incr(self, key, expiry, amount=1):
        now = time.time()
        connection = self._connection()
        # fetchall: the statement (and its write lock) ends only when every row has been read.
        (count,), = connection.execute(_INCREMENT, {"key": key, "amount": amount, "now": now,
                                                    "expiry": expiry}).fetchall()
        if now - self._last_sweep > SWEEP_SECONDS:
            self._last_sweep = now
            connection.execute("DELETE FROM rate_window WHERE expires_at <= ?", (now,))
        return count

    def get(self, key):
        row = self._connection().execute("SELECT count FROM rate_window WHERE key = ? AND expires_at > ?",
                                          (key, time.time())).fetchone()
        return row[0] if row else 0

    def get_expiry(self, key):
        now = time.time()
        row = self._connection().execute("SELECT expires_at FROM rate_window WHERE key = ? AND expires_at > ?",
                                          (key, now)).fetchone()
        return row[0] if row else now

    def check(self):
        try:
            self._connection().execute("SELECT 1").fetchall()
        except sqlite3.Error:
            return False
        return True

    def reset(self):
        return self._connection().execute("DELETE FROM rate_window").rowcount

    def clear(self, key):
        self._connection().execute("DELETE FROM rate_window WHERE key = ?", (key,))
