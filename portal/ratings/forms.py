"""The rating form (public, the private status link) and the follow-up's closing form (coordinators)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from portal import validators
from portal.forms import UNREADABLE, choice_list, pairs, rating_level_labels

level_labels = rating_level_labels


class _Plain:
    """Strip a text field and refuse characters nobody can read (NUL, control characters)."""

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for name in self.TEXT_FIELDS:
            field = self[name]
            field.data = (field.data or "").strip()
            if validators.has_unreadable_characters(field.data):
                field.errors = [*field.errors, UNREADABLE]
                valid = False
        return valid


class RatingForm(_Plain, FlaskForm):
    TEXT_FIELDS = ("comment",)
    level = RadioField(_l("How satisfied are you with how your request was handled?"),
                       choices=choice_list(level_labels()),
                       validators=[InputRequired(message=_l("Choose how satisfied you are."))])
    comment = TextAreaField(_l("Anything you want to tell us (optional)"),
                            validators=[Length(max=1000, message=_l("Please write at most %(max)d characters."))],
                            description=_l("Only the city's coordinators read this; it is never published. "
                                           "Up to 1,000 characters."))


class FollowUpForm(_Plain, FlaskForm):
    TEXT_FIELDS = ("action_taken",)
    action_taken = TextAreaField(_l("What was done"), validators=[
        DataRequired(message=_l("Say what was done.")),
        Length(max=3000, message=_l("Please write at most %(max)d characters."))])
    called_back = RadioField(_l("Was the requester called back?"),
                             choices=pairs(("yes", _l("Yes")), ("no", _l("No"))),
                             validators=[InputRequired(message=_l("Say whether the requester was called back."))])
