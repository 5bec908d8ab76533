"""Form pieces every feature's forms use: the required-field message, the one-line text field,
choice lists, a checkbox list, the e-mail check and the honeypot. One copy, so each field says the
same in both languages."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectMultipleField, StringField, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal import validators
from portal.vocab import RATING_LEVELS

REQUIRED = _l("Please fill this in.")
UNREADABLE = _l("This contains characters that cannot be read (control characters or broken text). "
                "Please type it again.")


ONE_LINE = _l("Please keep this on one line.")


class LineField(StringField):
    """A one-line text field: every form's StringField is this one, so a line break (CR, LF,
    U+2028/2029…) is refused the same way everywhere, before the field's own validators run.
    What was typed stays in the field, to be corrected."""

    def pre_validate(self, form):
        if isinstance(self.data, str) and not validators.is_one_line(self.data):
            raise ValidationError(ONE_LINE)


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


def credit_code_check(form, field):
    """GB 32100-2015, through validators; required when the form's applicant_kind is an enterprise."""
    if not field.data:
        if form.applicant_kind.data == "enterprise":
            raise ValidationError(_l("Enterprises must give their unified social credit code (18 characters)."))
        return
    try:
        field.data = validators.normalise_credit_code(field.data)
    except ValueError as error:
        reason = str(error)
        if reason == "length":
            raise ValidationError(_l("The code has 18 characters; please check it.")) from None
        if reason == "characters":
            raise ValidationError(_l("The code uses digits and capital letters only (no I, O, Z, S or V).")) from None
        raise ValidationError(_l("This code's last character does not match: please check each character.")) from None


def phone_check(form, field):
    try:
        field.data = validators.normalise_phone(field.data)
    except ValueError:
        raise ValidationError(_l("Give a mainland mobile number (11 digits), a landline with its area code "
                                 "(for example 0318-1234567) or a number abroad with its country code (for "
                                 "example +44 20 7946 0000).")) from None


def optional_phone_check(form, field):
    if field.data and field.data.strip():
        phone_check(form, field)
    else:
        field.data = ""


def optional_email_check(form, field):
    if field.data and field.data.strip():
        email_check(form, field)
    else:
        field.data = ""


def rating_level_labels():
    """The five 好差评 levels (vocab.RATING_LEVELS), best first, as requests and events show them."""
    return dict(zip(RATING_LEVELS, (_l("Very satisfied"), _l("Satisfied"), _l("Basically satisfied"),
                                    _l("Dissatisfied"), _l("Very dissatisfied")), strict=True))
