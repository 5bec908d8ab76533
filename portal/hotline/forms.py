"""The coordinator's form for a 12345 ticket: the ticket number, the caller's details, the matter."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Length, Optional

from portal import validators
from portal.forms import REQUIRED, UNREADABLE, LineField, choice_list, pairs, phone_check
from portal.vocab import COUNTIES, INDUSTRIES, REQUEST_TYPES

TICKET = re.compile(r"[A-Za-z0-9-]{4,40}")


def ticket_check(form, field):
    field.data = (field.data or "").strip().upper()
    if not TICKET.fullmatch(field.data):
        raise ValidationError(_l("A 12345 ticket number has 4 to 40 letters, digits or hyphens, as on the ticket."))


class TicketForm(FlaskForm):
    ticket_number = LineField(_l("12345 ticket number"), validators=[DataRequired(REQUIRED), ticket_check])
    request_type = SelectField(_l("Type of request"), choices=choice_list(REQUEST_TYPES),
                               validators=[DataRequired(REQUIRED)])
    contact_name = LineField(_l("Caller's name"), validators=[DataRequired(REQUIRED), Length(max=100)])
    phone = LineField(_l("Caller's phone"), validators=[DataRequired(REQUIRED), phone_check])
    organisation = LineField(_l("Caller's enterprise or organisation (optional)"), validators=[Length(max=200)])
    county = SelectField(_l("County or district (if in Hengshui)"),
                         choices=pairs(("", _l("Not in Hengshui, or does not apply"))) + choice_list(COUNTIES),
                         validators=[Optional()])
    industry = SelectField(_l("Industry"), choices=choice_list(INDUSTRIES), validators=[DataRequired(REQUIRED)])
    description = TextAreaField(_l("The matter, as the ticket gives it"), validators=[
        DataRequired(REQUIRED), Length(max=3000, message=_l("Please write at most %(max)d characters."))])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field.data, str) and validators.has_unreadable_characters(field.data):
                field.errors = [*field.errors, UNREADABLE]
                valid = False
        return valid
