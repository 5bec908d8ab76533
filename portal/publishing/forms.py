"""The editorial forms. The front-matter inputs are built from the schema (editing.fields_for)
and read from the form by name; these carry the rest and the CSRF token."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from portal.forms import REQUIRED

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG_MAX = 80


class EditForm(FlaskForm):
    body = TextAreaField(_l("Text of the page (Markdown)"), validators=[Length(max=150_000)])
    change_note = TextAreaField(_l("Change note (更新说明): what changed, in a sentence the public will read"),
                                validators=[Optional(), Length(max=500)])
    minor = BooleanField(_l("Minor change: the other language needs no update (a typo, a link)"))
    base_revision = HiddenField()


class NewPageForm(FlaskForm):
    section = SelectField(_l("Kind of page"), validators=[InputRequired(message=REQUIRED)])
    slug = StringField(_l("Address name (lower-case letters, digits and hyphens, e.g. eu-design-reform-2026)"),
                       validators=[InputRequired(message=REQUIRED), Length(max=SLUG_MAX),
                                   Regexp(SLUG, message=_l("Use lower-case letters, digits and single hyphens."))])


class ActionForm(FlaskForm):
    action = HiddenField()
    version = HiddenField()
    lang_of = HiddenField()
    comment = TextAreaField(_l("Comment for the author"), validators=[Optional(), Length(max=2000)])
    when = StringField(_l("Publish at (Beijing time, e.g. 2026-12-24 09:00)"), validators=[Optional(), Length(max=30)])
    # An unpublish's (or a republish's) public change note, one per language (notes_for_form).
    note_zh = TextAreaField(validators=[Optional(), Length(max=500)])
    note_en = TextAreaField(validators=[Optional(), Length(max=500)])


class RestoreForm(FlaskForm):
    revision = HiddenField()
    base_revision = HiddenField()


class TermConfirmForm(FlaskForm):
    """A reviewer's confirmation of a serious word on the pending change (publishing/terms.py)."""
    lang_of = HiddenField()
    term = HiddenField(validators=[Length(max=200)])
    reason = TextAreaField(_l("Why this word is right here (kept on record)"),
                           validators=[Optional(), Length(max=1000)])
