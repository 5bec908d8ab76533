"""The institutions' workspace: the queue, a request's actions (the table in workflow, applied
by service), the service clock's escalations and `flask sla check`."""

from portal import sla, tasks
from portal.casework.cli import sla_group
from portal.casework.service import escalate_overdue


def init_app(app):
    from portal.casework import views  # noqa: PLC0415

    sla.init_app(app)
    app.register_blueprint(views.bp, url_prefix="/<language:lang>/staff")
    app.cli.add_command(sla_group)
    # The worker loop escalates overdue requests, so no cron line is needed on a host that runs it.
    tasks.every(app, "escalate overdue requests", app.config["SLA_CHECK_MINUTES"] * 60, escalate_overdue)
