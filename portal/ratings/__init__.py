"""好差评: the requester rates an answered or closed request (the private status link, no sign-in);
a bad rating opens a follow-up for the coordinators, escalated once by the worker loop when overdue."""

from portal import tasks
from portal.ratings.cli import ratings_group
from portal.ratings.service import escalate_overdue_follow_ups


def init_app(app):
    from portal.ratings import views  # noqa: PLC0415

    app.register_blueprint(views.bp, url_prefix="/<language:lang>")
    app.cli.add_command(ratings_group)
    tasks.every(app, "escalate overdue rating follow-ups", app.config["SLA_CHECK_MINUTES"] * 60,
                escalate_overdue_follow_ups)
