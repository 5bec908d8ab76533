"""Sign-in and password forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from portal.accounts import passwords
from portal.forms import REQUIRED, LineField, email_check


class LoginForm(FlaskForm):
    email = LineField(_l("E-mail address"), validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED), Length(max=passwords.MAX_LENGTH)])
    next = HiddenField()


class ResetRequestForm(FlaskForm):
    email = LineField(_l("E-mail address"), validators=[DataRequired(REQUIRED), Length(max=254), email_check])


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


class CodeForm(FlaskForm):
    """The second step of signing in: a code from the authenticator app, or a recovery code."""

    code = LineField(_l("Code"), validators=[DataRequired(REQUIRED), Length(max=20)],
                     description=_l("The six digits your authenticator app shows now, or one of your recovery codes."))


class EnrolForm(FlaskForm):
    code = LineField(_l("Code from the app"), validators=[DataRequired(REQUIRED), Length(max=20)],
                     description=_l("After adding the account, type the six digits the app shows."))


class ConfirmForm(FlaskForm):
    """Confirming it is you before a sensitive change: the password, and the code when enrolled."""

    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED), Length(max=passwords.MAX_LENGTH)])
    code = LineField(_l("Code"), validators=[Length(max=20)],
                     description=_l("The six digits your authenticator app shows now, or one of your recovery codes."))
