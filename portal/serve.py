"""Everything one host runs, started and stopped together (`make run`): the web server and the
background loop.

    python -P portal/serve.py

Two child processes, started from the release folder with this environment:
- the web server, `gunicorn -c gunicorn.conf.py wsgi:app` (gunicorn restarts its own workers);
- the background loop, `flask --app wsgi worker`, known here only as a command: what the loop runs
  (outbox delivery, the service clock, and what later features add) is its own business.

Ctrl-C (SIGINT) or SIGTERM stops both: each gets SIGTERM, and SIGKILL after GRACE_SECONDS.
The loop dying is restarted after 1 s, then 2, 4 … at most 60 s while it keeps dying; a run of a
minute resets the delay. The web server dying ends everything with its exit status: its master
exits only when it cannot serve at all (a port in use, a broken release), which a restart would
only repeat. The children have their own process group, so a terminal's Ctrl-C reaches only this
process, which stops them in order; and each is told by the kernel to stop if this process is
killed outright, so nothing is left behind.

Why a supervisor and not gunicorn's server hooks (when_ready/on_exit): gunicorn's master reaps
every child with waitpid(-1), so it would swallow the loop's exit; it has no hook that runs while
serving from which to restart it; and the hooks run in every gunicorn, including app hosts of a
scale-out (where the loop runs on worker hosts) and every test server.

Run as a file with -P (portal/ stays off sys.path) rather than `-m portal.serve`: importing the
portal package loads the whole app (about 4 s and 170 MB) for a process that only waits.
"""

import ctypes
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRACE_SECONDS = 30  # above gunicorn's graceful_timeout (20 s)
FIRST_DELAY, MAX_DELAY, STABLE_SECONDS = 1.0, 60.0, 60.0
POLL_SECONDS = 0.2
PR_SET_PDEATHSIG = 1

log = logging.getLogger("portal.serve")


def web_server_command():
    return [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]


def worker_command():
    return [sys.executable, "-m", "flask", "--app", "wsgi", "worker"]


def _die_with_parent(parent_pid):
    """Runs in the child between fork and exec: SIGTERM when the supervisor dies (Linux)."""
    def prepare():
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):  # not Linux: the process group and stop() still apply
            return
        if os.getppid() != parent_pid:  # the supervisor died before prctl took effect
            os._exit(1)
    return prepare


class Child:
    """One supervised command: started, watched, stopped."""

    def __init__(self, name, command):
        self.name, self.command = name, command
        self.process = None
        self.started = 0.0

    def start(self):
        # S603: the two commands are fixed above; nothing comes from outside.
        self.process = subprocess.Popen(self.command, cwd=ROOT, process_group=0,  # noqa: S603
                                        preexec_fn=_die_with_parent(os.getpid()))
        self.started = time.monotonic()
        log.info("%s started (pid %s)", self.name, self.process.pid)

    def exited(self):
        return self.process is not None and self.process.poll() is not None

    def running(self):
        return self.process is not None and self.process.poll() is None

    def terminate(self):
        if self.running():
            self.process.terminate()

    def wait(self, deadline):
        if self.process is None:
            return
        try:
            self.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log.warning("%s did not stop within %s s; killing it", self.name, GRACE_SECONDS)
            self.process.kill()
            self.process.wait()


class Supervisor:
    def __init__(self, web, worker):
        self.web, self.worker = web, worker
        self.stop_signal = None
        self.failures = 0  # consecutive short runs of the loop
        self.restart_at = None

    def request_stop(self, signum, _frame):
        self.stop_signal = signum

    def run(self):
        """Serve until a stop signal (0) or the web server's end (its status, at least 1)."""
        signal.signal(signal.SIGINT, self.request_stop)
        signal.signal(signal.SIGTERM, self.request_stop)
        status = 0
        try:
            self.web.start()
            self.worker.start()
            while self.stop_signal is None:
                if self.web.exited():
                    code = self.web.process.returncode
                    status = code if code > 0 else 128 - code if code < 0 else 1  # killed by signal N: 128+N
                    log.error("%s exited with status %s; stopping", self.web.name, code)
                    break
                self.watch_worker()
                time.sleep(POLL_SECONDS)
            else:
                log.info("%s received; stopping", signal.Signals(self.stop_signal).name)
        finally:
            self.stop()
        return status

    def watch_worker(self):
        now = time.monotonic()
        if self.restart_at is not None:
            if now >= self.restart_at:
                self.restart_at = None
                try:
                    self.worker.start()
                except OSError:
                    log.exception("%s could not start", self.worker.name)
                    self.schedule_restart(now, ran=0.0)
        elif self.worker.exited():
            log.warning("%s exited with status %s", self.worker.name, self.worker.process.returncode)
            self.schedule_restart(now, ran=now - self.worker.started)

    def schedule_restart(self, now, ran):
        if ran >= STABLE_SECONDS:
            self.failures = 0
        delay = min(FIRST_DELAY * 2 ** self.failures, MAX_DELAY)
        self.failures += 1
        self.restart_at = now + delay
        log.warning("restarting %s in %s s", self.worker.name, delay)

    def stop(self):
        # SIGTERM to both at once, so the loop and the web server wind down side by side.
        for child in (self.worker, self.web):
            child.terminate()
        deadline = time.monotonic() + GRACE_SECONDS
        for child in (self.worker, self.web):
            child.wait(deadline)


def main():
    logging.basicConfig(level=os.environ.get("PORTAL_LOG_LEVEL", "INFO").upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    supervisor = Supervisor(Child("web server", web_server_command()), Child("worker", worker_command()))
    return supervisor.run()


if __name__ == "__main__":
    sys.exit(main())
