"""The IP health check as data: questions.yaml read into frozen objects, and the pure functions that
turn answers into prioritised actions.

No Flask and no request in here, so a table of answer sets tests the rules. Answers are a plain
mapping of question id to a choice key (or a list of keys for a multiple-answer question).
"""

from dataclasses import dataclass
from pathlib import Path

import yaml

from portal.vocab import INDUSTRIES, REGIONS, REQUEST_TYPES

QUESTIONS_FILE = Path(__file__).with_name("questions.yaml")
LANGS = ("zh", "en")
# Lists the portal already keeps elsewhere, so a health-check answer uses the same keys as the
# request form's industry and the overseas alerts' regions.
VOCABULARIES = {"industries": INDUSTRIES, "regions": REGIONS}


class QuestionnaireError(ValueError):
    """questions.yaml does not follow its format; the message says where."""


@dataclass(frozen=True)
class Question:
    id: str
    text: dict
    short: dict
    hint: dict | None
    choices: tuple  # ((key, {zh, en} or a lazy label from a vocabulary), …)
    multiple: bool
    ask_if: tuple  # conditions, any one enough; () means always asked

    @property
    def keys(self):
        return tuple(key for key, _label in self.choices)


@dataclass(frozen=True)
class Page:
    id: str
    title: dict
    questions: tuple


@dataclass(frozen=True)
class Action:
    id: str
    priority: int
    when: tuple
    title: dict
    why: dict
    request_type: str
    request_text: dict
    guide: str | None
    alerts: bool
    only_if_none: bool


@dataclass(frozen=True)
class Questionnaire:
    questions: dict  # id -> Question, in file order
    pages: tuple
    actions: tuple

    @property
    def guides(self):
        return sorted({action.guide for action in self.actions if action.guide})


# ---- reading and checking the file -------------------------------------------------------------

def _texts(value, where, optional=False):
    if value is None and optional:
        return None
    if not isinstance(value, dict) or set(value) != set(LANGS) or \
            not all(isinstance(value[lang], str) and value[lang].strip() for lang in LANGS):
        raise QuestionnaireError(f"{where}: needs text in exactly zh and en")
    return {lang: value[lang].strip() for lang in LANGS}


def _conditions(value, where, questions):
    """A condition, or a list of them; each maps question ids to the answers that satisfy it."""
    items = value if isinstance(value, list) else [value]
    conditions = []
    for item in items:
        if not isinstance(item, dict) or not item:
            raise QuestionnaireError(f"{where}: a condition maps question ids to lists of answers")
        condition = {}
        for question_id, keys in item.items():
            if question_id not in questions:
                raise QuestionnaireError(f"{where}: unknown question {question_id!r}")
            if not isinstance(keys, list) or not keys:
                raise QuestionnaireError(f"{where}: {question_id} needs a list of answers")
            unknown = [key for key in keys if key not in questions[question_id].keys]
            if unknown:
                raise QuestionnaireError(f"{where}: {question_id} has no answers {unknown}")
            condition[question_id] = frozenset(keys)
        conditions.append(condition)
    return tuple(conditions)


def _question(question_id, raw):
    where = f"questions.{question_id}"
    if not isinstance(raw, dict):
        raise QuestionnaireError(f"{where}: must be a mapping")
    allowed = {"text", "short", "hint", "choices", "choices_from", "multiple", "ask_if"}
    if set(raw) - allowed:
        raise QuestionnaireError(f"{where}: unknown keys {sorted(set(raw) - allowed)}")
    if ("choices" in raw) == ("choices_from" in raw):
        raise QuestionnaireError(f"{where}: give either choices or choices_from")
    if "choices_from" in raw:
        if raw["choices_from"] not in VOCABULARIES:
            raise QuestionnaireError(f"{where}: choices_from must be one of {sorted(VOCABULARIES)}")
        choices = tuple(VOCABULARIES[raw["choices_from"]].items())
    else:
        if not isinstance(raw["choices"], dict) or len(raw["choices"]) < 2:
            raise QuestionnaireError(f"{where}: needs at least two choices")
        for key in raw["choices"]:
            if not isinstance(key, str):  # an unquoted yes/no is read by YAML as true/false
                raise QuestionnaireError(f"{where}: choice key {key!r} must be text (quote yes and no)")
        choices = tuple((key, _texts(label, f"{where}.choices.{key}")) for key, label in raw["choices"].items())
    multiple = raw.get("multiple", False)
    if not isinstance(multiple, bool):
        raise QuestionnaireError(f"{where}: multiple is true or false")
    return Question(question_id, _texts(raw.get("text"), f"{where}.text"), _texts(raw.get("short"), f"{where}.short"),
                    _texts(raw.get("hint"), f"{where}.hint", optional=True), choices, multiple, ())


