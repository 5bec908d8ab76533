"""Loopback: a free port for our own servers, and whether a local service answers."""

import socket


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(port, host="127.0.0.1"):
    """True when something accepts connections there (PostgreSQL 5432, Redis 6379)."""
    try:
        socket.create_connection((host, port), timeout=1).close()
        return True
    except OSError:
        return False
