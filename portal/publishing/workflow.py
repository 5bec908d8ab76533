"""The editorial workflow: which action, in which status, by which role, as one table.

Pure data and functions (no Flask, no database), tested as a table. A document moves:

    draft, unpublished ──submit──> in_review ──approve (steps 1..n-1)──> in_review (next step)
      ▲                  │  ├──publish (last step)──> published ──request-unpublish──> in_review
      │                  │  └──schedule (last step)──> scheduled ──(due: worker)──> published / unpublished
      └────return────────┘                               │
      └────return / cancel──────────────────────────────┘

`save` and `restore` (an old revision as a new draft) make a draft from any status except one
under review or scheduled, which must be returned first, so a reviewer never approves a text
that changed under them. The author of the change (whoever saved or submitted it) can never
approve, publish or schedule it, whatever the form sends; with several steps (三审) a reviewer
approves at most one step.
"""

from dataclasses import dataclass

STATUSES = ("draft", "in_review", "scheduled", "published", "unpublished")
EDITORS = ("editor", "reviewer")  # reviewers may write too; never approve their own work
REVIEWERS = ("reviewer",)
MAX_STEPS = 3

EDITABLE = ("draft", "published", "unpublished")


@dataclass(frozen=True)
class Transition:
    from_statuses: tuple
    roles: tuple
    reviews: bool = False          # an approval: never by the author, one step per reviewer
    last_step_only: bool = False   # publish and schedule complete the last step
    needs_text: bool = False       # the return comment
    needs_time: bool = False       # schedule: when


ACTIONS = {
    "save": Transition(EDITABLE, EDITORS),
    "restore": Transition(EDITABLE, EDITORS),
    "submit": Transition(("draft", "unpublished"), EDITORS),  # unpublished: to publish it again
    "request-unpublish": Transition(("published",), EDITORS),
    "confirm-translation": Transition(STATUSES, EDITORS),
    "approve": Transition(("in_review",), REVIEWERS, reviews=True),
    "publish": Transition(("in_review",), REVIEWERS, reviews=True, last_step_only=True),
    "schedule": Transition(("in_review",), REVIEWERS, reviews=True, last_step_only=True, needs_time=True),
    "return": Transition(("in_review", "scheduled"), REVIEWERS, needs_text=True),
}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""  # a key of the views' messages when refused


REFUSED_STATUS = Decision(False, "not-allowed")


def decide(action, status, role, *, is_author=False, already_approved=False, step=1, steps=1):
    """May `role` do `action` to a document in `status`? `is_author`: the actor wrote or submitted
    the change under review; `already_approved`: they approved an earlier step of this round."""
    transition = ACTIONS.get(action)
    if transition is None or status not in transition.from_statuses:
        return REFUSED_STATUS
    if role not in transition.roles:
        return Decision(False, "role")
    if transition.reviews:
        if is_author:
            return Decision(False, "own-work")
        if already_approved:
            return Decision(False, "one-step-each")
        last = step >= steps
        if transition.last_step_only and not last:
            return Decision(False, "more-steps")
        if action == "approve" and last:
            return Decision(False, "last-step")  # the last step publishes or schedules
    return Decision(True)


def next_status(action, pending_action):
    """The status after an allowed action (None: the status stays, e.g. the next review step)."""
    if action in ("save", "restore", "return"):
        return "draft"
    if action in ("submit", "request-unpublish"):
        return "in_review"
    if action == "publish":
        return "unpublished" if pending_action == "unpublish" else "published"
    if action == "schedule":
        return "scheduled"
    return None


def available(status, role, **facts):
    """The actions `role` may take now, in the table's order."""
    return [action for action in ACTIONS if decide(action, status, role, **facts).allowed]


def parse_steps(text):
    """PORTAL_REVIEW_STEPS ("default=1,alert=2") as {kind: steps}; ValueError on nonsense."""
    steps = {"default": 1}
    for item in filter(None, (part.strip() for part in str(text).split(","))):
        kind, _, number = item.partition("=")
        if not number.strip().isdigit() or not 1 <= int(number) <= MAX_STEPS:
            raise ValueError(f"PORTAL_REVIEW_STEPS: {item!r} must be kind=1, 2 or 3")
        steps[kind.strip()] = int(number)
    return steps


def steps_for(kind, table):
    return table.get(kind, table.get("default", 1))
