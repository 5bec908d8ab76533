"""The worker loop: what a host runs beside its web server, as tasks the features register.

A feature's init_app says what the loop should do and how often (the outbox: every pass; the
service clock: every PORTAL_SLA_CHECK_MINUTES; later scheduled publishing, the search index
following published changes, link checks). `flask worker` runs them (and `flask outbox worker`,
its older name); `make run` starts it beside gunicorn. Every task is safe to run on several hosts
at once (rows claimed once, conditional updates), so a deployment may run any number of loops.
"""

import logging
import time
from dataclasses import dataclass

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.db import db

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Task:
    name: str
    seconds: float  # how often; 0: on every pass of the loop
    run: object     # a function of no arguments; a truthy result means it found work to do


def every(app, name, seconds, run):
    """Register `run` to be called by the worker loop every `seconds` (0: every pass)."""
    app.extensions.setdefault("worker_tasks", []).append(Task(name, float(seconds), run))


def registered(app):
    return tuple(app.extensions.get("worker_tasks", ()))


def run_loop(tasks, interval=5.0, passes=None, clock=time.monotonic, sleep=time.sleep):
    """Run each task when it is due; sleep `interval` seconds after a pass that found no work.
    `passes` bounds the loop (for tests). A task that fails is logged and tried again when it is
    next due: one broken task never stops the others (the mail keeps going)."""
    last_run = {}
    done = 0
    while passes is None or done < passes:
        busy = False
        for task in tasks:
            now = clock()
            if task.name in last_run and now - last_run[task.name] < task.seconds:
                continue
            last_run[task.name] = now
            try:
                busy = bool(task.run()) or busy
            except Exception:
                db.session.rollback()
                log.exception("worker task %r failed", task.name)
        done += 1
        if not busy and (passes is None or done < passes):
            sleep(interval)


@click.command("worker", help="Run the worker loop: every task the features register (the outbox, the service clock…).")
@with_appcontext
@click.option("--interval", type=float, default=5.0, show_default=True, help="Seconds to wait when idle.")
@click.option("--passes", type=int, default=None, hidden=True, help="Stop after this many passes (tests).")
def worker_command(interval, passes):
    loop = registered(current_app)
    current_app.logger.info("worker: %s", ", ".join(f"{task.name} (every {task.seconds:g} s)" for task in loop))
    run_loop(loop, interval, passes)


def init_app(app):
    app.cli.add_command(worker_command)
