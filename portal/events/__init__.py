"""Events (issue 19): training sessions, bank–enterprise financing days, school activities and
webinars that people register for.

An event is a content page (content/events/, kind `event`, its facts in the `event:` front
matter: portal/content/event_facts.py), written by editors and published through the review
workflow like any page. What people submit is here: `models` (registrations and the per-event
lock row), `rules` (pure: window, capacity, waiting list, reminder, rating), `service` (one
transaction per registration under the event's lock, cancellation with promotion, check-in,
messages, reminders once, retention), `messages` (e-mails and SMS through the outbox), `feeds`
(iCalendar), `report` (the service report's columns), `forms`, `views` (public), `staff_views`
(the organiser's pages), `demo` (the demo events of `flask seed demo`) and `cli`.
"""

from portal import tasks
from portal.events import models  # noqa: F401 (the tables, for migrations and the models check)

REMINDER_SECONDS = 600  # how often the worker loop looks for reminders due


def init_app(app):
    from portal.events import staff_views, views  # noqa: F401, PLC0415 (the routes)
    from portal.events.blueprint import bp  # noqa: PLC0415
    from portal.events.cli import events_group, remind_due  # noqa: PLC0415
    from portal.events.report import report_section  # noqa: PLC0415

    app.register_blueprint(bp, url_prefix="/<language:lang>")
    app.cli.add_command(events_group)
    app.extensions.setdefault("service_report_sections", []).append(report_section)
    tasks.every(app, "event reminders", REMINDER_SECONDS, remind_due)
