"""The health check's data and rules: questions.yaml read and checked, and a table of answer
sets with the actions they must produce, in order."""

import pytest
import yaml

from portal.healthcheck import missing_guides
from portal.healthcheck import questionnaire as rules
from portal.healthcheck.questionnaire import QUESTIONS_FILE, QuestionnaireError, load_questionnaire, parse_questionnaire
from portal.vocab import INDUSTRIES, REGIONS, REQUEST_TYPES

QUESTIONNAIRE = load_questionnaire()

# A business with nothing to act on; each case below changes a few answers.
QUIET = {"industry": "other", "own_brand": "oem", "patents": "none", "inventions": "no", "exports": "no",
         "software": "no", "designs": "no", "copied": "no", "financing": "no"}

CASES = [
    ("nothing applies", {}, ["general-check"]),
    ("own brand, not registered", {"own_brand": "own", "trademark": "none"}, ["register-trademark"]),
    ("own brand, not sure", {"own_brand": "both", "trademark": "unsure"}, ["register-trademark"]),
    ("own brand registered", {"own_brand": "own", "trademark": "registered"}, ["general-check"]),
    ("trademark being examined", {"own_brand": "own", "trademark": "applied"}, ["trademark-pending"]),
    ("a trademark answer without a brand counts for nothing", {"own_brand": "none", "trademark": "none"},
     ["general-check"]),
    ("copied in China", {"copied": "china"}, ["stop-copying-china"]),
    ("copied abroad", {"copied": "abroad"}, ["stop-copying-abroad"]),
    ("exports, nothing registered abroad", {"exports": "sell", "markets": ["us"], "brand_abroad": "no"},
     ["protect-abroad"]),
    ("fairs only, some markets covered", {"exports": "fairs", "markets": ["eu"], "brand_abroad": "some"},
     ["protect-abroad"]),
    ("plans to export, registered abroad", {"exports": "planning", "markets": ["asean"], "brand_abroad": "yes"},
     ["overseas-checks"]),
    ("markets left over after answering no to exports",
     {"exports": "no", "markets": ["us"], "brand_abroad": "no"}, ["general-check"]),
    ("unfiled invention", {"inventions": "yes"}, ["file-invention"]),
    ("not sure the invention counts", {"inventions": "unsure"}, ["file-invention"]),
    ("financing with a granted patent", {"financing": "yes", "patents": "granted"}, ["pledge-financing"]),
    ("financing with a registered trademark only",
     {"financing": "yes", "own_brand": "own", "trademark": "registered"}, ["pledge-financing"]),
    ("financing, nothing to pledge, no brand", {"financing": "yes", "patents": "applied"},
     ["financing-first-steps"]),
    ("financing, unregistered brand", {"financing": "yes", "own_brand": "own", "trademark": "none"},
     ["register-trademark", "financing-first-steps"]),
    ("software", {"software": "yes"}, ["register-software"]),
    ("designs", {"designs": "yes"}, ["register-works"]),
    ("local specialty in agriculture", {"industry": "agriculture", "local_product": "yes"},
     ["geographical-indication"]),
    ("local specialty answer left over from another industry", {"industry": "rubber", "local_product": "yes"},
     ["general-check"]),
    ("everything at once, most urgent first",
     {"industry": "food-biotech", "own_brand": "own", "trademark": "none", "local_product": "unsure",
      "patents": "granted", "inventions": "yes", "exports": "sell", "markets": ["us", "eu"],
      "brand_abroad": "unsure", "software": "yes", "designs": "yes", "copied": "abroad", "financing": "yes"},
     ["stop-copying-abroad", "register-trademark", "protect-abroad", "file-invention", "pledge-financing",
      "register-software", "register-works", "geographical-indication"]),
]


@pytest.mark.parametrize(("case", "changes", "expected"), CASES, ids=[case[0] for case in CASES])
def test_answers_become_these_actions(case, changes, expected):
    answers = rules.clean_answers(QUESTIONNAIRE, {**QUIET, **changes})
    assert [action.id for action in rules.recommend(QUESTIONNAIRE, answers)] == expected


def test_every_action_is_reachable_by_some_case():
    reached = {action for _case, changes, expected in CASES for action in expected}
    assert reached == {action.id for action in QUESTIONNAIRE.actions}


def test_the_questionnaire_has_10_to_15_plain_choice_questions_in_small_groups():
    assert 10 <= len(QUESTIONNAIRE.questions) <= 15
    assert all(1 <= len(page.questions) <= 3 for page in QUESTIONNAIRE.pages)
    # Every answer is a key from a fixed list: no free text, so no name or phone can be given.
    assert all(len(question.choices) >= 2 for question in QUESTIONNAIRE.questions.values())


