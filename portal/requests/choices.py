"""The fixed lists the request form offers, in both languages."""

from flask_babel import lazy_gettext as _l

APPLICANT_KINDS = {
    "enterprise": _l("An enterprise or self-employed business"),
    "school": _l("A school"),
    "other": _l("Another organisation or a person"),
}