def _action(index, raw, questions):
    where = f"actions[{index}]"
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise QuestionnaireError(f"{where}: must be a mapping with an id")
    where = f"actions.{raw['id']}"
    allowed = {"id", "priority", "when", "title", "why", "request", "guide", "alerts", "only_if_none"}
    if set(raw) - allowed:
        raise QuestionnaireError(f"{where}: unknown keys {sorted(set(raw) - allowed)}")
    priority = raw.get("priority")
    if isinstance(priority, bool) or not isinstance(priority, int) or priority < 1:
        raise QuestionnaireError(f"{where}: priority is a whole number from 1 (most urgent)")
    only_if_none = raw.get("only_if_none", False)
    if ("when" in raw) == bool(only_if_none):
        raise QuestionnaireError(f"{where}: give either when or only_if_none: true")
    request = raw.get("request")
    if not isinstance(request, dict) or request.get("type") not in REQUEST_TYPES:
        raise QuestionnaireError(f"{where}: request.type must be one of {', '.join(REQUEST_TYPES)}")
    guide = raw.get("guide")
    if guide is not None and not isinstance(guide, str):
        raise QuestionnaireError(f"{where}: guide is a guide slug")
    alerts = raw.get("alerts", False)
    if not isinstance(alerts, bool):
        raise QuestionnaireError(f"{where}: alerts is true or false")
    when = _conditions(raw["when"], f"{where}.when", questions) if "when" in raw else ()
    return Action(raw["id"], priority, when, _texts(raw.get("title"), f"{where}.title"),
                  _texts(raw.get("why"), f"{where}.why"), request["type"],
                  _texts(request.get("text"), f"{where}.request.text"), guide, alerts, bool(only_if_none))


def parse_questionnaire(data):
    """Build a Questionnaire from the file's parsed YAML; QuestionnaireError names what is wrong."""
    if not isinstance(data, dict) or set(data) != {"questions", "pages", "actions"}:
        raise QuestionnaireError("the file has exactly three parts: questions, pages, actions")
    raw_questions = data["questions"]
    if not isinstance(raw_questions, dict) or not raw_questions:
        raise QuestionnaireError("questions: must be a mapping of id to question")
    questions = {question_id: _question(question_id, raw) for question_id, raw in raw_questions.items()}

    pages, placed = [], {}
    if not isinstance(data["pages"], list) or not data["pages"]:
        raise QuestionnaireError("pages: must be a list")
    for number, raw in enumerate(data["pages"]):
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or \
                not isinstance(raw.get("questions"), list) or not raw["questions"]:
            raise QuestionnaireError(f"pages[{number}]: needs an id and a list of questions")
        for question_id in raw["questions"]:
            if question_id not in questions:
                raise QuestionnaireError(f"pages.{raw['id']}: unknown question {question_id!r}")
            if question_id in placed:
                raise QuestionnaireError(f"pages.{raw['id']}: {question_id} is already on another page")
            placed[question_id] = number
        pages.append(Page(raw["id"], _texts(raw.get("title"), f"pages.{raw['id']}.title"), tuple(raw["questions"])))
    unplaced = sorted(set(questions) - set(placed))
    if unplaced:
        raise QuestionnaireError(f"questions {unplaced} are on no page")

    # ask_if is read once every question is known, and may only look back to earlier pages:
    # whether a page is shown must be settled before the page is.
    for question_id, raw in raw_questions.items():
        if "ask_if" in raw:
            ask_if = _conditions(raw["ask_if"], f"questions.{question_id}.ask_if", questions)
            for condition in ask_if:
                later = [other for other in condition if placed[other] >= placed[question_id]]
                if later:
                    raise QuestionnaireError(f"questions.{question_id}.ask_if: {later} are not on an earlier page")
            question = questions[question_id]
            questions[question_id] = Question(question.id, question.text, question.short, question.hint,
                                              question.choices, question.multiple, ask_if)

    if not isinstance(data["actions"], list) or not data["actions"]:
        raise QuestionnaireError("actions: must be a list")
    actions = tuple(_action(index, raw, questions) for index, raw in enumerate(data["actions"]))
    ids = [action.id for action in actions]
    if len(ids) != len(set(ids)):
        raise QuestionnaireError("actions: ids must be unique")
    ordered = {question_id: questions[question_id] for page in pages for question_id in page.questions}
    return Questionnaire(ordered, tuple(pages), actions)


