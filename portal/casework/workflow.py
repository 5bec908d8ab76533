"""What can be done to a request, in which status, by which role: one table.

Pure data and functions (no Flask, no database), so the table is tested as a table. The
statuses a request moves through:

    assigned ──accept──> accepted ──answer──> answered ──close──> closed
       │  ▲                 │ ▲                 │ ▲                │
       │  └──decline/reassign┘ └────reopen──────┘ └─────reopen──────┘
    (received: only when no institution could be found; a coordinator reassigns it)

Declining sends the request through routing again, excluding every institution that declined it.
Notes can be added in any status; replies to the requester once the request has been accepted.

The first response on the service clock is what reaches the requester: the first reply, or a
phone call recorded with its time and a summary. Accepting is an internal click and marking as
answered says nothing to the requester by itself: neither counts.
"""

from dataclasses import dataclass

from portal.vocab import ALL_STATUSES

EVERYONE = ("staff", "coordinator")
COORDINATOR = ("coordinator",)


@dataclass(frozen=True)
class Transition:
    from_statuses: tuple
    to_status: str | None  # None: the status stays as it is
    roles: tuple
    needs_text: bool = False        # a reason, note or message is required
    needs_institution: bool = False  # reassign: the institution to send it to
    first_response: bool = False    # counts as the first response on the service clock
    public: bool = False            # shown to the requester on the tracking page


ACTIONS = {
    "accept": Transition(("assigned",), "accepted", EVERYONE, public=True),
    "decline": Transition(("assigned", "accepted"), "assigned", EVERYONE, needs_text=True),
    "note": Transition(ALL_STATUSES, None, EVERYONE, needs_text=True),
    "reply": Transition(("accepted", "answered"), None, EVERYONE, needs_text=True, first_response=True, public=True),
    "call": Transition(("assigned", "accepted", "answered"), None, EVERYONE, needs_text=True, first_response=True,
                       public=True),
    "answer": Transition(("accepted",), "answered", EVERYONE, public=True),
    "close": Transition(("answered",), "closed", EVERYONE, public=True),
    "reopen": Transition(("answered", "closed"), "accepted", EVERYONE, public=True),
    # A reason is required: the receiving institution and the audit trail read why it moved.
    "reassign": Transition(("received", "assigned", "accepted", "answered"), "assigned", COORDINATOR,
                           needs_text=True, needs_institution=True),
    # A coordinator may close what needs no answer (a duplicate, a request sent by mistake).
    "close-unanswered": Transition(("received", "assigned", "accepted"), "closed", COORDINATOR, needs_text=True,
                                   public=True),
}


def allowed(action, status, role):
    transition = ACTIONS.get(action)
    return transition is not None and status in transition.from_statuses and role in transition.roles


def available(status, role):
    """The actions `role` may take on a request in `status`, in the table's order."""
    return [action for action in ACTIONS if allowed(action, status, role)]
