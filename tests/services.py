"""Local services the tests use for real: which ones answer, and a free port for our own."""

import os
import socket

# The PostgreSQL database the tests may wipe; override to run two checkouts' tests side by side.
POSTGRES_URL = os.environ.get("PORTAL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def answers(port, host="127.0.0.1"):
    """True when something accepts connections there (PostgreSQL 5432, Redis 6379)."""
    try:
        socket.create_connection((host, port), timeout=1).close()
        return True
    except OSError:
        return False


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
