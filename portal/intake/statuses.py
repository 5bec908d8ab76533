"""A request's statuses and timeline events, as the requester reads them."""

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "received": _l("Received"),
    "assigned": _l("Assigned to an institution"),
    "accepted": _l("Accepted by the institution"),
    "answered": _l("Answered"),
    "closed": _l("Closed"),
}

EVENT_LABELS = {
    "received": _l("Your request was received."),
    "assigned": _l("It was passed to the institution that handles this kind of request."),
    "accepted": _l("The institution accepted it."),
    "replied": _l("The institution sent you a message:"),
    "answered": _l("The institution answered it."),
    "closed": _l("It was closed."),
    "reopened": _l("It was reopened."),
}
