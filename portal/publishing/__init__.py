"""Publishing by the IP office: write, review, schedule and publish every page in the browser
(the workflow table in workflow.py, the actions in service.py, the staff views, `flask content
publish-due`). The store it writes is the content package's; the catalog follows it."""

from werkzeug.routing import BaseConverter

from portal import tasks
from portal.content.schema import SECTIONS
from portal.publishing.cli import publish_due_task
from portal.publishing.forms import SLUG_MAX


class PageSlugConverter(BaseConverter):
    """A page's address name; anything else is a 404 before a view (or the method check) runs."""

    # The length in the pattern: the router refuses before the method check (a to_python
    # refusal would come after it, as a 405). The view checks the exact form (forms.SLUG).
    regex = f"[a-z0-9-]{{1,{SLUG_MAX}}}"


class PageSectionConverter(BaseConverter):
    regex = "|".join(SECTIONS)


def init_app(app):
    from portal.publishing import views  # noqa: PLC0415

    app.url_map.converters["page_slug"] = PageSlugConverter
    app.url_map.converters["page_section"] = PageSectionConverter
    app.register_blueprint(views.bp, url_prefix="/<language:lang>/staff")
    # Scheduled changes go live from the worker loop, checked every pass (a cheap query); a late
    # one (no loop ran) is published at the next pass and reported to the editors.
    tasks.every(app, "publish scheduled content", 0, publish_due_task)
