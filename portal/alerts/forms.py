"""The alert subscription form, labels in both languages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField
from wtforms.validators import DataRequired, Length

from portal.forms import REQUIRED, LineField, MultiCheckboxField, choice_list, email_check, honeypot_check, pairs
from portal.vocab import INDUSTRIES, REGIONS


class SubscribeForm(FlaskForm):
    email = LineField(_l("E-mail"), validators=[DataRequired(REQUIRED), Length(max=254), email_check],
                      description=_l("We send a link to this address; nothing is sent until you open it."))
    industries = MultiCheckboxField(_l("Industries (optional)"), choices=choice_list(INDUSTRIES),
                                    description=_l("Choose none to receive alerts for every industry."))
    regions = MultiCheckboxField(_l("Markets (optional)"), choices=choice_list(REGIONS),
                                 description=_l("Choose none to receive alerts for every market."))
    notices = BooleanField(_l("Also e-mail me the IP office's new notices (calls for applications, results, "
                              "events)"), description=_l("They come in the same e-mails, with the same link to "
                                                         "unsubscribe."))
    frequency = RadioField(_l("How often?"), default="weekly", validators=[DataRequired(REQUIRED)], choices=pairs(
        ("weekly", _l("Once a week, when there is something new")),
        ("immediate", _l("As soon as an alert is published"))))
    language = RadioField(_l("Language of the e-mails"), validators=[DataRequired(REQUIRED)], choices=pairs(
        ("zh", "中文"), ("en", "English")))
    consent = BooleanField(_l("I agree that the portal keeps my e-mail address and choices to send me these alerts, "
                              "as the privacy notice explains, until I unsubscribe."),
                           validators=[DataRequired(_l("Please agree, or we cannot send you alerts."))])
    website = LineField(_l("Leave this field empty"), validators=[honeypot_check])
