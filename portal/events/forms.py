"""The registration form, with the event's own questions added per event, and the staff forms
(check-in, a message to all registrants) and the rating form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal import validators
from portal.forms import (
    REQUIRED,
    UNREADABLE,
    LineField,
    choice_list,
    credit_code_check,
    email_check,
    honeypot_check,
    pairs,
    phone_check,
    rating_level_labels,
)
from portal.params import whole_number

APPLICANT_KINDS = {
    "enterprise": _l("An enterprise or self-employed business"),
    "school": _l("A school"),
    "other": _l("Another organisation or a person"),
}
NUMBER_MAX = 100_000
TEXT_MAX = 500


level_labels = rating_level_labels


class _Readable:
    """Strip every text field and refuse characters nobody can read (NUL, control characters)."""

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field.data, str) and field.type in ("LineField", "TextAreaField"):
                field.data = field.data.strip()
                if validators.has_unreadable_characters(field.data):
                    field.errors = [*field.errors, UNREADABLE]
                    valid = False
        return valid


class RegistrationForm(_Readable, FlaskForm):
    applicant_kind = RadioField(_l("Who is registering?"), choices=choice_list(APPLICANT_KINDS),
                                validators=[InputRequired(REQUIRED)], default="enterprise")
    organisation = LineField(_l("Name of your enterprise, school or organisation"),
                             validators=[DataRequired(REQUIRED), Length(max=200)])
    credit_code = LineField(_l("Unified social credit code"), validators=[credit_code_check],
                            description=_l("18 characters, on your business licence. Not needed for schools."))
    contact_name = LineField(_l("Contact person"), validators=[DataRequired(REQUIRED), Length(max=100)])
    phone = LineField(_l("Phone"), validators=[DataRequired(REQUIRED), phone_check],
                      description=_l("A mobile or a landline with its area code; abroad, start with + and the "
                                     "country code."))
    email = LineField(_l("E-mail"), validators=[DataRequired(REQUIRED), email_check],
                      description=_l("We send the confirmation and your private link to see or cancel the "
                                     "registration here."))
    consent = BooleanField(_l("I agree that my registration and contact details are kept for this event and "
                              "passed to its organiser, as the privacy notice explains."),
                           validators=[DataRequired(_l("We can only register you with your agreement."))])
    sms_consent = BooleanField(_l("Also send me SMS about this registration to the mobile number above "
                                  "(confirmation, a place coming free, the reminder)."))
    website = LineField(_l("Leave this field empty"), validators=[honeypot_check])


def beijing_span(starts, ends):
    """'2027-03-10 14:00–15:30' (Beijing time), as the pages and the forms show a time."""
    same_day = starts.date() == ends.date()
    return f"{starts:%Y-%m-%d %H:%M}–{ends:%H:%M}" if same_day else f"{starts:%Y-%m-%d %H:%M} – {ends:%Y-%m-%d %H:%M}"


def question_field(question):
    """The form field of one of the event's own questions."""
    required = [DataRequired(REQUIRED)] if question.required else [Optional()]
    if question.type == "number":
        return IntegerField(question.label, validators=[InputRequired(REQUIRED) if question.required else Optional(),
                                                        NumberRange(0, NUMBER_MAX, message=_l(
                                                            "Give a whole number from %(min)s to %(max)s."))])
    if question.type == "choice":
        return SelectField(question.label, choices=pairs(("", _l("Choose…")),
                                                         *((str(n), c) for n, c in enumerate(question.choices))),
                           validators=required)
    return LineField(question.label, validators=[*required, Length(max=TEXT_MAX)])


def registration_form(facts, lang, formdata=None, taken=frozenset()):
    """The form for this event: the base fields, then a slot choice (school sessions), the event's
    questions and, where partner banks take part, the separate consent to share with them."""
    fields = {}
    if facts.slots:
        # Not checked against the free slots here: one taken since the form was shown is refused
        # by the registration rules, under the event's lock, with a message saying so.
        fields["slot"] = RadioField(_l("Choose a time for your school"), coerce=str, validate_choice=False,
                                    choices=pairs(*((str(n), beijing_span(slot.starts, slot.ends))
                                                    for n, slot in enumerate(facts.slots) if n not in taken)),
                                    validators=[InputRequired(_l("Please choose one of the free times."))])
    for question in facts.questions:
        fields[f"q_{question.id}"] = question_field(question)
    if facts.partners:
        fields["share_with_banks"] = BooleanField(_l(
            "Show my organisation, contact details and answers to the partner banks of this financing day, "
            "so that they can prepare. Without this, only the organiser sees them."))
    form_class = type("EventRegistrationForm", (RegistrationForm,), fields)
    return form_class(formdata=formdata)


def clean_values(form, facts):
    """The registration's values from a validated form."""
    answers = {}
    for question in facts.questions:
        value = form[f"q_{question.id}"].data
        if question.type == "choice" and value not in ("", None):
            value = question.choices[int(value)]
        if value not in ("", None):
            answers[question.id] = value
    return {"applicant_kind": form.applicant_kind.data, "organisation": form.organisation.data,
            "credit_code": form.credit_code.data or None, "contact_name": form.contact_name.data,
            "phone": form.phone.data, "email": form.email.data, "answers": answers,
            "sms_consent": form.sms_consent.data,
            "share_with_banks": bool(getattr(form, "share_with_banks", None) and form.share_with_banks.data),
            "slot": whole_number(form.slot.data or "", 0, 999) if facts.slots else None}


class CancelForm(FlaskForm):
    confirm = BooleanField(_l("Yes, cancel my registration"),
                           validators=[DataRequired(_l("Tick the box to cancel."))])


class RateForm(FlaskForm):
    level = RadioField(_l("How satisfied are you with this event?"), choices=choice_list(level_labels()),
                       validators=[InputRequired(message=_l("Choose how satisfied you are."))])


class CheckInForm(FlaskForm):
    registration = HiddenField()
    attended = HiddenField()


class MessageForm(_Readable, FlaskForm):
    subject = LineField(_l("Subject"), validators=[DataRequired(REQUIRED), Length(max=150)])
    text = TextAreaField(_l("Message"), validators=[DataRequired(REQUIRED), Length(max=3000, message=_l(
        "Please write at most %(max)d characters."))], description=_l("Plain text, up to 3,000 characters. "
                                                                       "Each registrant gets it by e-mail."))
    include_waiting = BooleanField(_l("Also send it to those on the waiting list"))
