"""The workspace's forms: the queue's filters and the actions on a request."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, TextAreaField
from wtforms.validators import Length

from portal.forms import LineField


class ActionForm(FlaskForm):
    """One form for every action button; the table in workflow.py says which ones show."""

    action = HiddenField()
    seen_status = HiddenField()
    seen_version = HiddenField()  # the request's version when the page was shown
    text = TextAreaField(_l("Text"), validators=[Length(max=5000, message=_l("Keep it under %(max)d characters."))])
    institution = SelectField(_l("Institution"), choices=[], validate_choice=False)
    # A recorded call: when it took place (Beijing time, the browser's date and time picker).
    called_at = LineField(_l("When you called"), validators=[Length(max=20)])


class QueueFilterForm(FlaskForm):
    """Filters of the queue: a GET form, so no CSRF token and the URL can be bookmarked."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), default="open")
    type = SelectField(_l("Type"), default="")
    county = SelectField(_l("County or district"), default="")
    overdue = BooleanField(_l("Only overdue requests"))
