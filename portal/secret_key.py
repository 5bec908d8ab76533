"""The key that signs sessions, CSRF, password links, alert links and health-check answers.

Without SECRET_KEY the portal makes a random key once and keeps it in the instance folder, so
`make run` on a reachable host never signs with a value published in the repository. The file
is written completely under a temporary name and then hard-linked into place: link() fails when
the name exists, so two processes starting at once (gunicorn's master, a `flask` command) both
end up reading the one key that won. The known development constant is refused in every mode
but the test suite's.
"""

import os
import secrets
import stat

from portal.config import DEV_SECRET, ConfigError

FILE_NAME = "secret_key"


def init_app(app):
    key = app.config.get("SECRET_KEY") or ""
    if key == DEV_SECRET and app.config["PORTAL_ENV"] != "testing":
        raise ConfigError("SECRET_KEY is the development constant published in the repository; unset it "
                          "(a random key is then kept in the instance folder) or set a random value")
    if not key:
        app.config["SECRET_KEY"] = instance_key(app.config["INSTANCE_DIR"])


def instance_key(folder):
    """The instance folder's key, made now if there is none yet."""
    path = folder / FILE_NAME
    if not path.exists():
        _create(path)
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(f"{path} can be read by other users (mode {stat.filemode(mode)}); chmod 600 it")
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise ConfigError(f"{path} holds no usable key; delete it and a new one is made")
    return key


def _create(path):
    temporary = path.with_name(f".{FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(32) + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made it first: theirs is the key
    finally:
        temporary.unlink(missing_ok=True)
