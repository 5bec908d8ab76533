"""The visitors' problem report and the editors' answer to one."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.forms import REQUIRED, LineField, email_check, honeypot_check

PAGE_MAX = 300
WHAT_MAX = 2000


class ReportForm(FlaskForm):
    page = HiddenField()
    what = TextAreaField(_l("What is wrong on this page?"), validators=[DataRequired(REQUIRED), Length(max=WHAT_MAX)],
                         description=_l("For example: a link that does not open, a wrong date or name, text that is "
                                        "hard to understand. Please do not write personal details here."))
    email = LineField(_l("Your e-mail address (optional)"), validators=[Optional(), Length(max=254), email_check],
                      description=_l("Only if you would like an answer. It is used for nothing else."))
    website = LineField(_l("Leave this field empty"), validators=[honeypot_check])


class AnswerForm(FlaskForm):
    note = TextAreaField(_l("What was done"), validators=[DataRequired(REQUIRED), Length(max=2000)])
