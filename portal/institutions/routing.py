"""Which institution a request goes to, and why: pure functions over plain data.

No Flask and no database session here, so a table of cases tests every rule. Rules match on
request type, county and industry (an empty condition matches anything); the highest priority
that has an active, matching institution wins; among institutions that share that priority, the
one with the fewest open requests wins (then the lowest id, so the choice is repeatable). When
nothing matches, the municipal centre takes the request.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class RequestFacts:
    request_type: str
    county: str
    industry: str


@dataclass(frozen=True)
class Rule:
    id: int
    priority: int
    institution_id: int
    request_type: str | None = None
    county: str | None = None
    industry: str | None = None


@dataclass(frozen=True)
class Candidate:
    id: int
    active: bool
    open_requests: int


@dataclass(frozen=True)
class Assignment:
    institution_id: int
    rule_id: int | None  # None: the fallback to the municipal centre
    reason: str


def rule_matches(rule, facts):
    return all(wanted in (None, "", actual) for wanted, actual in (
        (rule.request_type, facts.request_type), (rule.county, facts.county), (rule.industry, facts.industry)))


def _conditions(rule):
    parts = [f"{name}={value}" for name, value in (("type", rule.request_type), ("county", rule.county),
                                                     ("industry", rule.industry)) if value]
    return ", ".join(parts) or "any request"


def route_request(facts, rules, candidates, fallback_id, excluded=()):
    """The assignment for `facts`. `candidates` maps institution id to Candidate; `excluded`
    holds institutions that must not receive it (e.g. ones that declined it)."""
    usable = {cid: c for cid, c in candidates.items() if c.active and cid not in excluded}
    matching = [rule for rule in rules if rule.institution_id in usable and rule_matches(rule, facts)]
    if matching:
        top = max(rule.priority for rule in matching)
        tied = [rule for rule in matching if rule.priority == top]
        chosen = min(tied, key=lambda rule: (usable[rule.institution_id].open_requests, rule.institution_id))
        reason = f"rule {chosen.id} (priority {top}: {_conditions(chosen)})"
        if len({rule.institution_id for rule in tied}) > 1:
            reason += f"; fewest open requests among {len(tied)} institutions of equal priority"
        return Assignment(chosen.institution_id, chosen.id, reason)
    return Assignment(fallback_id, None, "no rule matched: the municipal centre takes it")
