"""Real portal processes: `flask` commands and gunicorn on an instance folder of their own.

`start_gunicorn` returns once /healthz answers 200 (or raises with gunicorn's log); `stop` ends
it. Used by the fault, scale-out and browser tests, bench/ and .ci/scan.py.
"""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def portal_env(instance, **extra):
    """Environment for a portal process on its own instance folder (log quiet, no access log)."""
    instance = Path(instance)
    env = {**os.environ, "PORTAL_ENV": "testing", "PORTAL_INSTANCE_DIR": str(instance),
           "PORTAL_SEARCH_INDEX_DIR": str(instance / "search_index"), "PORTAL_LOG_LEVEL": "WARNING",
           "GUNICORN_ACCESS_LOG": "", "PYTHONPATH": str(ROOT)}
    env.update({key: str(value) for key, value in extra.items()})
    return env


def flask(env, *args, check=True, timeout=120):
    """Run `flask --app wsgi <args>` with `env`; the CompletedProcess (text output captured)."""
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=check, timeout=timeout)


def flask_here(env, *args):
    """The same `flask` command run in this process, on the app `wsgi.py` would build from `env`:
    no second of imports per command. Returns its output; raises with it when the command fails."""
    from unittest import mock

    from portal import create_app
    from portal.db import db

    with mock.patch.dict(os.environ, {key: str(value) for key, value in env.items()}, clear=True):
        app = create_app()
        result = app.test_cli_runner().invoke(args=list(args))
        with app.app_context():
            db.engine.dispose()
    if result.exit_code != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed ({result.exit_code}):\n{result.output}") \
            from result.exception
    return result.output


def start_gunicorn(env, port, log_path=None, workers=2, wait=True, app="wsgi:app", extra_args=(),
                   ready_path="/healthz", ssl_context=None, seconds=60):
    """gunicorn with the project's gunicorn.conf.py on 127.0.0.1:`port`, its output in `log_path`
    (None: this process's own output). With `wait`, returns once `ready_path` answers 200."""
    env = {**env, "PORT": str(port), "WEB_CONCURRENCY": str(workers)}
    command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), *extra_args, app]
    if log_path is None:
        process = subprocess.Popen(command, cwd=ROOT, env=env)
    else:
        with open(log_path, "wb") as out:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    if wait:
        scheme = "https" if ssl_context is not None else "http"
        wait_for(f"{scheme}://127.0.0.1:{port}{ready_path}", process, log_path, seconds, ssl_context)
    return process


def wait_for(url, process, log_path=None, seconds=60, ssl_context=None):
    """Poll `url` until it answers 200; kill `process` and raise with its log when it exits or
    `seconds` pass first."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2, context=ssl_context) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process, timeout=5)
            log = Path(log_path).read_text(errors="replace") if log_path else "(its output is above)"
            raise RuntimeError(f"gunicorn did not answer {url}:\n{log}")
        time.sleep(0.1)


def stop(process, timeout=20):
    """Terminate (SIGTERM, gunicorn's graceful stop), then kill after `timeout` seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def worker_pids(master_pid):
    """gunicorn's workers: the master's children."""
    path = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    return [int(pid) for pid in path.read_text().split()] if path.exists() else []
