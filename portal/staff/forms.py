"""The staff workspace's forms: sign-in, passwords, the queue's filters and the actions."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from portal.intake.forms import REQUIRED, email_check
from portal.staff import passwords


class LoginForm(FlaskForm):
    email = StringField(_l("E-mail address"), validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED), Length(max=passwords.MAX_LENGTH)])
    next = HiddenField()


class ResetRequestForm(FlaskForm):
    email = StringField(_l("E-mail address"), validators=[DataRequired(REQUIRED), Length(max=254), email_check])


class NewPasswordForm(FlaskForm):
    """Choosing a password (invitation, reset, change): the policy in passwords.problems()."""

    account_email = ""  # set by the view, so the policy can refuse the e-mail name

    password = PasswordField(
        _l("New password"), validators=[DataRequired(REQUIRED)],
        description=_l("At least 12 characters. A few unrelated words are easy to remember and hard to guess."))
    confirm = PasswordField(_l("The new password again"),
                            validators=[DataRequired(REQUIRED), EqualTo("password", _l("The two passwords differ."))])

    def validate_password(self, field):
        found = passwords.problems(field.data or "", self.account_email)
        if found:
            raise ValidationError(found[0])


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(REQUIRED),
                                                                 Length(max=passwords.MAX_LENGTH)])


class ActionForm(FlaskForm):
    """One form for every action button; the table in workflow.py says which ones show."""

    action = HiddenField()
    seen_status = HiddenField()
    text = TextAreaField(_l("Text"), validators=[Length(max=5000, message=_l("Keep it under %(max)d characters."))])
    institution = SelectField(_l("Institution"), choices=[], validate_choice=False)


class QueueFilterForm(FlaskForm):
    """Filters of the queue: a GET form, so no CSRF token and the URL can be bookmarked."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), default="open")
    type = SelectField(_l("Type"), default="")
    county = SelectField(_l("County or district"), default="")
    overdue = BooleanField(_l("Only overdue requests"))
