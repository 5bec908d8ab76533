"""Publishing by the IP office: write, review, schedule and publish every page in the browser
(the workflow table in workflow.py, the actions in service.py, the staff views, `flask content
publish-due`). The store it writes is the content package's; the catalog follows it."""

from portal import tasks
from portal.publishing.cli import publish_due_task


def init_app(app):
    from portal.publishing import views  # noqa: PLC0415

    app.register_blueprint(views.bp, url_prefix="/<language:lang>/staff")
    # Scheduled changes go live from the worker loop, checked every pass (a cheap query); a late
    # one (no loop ran) is published at the next pass and reported to the editors.
    tasks.every(app, "publish scheduled content", 0, publish_due_task)
