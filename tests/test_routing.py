"""Table-driven routing cases: pure functions, no database."""

import pytest

from portal.institutions.routing import Candidate, RequestFacts, Rule, route_request

CENTRE, BANK_A, BANK_B, WORKSTATION_WUYI, TISC = 1, 2, 3, 4, 5
RULES = [
    Rule(10, 10, BANK_A, request_type="pledge-financing"),
    Rule(11, 10, BANK_B, request_type="pledge-financing"),
    Rule(20, 20, WORKSTATION_WUYI, request_type="rights-protection", county="wuyi"),
    Rule(21, 10, CENTRE, request_type="rights-protection"),
    Rule(30, 30, TISC, request_type="overseas-risk", industry="rubber"),
    Rule(31, 10, CENTRE, request_type="overseas-risk"),
]


def candidates(**open_counts):
    counts = {CENTRE: 0, BANK_A: 0, BANK_B: 0, WORKSTATION_WUYI: 0, TISC: 0}
    names = {"centre": CENTRE, "bank_a": BANK_A, "bank_b": BANK_B, "wuyi": WORKSTATION_WUYI, "tisc": TISC}
    counts.update({names[name]: count for name, count in open_counts.items()})
    return {cid: Candidate(cid, True, count) for cid, count in counts.items()}


@pytest.mark.parametrize(("facts", "open_counts", "excluded", "institution", "rule"), [
    # type match, two banks of equal priority: the one with fewer open requests
    (("pledge-financing", "taocheng", "rubber"), {"bank_a": 3, "bank_b": 1}, (), BANK_B, 11),
    (("pledge-financing", "taocheng", "rubber"), {"bank_a": 0, "bank_b": 1}, (), BANK_A, 10),
    # a tie on open requests: the lower id, so the choice is repeatable
    (("pledge-financing", "taocheng", "rubber"), {}, (), BANK_A, 10),
    # the county rule outranks the type rule
    (("rights-protection", "wuyi", "other"), {}, (), WORKSTATION_WUYI, 20),
    (("rights-protection", "jizhou", "other"), {}, (), CENTRE, 21),
    # the industry rule outranks the general one
    (("overseas-risk", "jizhou", "rubber"), {}, (), TISC, 30),
    (("overseas-risk", "jizhou", "food-biotech"), {}, (), CENTRE, 31),
    # an excluded institution (it declined) is skipped, the next rule applies
    (("rights-protection", "wuyi", "other"), {}, (WORKSTATION_WUYI,), CENTRE, 21),
    (("pledge-financing", "taocheng", "rubber"), {}, (BANK_A,), BANK_B, 11),
    # nothing matches: the municipal centre, with no rule
    (("general", "binhu", "other"), {}, (), CENTRE, None),
])
def test_route_request(facts, open_counts, excluded, institution, rule):
    decision = route_request(RequestFacts(*facts), RULES, candidates(**open_counts), CENTRE, excluded)
    assert (decision.institution_id, decision.rule_id) == (institution, rule)
    assert decision.reason


def test_inactive_institutions_are_skipped():
    pool = candidates()
    pool[BANK_A] = Candidate(BANK_A, False, 0)
    decision = route_request(RequestFacts("pledge-financing", "wuyi", "rubber"), RULES, pool, CENTRE)
    assert decision.institution_id == BANK_B


def test_the_reason_names_the_rule_and_the_tie_break():
    decision = route_request(RequestFacts("pledge-financing", "wuyi", "rubber"), RULES, candidates(), CENTRE)
    assert "rule 10" in decision.reason and "fewest open requests" in decision.reason
