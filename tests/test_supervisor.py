"""`make run`'s supervisor (portal/serve.py): the web server and the background loop start, stop
and restart together. Started as `make run` starts it, on a temporary instance and a free port."""

import email
import signal
import socket
import subprocess
import sys
import time
from email import policy
from pathlib import Path

import pytest

from portal.config import ROOT
from tests.support import server as portal_server
from tests.support.forms import REQUEST_FIELDS
from tests.support.net import free_port
from tests.support.visitor import Visitor

BOUND = 60  # seconds any awaited thing may take on a busy machine


def start_host(tmp_path, port, wait=True):
    """What `make run` does after preparing the instance: `python -P portal/serve.py`."""
    instance = tmp_path / "instance"
    env = portal_server.portal_env(instance, PORT=port, WEB_CONCURRENCY=2)
    portal_server.flask(env, "db", "upgrade")
    portal_server.flask(env, "seed", "demo")
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-P", "portal/serve.py"], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    if wait:
        portal_server.wait_for(f"http://127.0.0.1:{port}/healthz", process, log)
    return process, instance, log


def descendants(pid):
    """Every process below pid (gunicorn's master and workers, the loop)."""
    found = []
    for child in portal_server.worker_pids(pid):
        found += [child, *descendants(child)]
    return found


def alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def wait_until(predicate, what, seconds=BOUND):
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(0.2)


def the_loop(supervisor):
    """The child that is not gunicorn's master (the master's children are its workers)."""
    for pid in portal_server.worker_pids(supervisor.pid):
        try:
            if b"worker" in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0"):
                return pid
        except FileNotFoundError:  # exited meanwhile
            pass
    return None


def stop_and_check_nothing_is_left(supervisor, how, log):
    family = descendants(supervisor.pid)
    assert len(family) >= 4, family  # gunicorn's master, its two workers, the loop
    supervisor.send_signal(how)
    try:
        assert supervisor.wait(timeout=BOUND) == 0, Path(log).read_text()
    finally:
        portal_server.stop(supervisor)
    wait_until(lambda: not any(alive(pid) for pid in family), f"every child of the supervisor gone: {family}")


def test_a_submission_gets_its_acknowledgement_and_ctrl_c_stops_everything(tmp_path):
    port = free_port()
    supervisor, instance, log = start_host(tmp_path, port)
    try:
        visitor = Visitor(f"http://127.0.0.1:{port}")
        token = visitor.submit(visitor.open_form())
        assert isinstance(token, str), token
        mail = instance / "mail"
        wait_until(lambda: any(mail.glob("*-acknowledgement.eml")), "the acknowledgement e-mail under instance/mail/")
        (path,) = mail.glob("*-acknowledgement.eml")
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        assert message["To"] == REQUEST_FIELDS["email"]
        stop_and_check_nothing_is_left(supervisor, signal.SIGINT, log)
    finally:
        portal_server.stop(supervisor)


def test_a_dead_loop_is_restarted_while_the_web_server_keeps_serving(tmp_path):
    port = free_port()
    supervisor, _instance, log = start_host(tmp_path, port)
    try:
        wait_until(lambda: the_loop(supervisor) is not None, "the loop started")
        first = the_loop(supervisor)
        subprocess.run(["kill", "-KILL", str(first)], check=True)
        wait_until(lambda: the_loop(supervisor) not in (None, first), "a new loop after the first was killed")
        assert "restarting worker in 1.0 s" in Path(log).read_text()
        with Visitor(f"http://127.0.0.1:{port}").opener.open(f"http://127.0.0.1:{port}/healthz",
                                                                   timeout=30) as response:
            assert response.status == 200
        stop_and_check_nothing_is_left(supervisor, signal.SIGTERM, log)
    finally:
        portal_server.stop(supervisor)


def test_a_web_server_that_cannot_start_stops_the_loop_too(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        supervisor, _instance, log = start_host(tmp_path, taken.getsockname()[1], wait=False)
        family = set()
        try:
            deadline = time.monotonic() + BOUND
            while supervisor.poll() is None and time.monotonic() < deadline:
                family.update(descendants(supervisor.pid))  # the loop, gunicorn while it tries to bind
                time.sleep(0.1)
            assert supervisor.wait(timeout=1) == 1
        finally:
            portal_server.stop(supervisor)
    assert "web server exited with status 1; stopping" in Path(log).read_text()
    assert family
    wait_until(lambda: not any(alive(pid) for pid in family), f"every child of the supervisor gone: {family}")


@pytest.mark.parametrize("lines", [["worker"], ["outbox", "worker"]])
def test_the_loop_command_and_its_alias_are_registered(runner, lines):
    result = runner.invoke(args=[*lines, "--help"])
    assert result.exit_code == 0 and "--interval" in result.output
