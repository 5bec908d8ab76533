"""Local services the tests use for real: which ones answer, and a free port for our own."""

import socket


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
