"""Form pieces every feature's forms use: the required-field message, choice lists, a checkbox
list, the e-mail check and the honeypot. One copy, so each field says the same in both languages."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectMultipleField, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal import validators

REQUIRED = _l("Please fill this in.")
UNREADABLE = _l("This contains characters that cannot be read (control characters or broken text). "
                "Please type it again.")


def choice_list(mapping):
    return [SelectChoice(key, label) for key, label in mapping.items()]


def pairs(*items):
    return [SelectChoice(key, label) for key, label in items]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def email_check(form, field):
    try:
        field.data = validators.normalise_email(field.data)
    except ValueError:
        raise ValidationError(_l("This does not look like an e-mail address, for example name@example.com.")) from None


def honeypot_check(form, field):
    if field.data:
        raise ValidationError(_l("Please leave this field empty."))