def load_questionnaire(path=QUESTIONS_FILE):
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise QuestionnaireError(f"{path}: {error}") from None
    try:
        return parse_questionnaire(data)
    except QuestionnaireError as error:
        raise QuestionnaireError(f"{path}: {error}") from None


# ---- answers -----------------------------------------------------------------------------------

def clean_answers(questionnaire, raw):
    """Keep only answers the questionnaire knows, in their proper shape; anything else is dropped.

    Signed answers are ours, but the file may have changed since they were signed."""
    if not isinstance(raw, dict):
        return {}
    answers = {}
    for question_id, question in questionnaire.questions.items():
        value = raw.get(question_id)
        if question.multiple:
            if isinstance(value, list):
                keys = [key for key in question.keys if key in value]  # file order, no repeats
                if keys:
                    answers[question_id] = keys
        elif isinstance(value, str) and value in question.keys:
            answers[question_id] = value
    return answers


def _matches(condition, answers):
    for question_id, accepted in condition.items():
        value = answers.get(question_id)
        given = value if isinstance(value, list) else [value]
        if not accepted.intersection(given):
            return False
    return True


def matches_any(conditions, answers):
    return any(_matches(condition, answers) for condition in conditions)


def effective_answers(questionnaire, answers):
    """The answers to questions that are asked, given the earlier answers: an answer left over
    from a question that no longer applies (markets, after "we do not export") counts for nothing."""
    effective = {}
    for question_id, question in questionnaire.questions.items():
        if question.ask_if and not matches_any(question.ask_if, effective):
            continue
        if question_id in answers:
            effective[question_id] = answers[question_id]
    return effective


def asked(questionnaire, answers, question_id):
    question = questionnaire.questions[question_id]
    return not question.ask_if or matches_any(question.ask_if, effective_answers(questionnaire, answers))


def page_questions(questionnaire, answers, page_index):
    """The questions page `page_index` asks, given the answers so far (maybe none)."""
    return [question_id for question_id in questionnaire.pages[page_index].questions
            if asked(questionnaire, answers, question_id)]


def next_page(questionnaire, answers, page_index, step=1):
    """The next (step=1) or previous (step=-1) page that asks anything, or None."""
    index = page_index + step
    while 0 <= index < len(questionnaire.pages):
        if page_questions(questionnaire, answers, index):
            return index
        index += step
    return None


def possible_pages(questionnaire, answers):
    """The pages that are or may yet be shown: one waiting on an answer not given yet counts, so
    "step 2 of 7" does not become "step 3 of 5" as the answers come in."""
    effective = effective_answers(questionnaire, answers)

    def may_ask(question):
        return not question.ask_if or any(
            all(question_id not in effective or accepted.intersection(
                effective[question_id] if isinstance(effective[question_id], list) else [effective[question_id]])
                for question_id, accepted in condition.items())
            for condition in question.ask_if)

    return [index for index, page in enumerate(questionnaire.pages)
            if any(may_ask(questionnaire.questions[question_id]) for question_id in page.questions)]


def first_incomplete_page(questionnaire, answers):
    """The first page with a question asked but not answered, or None when all are answered."""
    for index in range(len(questionnaire.pages)):
        if any(question_id not in answers for question_id in page_questions(questionnaire, answers, index)):
            return index
    return None


def recommend(questionnaire, answers):
    """The actions these answers call for, most urgent first (ties keep the file's order)."""
    effective = effective_answers(questionnaire, answers)
    chosen = [action for action in questionnaire.actions
              if not action.only_if_none and matches_any(action.when, effective)]
    if not chosen:
        chosen = [action for action in questionnaire.actions if action.only_if_none]
    return sorted(chosen, key=lambda action: action.priority)
