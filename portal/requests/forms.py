"""The request form: one base form and each request type's own fields, labels in both languages."""

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    RadioField,
    SelectField,
    TextAreaField,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal import validators
from portal.forms import (
    REQUIRED,
    UNREADABLE,
    LineField,
    MultiCheckboxField,
    choice_list,
    credit_code_check,
    honeypot_check,
    optional_email_check,
    optional_phone_check,
    pairs,
)
from portal.requests.choices import APPLICANT_KINDS
from portal.vocab import COUNTIES, INDUSTRIES


class RequestForm(FlaskForm):
    # Filled in when the form is first shown; the same token submitted twice creates one request.
    form_token = HiddenField()
    applicant_kind = RadioField(_l("Who is asking?"), choices=choice_list(APPLICANT_KINDS),
                                validators=[InputRequired(REQUIRED)], default="enterprise")
    organisation = LineField(_l("Name of your enterprise, school or organisation"),
                               validators=[DataRequired(REQUIRED), Length(max=200)])
    credit_code = LineField(_l("Unified social credit code"), validators=[credit_code_check],
                              description=_l("18 characters, on your business licence. Not needed for schools."))
    contact_name = LineField(_l("Contact person"), validators=[DataRequired(REQUIRED), Length(max=100)])
    # At least one of phone and e-mail (validate() below): many owners have no e-mail address.
    phone = LineField(_l("Phone"), validators=[optional_phone_check],
                        description=_l("A mobile or a landline with its area code; abroad, start with + and the "
                                       "country code. With the last six digits you can check your request's "
                                       "progress."))
    email = LineField(_l("E-mail (optional if you give a phone number)"), validators=[optional_email_check],
                        description=_l("We send your tracking number, your private status link and replies "
                                       "here."))
    # Only where it applies: a buyer abroad or a firm from elsewhere has no county here (routing
    # then uses the rules without a county).
    county = SelectField(_l("County or district (if you are in Hengshui)"),
                         choices=pairs(("", _l("Not in Hengshui, or does not apply"))) + choice_list(COUNTIES),
                         validators=[Optional()])
    industry = SelectField(_l("Industry"), choices=pairs(("", _l("Choose…"))) + choice_list(INDUSTRIES),
                           validators=[DataRequired(_l("Please choose an industry, or “Other”."))])
    description = TextAreaField(_l("What do you need?"),
                                validators=[DataRequired(REQUIRED),
                                            Length(min=20, max=3000, message=_l(
                                                "Please write between %(min)d and %(max)d characters."))],
                                description=_l("In your own words: what happened, what you want to achieve, "
                                               "any deadline. 20 to 3,000 characters."))
    attachments = MultipleFileField(_l("Documents (optional)"),
                                    description=_l("Up to 5 files, PDF, JPEG or PNG, each at most 10 MB."))
    consent = BooleanField(_l("I agree that this request and my contact details are passed to the service "
                              "institution that handles it, as the privacy notice explains."),
                           validators=[DataRequired(_l("We can only pass on your request with your agreement."))])
    # Separate from the consent above and unticked: SMS are sent only to those who ask for them.
    sms_consent = BooleanField(_l("Send me SMS about this request to the mobile number above: when it is "
                                  "received, when an institution writes and when it is answered or closed. "
                                  "I can stop them on the request's status page."))
    # Hidden from people (CSS and aria-hidden); a bot that fills every field is refused.
    website = LineField(_l("Leave this field empty"), validators=[honeypot_check])

    def ensure_form_token(self):
        # A missing or forged token (not one the portal made) is replaced: the request is still
        # saved once, and nothing odd reaches the unique column.
        if not validators.is_token(self.form_token.data):
            self.form_token.data = secrets.token_urlsafe(24)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.phone.errors and not self.email.errors and not self.phone.data and not self.email.data:
            self.phone.errors = [*self.phone.errors, _l("Give a phone number or an e-mail address (or both), so "
                                                        "that the institution can reach you.")]
            valid = False
        if self.sms_consent.data and not self.phone.errors and not validators.mobile_e164(self.phone.data or ""):
            self.sms_consent.errors = [*self.sms_consent.errors, _l("SMS need a mobile number: give one above, or "
                                                                    "leave this box unticked.")]
            valid = False
        for field in self:
            if isinstance(field.data, str) and validators.has_unreadable_characters(field.data):
                field.errors = [*field.errors, UNREADABLE]
                valid = False
        return valid


class PledgeFinancingForm(RequestForm):
    ip_kind = RadioField(_l("What would you pledge?"), choices=pairs(
        ("patent", _l("Patents")),
        ("trademark", _l("Trademarks")),
        ("both", _l("Both"))),
        validators=[InputRequired(REQUIRED)])
    amount = LineField(_l("Loan amount you have in mind (optional)"), validators=[Optional(), Length(max=50)])


