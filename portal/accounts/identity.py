"""Checking it is the account's owner: a second-factor code at sign-in, and the password (plus a
code when enrolled) before a sensitive change, on the confirmation page or inline on the form
of the change itself (an administrator's user edit), so that nothing typed there is lost."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, update
from wtforms import PasswordField
from wtforms.validators import Length, Optional

from portal.accounts import auth, passwords, second_factor
from portal.db import db
from portal.forms import LineField
from portal.models import AuditEvent, User

CODE_HINT = _l("The six digits your authenticator app shows now, or one of your recovery codes.")


def accept_code(user, code):
    """A TOTP code for a later step than the last one accepted, or an unused recovery code. The
    conditional UPDATE makes a code good once even when two sign-ins race with it."""
    step = second_factor.matching_step(user.totp_secret, code, user.totp_last_step)
    if step is not None:
        return db.session.execute(update(User).where(
            User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
            .values(totp_last_step=step)).rowcount == 1
    left = second_factor.use_recovery_code(user.recovery_hashes, code)
    if left is None:
        return False
    user.recovery_hashes = left
    db.session.add(AuditEvent(actor=f"user:{user.id}", action="recovery-code-used", after={"left": len(left)}))
    return True


def confirm(user, password, code):
    """The password (and the code, when enrolled) of `user`: True and the session confirmed for
    five minutes (committed), or False (rolled back)."""
    if passwords.verify(user.password_hash, password or "") and (
            not user.totp_secret or accept_code(user, code)):
        db.session.commit()
        auth.mark_confirmed()
        return True
    db.session.rollback()
    return False


class InlineConfirmation:
    """Fields a form adds to confirm on the spot; the view shows them only when a change needs a
    confirmation and the last one is older than five minutes."""

    confirm_password = PasswordField(_l("Your password"), validators=[Optional(), Length(max=passwords.MAX_LENGTH)])
    confirm_code = LineField(_l("Your code"), validators=[Optional(), Length(max=20)], description=CODE_HINT)
    CONFIRM_FIELDS = ("confirm_password", "confirm_code")
