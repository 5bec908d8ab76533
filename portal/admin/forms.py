"""The administration's forms. Choices come from the shared vocabularies, so a form can only
save values the rest of the portal understands."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from portal import validators
from portal.accounts.auth import ROLES
from portal.accounts.identity import InlineConfirmation
from portal.forms import REQUIRED, LineField, MultiCheckboxField, choice_list, email_check
from portal.i18n import LANGUAGES, NATIVE_NAME
from portal.vocab import COUNTIES, INDUSTRIES, INSTITUTION_KINDS, REQUEST_TYPES

ANY = [SelectChoice("", _l("Any"))]


class InstitutionForm(FlaskForm):
    slug = LineField(_l("Short name for addresses"), validators=[
        DataRequired(REQUIRED), Length(max=60),
        Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", message=_l("Lower-case letters, digits and hyphens only."))],
        description=_l("For example workstation-anping. Lower-case letters, digits and hyphens."))
    kind = SelectField(_l("Kind"), choices=choice_list(INSTITUTION_KINDS))
    name_zh = LineField(_l("Name in Chinese"), validators=[DataRequired(REQUIRED), Length(max=200)])
    name_en = LineField(_l("Name in English"), validators=[DataRequired(REQUIRED), Length(max=200)])
    services = MultiCheckboxField(_l("Request types it handles"), choices=choice_list(REQUEST_TYPES))
    counties = MultiCheckboxField(_l("Counties it serves"), choices=choice_list(COUNTIES),
                                  description=_l("Leave all unticked if it serves the whole city."))
    email = LineField(_l("E-mail for new requests"), validators=[DataRequired(REQUIRED), Length(max=254),
                                                                  email_check])
    phone = LineField(_l("Public telephone"), validators=[Optional(), Length(max=40)],
                      description=_l("Only a number the institution has published itself."))
    address_zh = LineField(_l("Address in Chinese"), validators=[Optional(), Length(max=300)])
    address_en = LineField(_l("Address in English"), validators=[Optional(), Length(max=300)])
    active = BooleanField(_l("Active (receives requests and is listed)"), default=True)


class UserForm(InlineConfirmation, FlaskForm):
    """An account; a new role or e-mail address needs the administrator's own password (and code)
    within five minutes, asked here on the form so that the edit is kept."""

    email = LineField(_l("E-mail address"), validators=[DataRequired(REQUIRED), Length(max=254), email_check])
    name = LineField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=100)])
    role = SelectField(_l("Role"), choices=choice_list(ROLES))
    institution = SelectField(_l("Institution"), choices=[], validate_choice=False,
                              description=_l("Required for institution staff and coordinators."))
    lang = SelectField(_l("Language of e-mails"), choices=[SelectChoice(code, NATIVE_NAME[code]) for code in LANGUAGES])
    active = BooleanField(_l("Active (can sign in)"), default=True)


class RuleForm(FlaskForm):
    priority = IntegerField(_l("Priority"), validators=[InputRequired(REQUIRED), NumberRange(0, 1000)],
                            description=_l("The matching rule with the highest number wins."))
    request_type = SelectField(_l("Request type"), choices=ANY + choice_list(REQUEST_TYPES))
    county = SelectField(_l("County or district"), choices=ANY + choice_list(COUNTIES))
    industry = SelectField(_l("Industry"), choices=ANY + choice_list(INDUSTRIES))
    institution = SelectField(_l("Institution"), choices=[], validate_choice=False)
    note = LineField(_l("Note"), validators=[Optional(), Length(max=300)])
    active = BooleanField(_l("Active"), default=True)


class TryForm(FlaskForm):
    """'Try a request': a GET form that changes nothing."""

    class Meta:
        csrf = False

    request_type = SelectField(_l("Request type"), choices=choice_list(REQUEST_TYPES))
    county = SelectField(_l("County or district"), choices=choice_list(COUNTIES))
    industry = SelectField(_l("Industry"), choices=choice_list(INDUSTRIES))


class IndicatorValueForm(FlaskForm):
    """A newly published value of one of the plan's indicators (checked by indicators.latest)."""

    indicator = SelectField(_l("Indicator"), choices=[], validate_choice=False)
    value = LineField(_l("Value"), validators=[DataRequired(REQUIRED), Length(max=30)],
                      description=_l("As published, in the indicator's unit; a dot for decimals."))
    as_of = LineField(_l("Date of the figure"), validators=[DataRequired(REQUIRED), Length(max=10)],
                      description=_l("YYYY-MM-DD, for example 2025-12-31."))
    source_title = LineField(_l("Publication"), validators=[DataRequired(REQUIRED), Length(max=300)],
                             description=_l("The official report or statistical bulletin that gives the figure."))
    source_url = LineField(_l("Web address of the publication"),
                           validators=[DataRequired(REQUIRED), Length(max=500)])


def contact_check(form, field):
    """An e-mail address, or a phone number for requesters who gave no e-mail (issue 16)."""
    if "@" in (field.data or ""):
        email_check(form, field)
        return
    try:
        field.data = validators.normalise_phone(field.data)
    except ValueError:
        raise ValidationError(_l("Give the e-mail address or the phone number the requester used.")) from None


class RequesterForm(InlineConfirmation, FlaskForm):
    email = LineField(_l("The requester's e-mail address or phone number"),
                      validators=[DataRequired(REQUIRED), Length(max=254), contact_check])
    confirm = BooleanField(_l("I have checked the requester's identity and want to delete this data"))