class TrademarkGIForm(RequestForm):
    subject = RadioField(_l("What is it about?"), choices=pairs(
        ("trademark", _l("Registering a trademark")),
        ("gi", _l("A geographical indication")),
        ("collective", _l("A collective or certification mark"))), validators=[InputRequired(REQUIRED)])
    mark = LineField(_l("The mark or product name (optional)"), validators=[Optional(), Length(max=100)])


class CopyrightSoftwareForm(RequestForm):
    work_kind = RadioField(_l("What would you register?"), choices=pairs(
        ("software", _l("Computer software")),
        ("work", _l("Another work (text, art, photo, music, design…)"))),
        validators=[InputRequired(REQUIRED)])


class OverseasRiskForm(RequestForm):
    region = LineField(_l("Country or region concerned"), validators=[DataRequired(REQUIRED), Length(max=100)])
    deadline = DateField(_l("Deadline, if there is one (optional)"), validators=[Optional()],
                         description=_l("For example a date to answer a court, customs or a trade fair."))


class RightsProtectionForm(RequestForm):
    right_kind = RadioField(_l("Which right is infringed?"), choices=pairs(
        ("patent", _l("Patent")),
        ("trademark", _l("Trademark")),
        ("copyright", _l("Copyright")),
        ("unsure", _l("Not sure"))), validators=[InputRequired(REQUIRED)])
    where = LineField(_l("Where did you find the infringement? (optional)"),
                      validators=[Optional(), Length(max=200)],
                      description=_l("A market, a shop, a website or online store, a trade fair…"))


class PatentAdviceForm(RequestForm):
    technology = LineField(_l("Technical field"), validators=[DataRequired(REQUIRED), Length(max=200)])


class SchoolVisitForm(RequestForm):
    """What a school needs for a visit: the school's name is the organisation above (asked once),
    and a school has no industry."""

    industry = None
    grade_levels = MultiCheckboxField(_l("Grade levels"), choices=pairs(
        ("primary", _l("Primary")),
        ("junior", _l("Junior secondary")),
        ("senior", _l("Senior secondary")),
        ("vocational", _l("Vocational")),
        ("university", _l("University"))),
        validators=[DataRequired(_l("Please choose at least one grade level."))])
    pupils = IntegerField(_l("Number of pupils"), validators=[
        InputRequired(_l("Please give the number of pupils, as a whole number.")),
        NumberRange(min=1, max=5000, message=_l("Give a number of pupils between %(min)s and %(max)s."))],
        description=_l("Roughly how many pupils will take part."))
    preferred_dates = LineField(_l("Preferred dates"), validators=[DataRequired(REQUIRED), Length(max=200)],
                                  description=_l("For example: any Tuesday afternoon in March."))


class GeneralForm(RequestForm):
    pass


# Request type -> (form class, names of its own fields).
FORMS = {
    "pledge-financing": PledgeFinancingForm,
    "trademark-gi": TrademarkGIForm,
    "copyright-software": CopyrightSoftwareForm,
    "overseas-risk": OverseasRiskForm,
    "rights-protection": RightsProtectionForm,
    "patent-advice": PatentAdviceForm,
    "school-visit": SchoolVisitForm,
    "general": GeneralForm,
}
BASE_FIELDS = frozenset(name for name, value in vars(RequestForm).items() if isinstance(value, UnboundField))


def own_fields(form):
    """The names of the fields a request type adds to the base form."""
    return [field.name for field in form if field.name not in BASE_FIELDS and field.name != "csrf_token"]


class StopSmsForm(FlaskForm):
    """The status page's "stop SMS" button: a POST with its CSRF token, nothing else."""


class ConsentMoveForm(FlaskForm):
    """The status page's "I agree" to a move to another kind of institution: a POST with its CSRF token."""


class RequesterMessageForm(FlaskForm):
    """The status page's answer to the institution: a message, documents (the same checks as at
    submission), or the news that the matter is resolved."""

    message = TextAreaField(_l("Your message to the institution"),
                            validators=[Length(max=3000, message=_l("Please write at most %(max)d characters."))],
                            description=_l("Answer a question, add something you forgot, or say the matter is "
                                           "solved. Up to 3,000 characters."))
    attachments = MultipleFileField(_l("Documents (optional)"),
                                    description=_l("Up to 5 files, PDF, JPEG or PNG, each at most 10 MB."))
    resolved = BooleanField(_l("My matter is resolved: the institution need not do more"))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        self.message.data = (self.message.data or "").strip()
        if validators.has_unreadable_characters(self.message.data):
            self.message.errors = [*self.message.errors, UNREADABLE]
            valid = False
        return valid