def test_industry_and_markets_use_the_portals_own_keys():
    assert QUESTIONNAIRE.questions["industry"].keys == tuple(INDUSTRIES)
    assert QUESTIONNAIRE.questions["markets"].keys == tuple(REGIONS)
    assert QUESTIONNAIRE.questions["markets"].multiple


def test_every_action_opens_a_real_request_type_and_names_a_real_guide(catalog):
    assert all(action.request_type in REQUEST_TYPES for action in QUESTIONNAIRE.actions)
    assert missing_guides(QUESTIONNAIRE, catalog) == []
    assert len(QUESTIONNAIRE.guides) >= 6


def test_a_missing_guide_is_reported_per_language():
    class OnlyChinese:
        def get(self, section, slug, lang):
            return object() if lang == "zh" and slug != "rights-protection" else None

    missing = missing_guides(QUESTIONNAIRE, OnlyChinese())
    assert "rights-protection (zh)" in missing and "trademark-registration (en)" in missing
    assert "trademark-registration (zh)" not in missing


def test_clean_answers_drops_what_the_questionnaire_does_not_know():
    raw = {"industry": "martian", "own_brand": ["own"], "markets": ["eu", "moon", "us", "eu"], "extra": "x",
           "copied": "china", "patents": 3}
    assert rules.clean_answers(QUESTIONNAIRE, raw) == {"markets": ["us", "eu"], "copied": "china"}
    assert rules.clean_answers(QUESTIONNAIRE, ["industry"]) == {}


def test_pages_are_skipped_and_counted_from_the_answers_so_far():
    pages = [page.id for page in QUESTIONNAIRE.pages]
    brand, markets = pages.index("brand"), pages.index("markets")
    assert rules.page_questions(QUESTIONNAIRE, {"industry": "rubber", "own_brand": "oem"}, brand) == []
    assert rules.next_page(QUESTIONNAIRE, {"industry": "rubber", "own_brand": "oem"}, 0) == brand + 1
    assert rules.page_questions(QUESTIONNAIRE, {"industry": "agriculture", "own_brand": "oem"}, brand) == \
        ["local_product"]
    # Before the first answer every page may still come; after "no exports" the markets page may not.
    assert len(rules.possible_pages(QUESTIONNAIRE, {})) == len(pages)
    done = {**QUIET}
    assert markets not in rules.possible_pages(QUESTIONNAIRE, done)
    assert rules.first_incomplete_page(QUESTIONNAIRE, done) is None
    assert rules.first_incomplete_page(QUESTIONNAIRE, {**done, "exports": "sell"}) == markets


def _data():
    return yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))


def _broken(change):
    data = _data()
    change(data)
    return data


BROKEN = [
    ("an unquoted yes", lambda d: d["questions"]["software"]["choices"].update({True: {"zh": "是", "en": "Yes"}}),
     "quote yes and no"),
    ("a question on a later page in ask_if", lambda d: d["questions"]["industry"].update(ask_if={"copied": ["no"]}),
     "not on an earlier page"),
    ("an unknown request type", lambda d: d["actions"][0]["request"].update(type="visa"), "request.type"),
    ("an unknown answer in a rule", lambda d: d["actions"][0].update(when={"copied": ["maybe"]}),
     "has no answers ['maybe']"),
    ("an unknown question in a rule", lambda d: d["actions"][0].update(when={"colour": ["red"]}),
     "unknown question 'colour'"),
    ("a missing English text", lambda d: d["questions"]["copied"]["text"].pop("en"), "exactly zh and en"),
    ("a question on no page", lambda d: d["pages"][-1]["questions"].remove("financing"), "on no page"),
    ("a duplicate action", lambda d: d["actions"].append(dict(d["actions"][0])), "unique"),
    ("an unknown vocabulary", lambda d: d["questions"]["industry"].update(choices_from="planets"), "choices_from"),
]


@pytest.mark.parametrize(("case", "change", "message"), BROKEN, ids=[case[0] for case in BROKEN])
def test_a_broken_file_is_refused_with_a_message_saying_where(case, change, message):
    with pytest.raises(QuestionnaireError, match=None) as refused:
        parse_questionnaire(_broken(change))
    assert message in str(refused.value)


def test_the_file_as_shipped_parses():
    assert parse_questionnaire(_data()).actions == QUESTIONNAIRE.actions
