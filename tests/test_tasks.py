"""The worker loop: the tasks features register, each run when due, one failure never stopping the rest."""

from portal import tasks
from portal.tasks import Task, run_loop


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_each_task_runs_when_it_is_due_and_the_loop_sleeps_only_when_idle(app):
    clock, calls = Clock(), []
    work = iter([3, 0, 0, 0, 0, 0, 0, 0])
    loop = (Task("outbox", 0, lambda: calls.append("outbox") or next(work)),
            Task("clock", 10, lambda: calls.append("clock")))
    with app.app_context():
        run_loop(loop, interval=4, passes=5, clock=clock, sleep=clock.sleep)
    # Pass 1 found work (no sleep); passes 2-4 found none and slept 4 s each (t = 4, 8, 12); the
    # clock task, due every 10 s, runs again on pass 5 (t = 12); the last pass does not sleep.
    assert calls == ["outbox", "clock", "outbox", "outbox", "outbox", "outbox", "clock"]
    assert clock.now == 12


def test_a_failing_task_is_logged_and_the_others_keep_running(app, caplog):
    clock, calls = Clock(), []

    def broken():
        raise RuntimeError("boom")

    loop = (Task("broken", 0, broken), Task("outbox", 0, lambda: calls.append("outbox")))
    with app.app_context():
        run_loop(loop, interval=1, passes=3, clock=clock, sleep=clock.sleep)
    assert calls == ["outbox"] * 3
    assert sum("worker task 'broken' failed" in r.getMessage() for r in caplog.records) == 3


def test_the_features_register_the_outbox_and_the_service_clock(app):
    registered = {task.name: task.seconds for task in tasks.registered(app)}
    assert registered["deliver the outbox"] == 0
    assert registered["escalate overdue requests"] == app.config["SLA_CHECK_MINUTES"] * 60


def test_flask_worker_delivers_the_outbox(app, client, runner):
    from tests.conftest import submit

    mail = app.config["INSTANCE_DIR"] / "mail"
    for old in mail.glob("*.eml"):  # message ids restart with each test's fresh database
        old.unlink()
    assert submit(client, "zh", "general").status_code == 303
    result = runner.invoke(args=["worker", "--passes", "1", "--interval", "0"])
    assert result.exit_code == 0, result.output
    assert sorted(path.name.split("-", 1)[1] for path in mail.glob("*.eml")) == \
        ["acknowledgement.eml", "institution-notice.eml"]
    assert submit(client, "en", "general").status_code == 303
    result = runner.invoke(args=["outbox", "worker", "--passes", "1"])  # the older name, the same loop
    assert result.exit_code == 0, result.output
    assert len(list(mail.glob("*.eml"))) == 4
