"""/<lang>/health-check: the start page, one POST per step, and the result (a GET link).

Every step's form carries the answers given so far, signed; the step posts them back with the
page's own answers. Nothing is kept on the server, so a step can be repeated, left and resumed
from any copy of the page (the browser's back button included). The result URL holds the same
signed answers and nothing else: it can be bookmarked or shared, and opening it changes nothing.
"""


from flask import Blueprint, current_app, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice
from wtforms.validators import StopValidation, ValidationError

from portal.content import current_catalog
from portal.forms import MultiCheckboxField
from portal.healthcheck import questionnaire as rules
from portal.healthcheck.signing import read_answers, sign_answers
from portal.params import whole_number
from portal.vocab import REQUEST_TYPES

bp = Blueprint("healthcheck", __name__, template_folder="templates")

BAD_ANSWERS = _l("We could not read your answers: the link or the form was changed, damaged or cut short. "
                 "Nothing was stored, so please start again. It takes about three minutes.")


def current_questionnaire():
    return current_app.extensions["health_check"]


def personal(response, status=200):
    # A page with this visitor's form token: browsers may keep it for their back button, shared
    # caches may not keep it at all.
    response = make_response(response, status)
    response.headers["Cache-Control"] = "private, max-age=0"
    return response


# ---- the step form, built from the data --------------------------------------------------------

def _label(label):
    return label[g.lang] if isinstance(label, dict) else label


def _answer_check(question):
    def check(form, field):
        given = field.data if question.multiple else ([field.data] if field.data else [])
        if not given:
            raise StopValidation(_("Please tick at least one answer.") if question.multiple
                                 else _("Please choose an answer."))
        if any(value not in question.keys for value in given):
            raise ValidationError(_("Please choose one of the answers shown."))
    return check


def step_form(questionnaire, question_ids, formdata=None, answers=None):
    """A form for one page's questions; bound to the posted data, or filled from the answers."""
    fields = {}
    for question_id in question_ids:
        question = questionnaire.questions[question_id]
        kind = MultiCheckboxField if question.multiple else RadioField
        fields[question_id] = kind(question.text[g.lang],
                                   choices=[SelectChoice(key, _label(label)) for key, label in question.choices],
                                   description=question.hint[g.lang] if question.hint else None,
                                   validate_choice=False, validators=[_answer_check(question)])
    form_class = type("HealthCheckStep", (FlaskForm,), fields)
    return form_class(formdata=formdata, data=dict(answers or {}))


def posted_answers(questionnaire, question_ids, formdata):
    raw = {question_id: formdata.getlist(question_id) if questionnaire.questions[question_id].multiple
           else formdata.get(question_id) for question_id in question_ids}
    return rules.clean_answers(questionnaire, raw)


def with_page(answers, question_ids, posted):
    """The answers with one page's replaced by what was posted for it (an unticked box included)."""
    kept = {key: value for key, value in answers.items() if key not in question_ids}
    return {**kept, **posted}


# ---- pages -------------------------------------------------------------------------------------

def render_start(problem=None):
    status = 400 if problem else 200
    return personal(render_template("healthcheck/start.html", problem=problem,
                                    questions=len(current_questionnaire().questions)), status)


def render_step(questionnaire, index, answers, form=None, notice=None, status=200):
    question_ids = rules.page_questions(questionnaire, answers, index)
    form = form or step_form(questionnaire, question_ids, answers=answers)
    shown = rules.possible_pages(questionnaire, answers)
    return personal(render_template(
        "healthcheck/step.html", form=form, page=questionnaire.pages[index], question_ids=question_ids,
        step=index, token=sign_answers(answers), notice=notice,
        number=shown.index(index) + 1 if index in shown else 1, total=len(shown),
        has_back=rules.next_page(questionnaire, answers, index, -1) is not None,
        is_last=rules.next_page(questionnaire, answers, index, +1) is None), status)


@bp.get("/health-check")
def start():
    return render_start()


@bp.post("/health-check")
def step():
    questionnaire = current_questionnaire()
    go = request.form.get("go")
    if go == "start":
        return render_step(questionnaire, 0, {})
    raw = read_answers(request.form.get("answers"))
    index = whole_number(request.form.get("step", ""), 0, len(questionnaire.pages) - 1)
    if raw is None or index is None or go not in ("next", "back", "edit"):
        return render_start(BAD_ANSWERS)
    answers = rules.clean_answers(questionnaire, raw)
    question_ids = rules.page_questions(questionnaire, answers, index)
    if not question_ids:  # a page these answers never show: only a changed form gets here
        return render_start(BAD_ANSWERS)
    if go == "edit":
        return render_step(questionnaire, index, answers)
    if go == "back":
        # Going back keeps what was chosen on this page, complete or not.
        answers = with_page(answers, question_ids, posted_answers(questionnaire, question_ids, request.form))
        previous = rules.next_page(questionnaire, answers, index, -1)
        return render_step(questionnaire, index if previous is None else previous, answers)
    form = step_form(questionnaire, question_ids, formdata=request.form)
    if not form.validate():
        return render_step(questionnaire, index, answers, form=form, status=400)
    answers = with_page(answers, question_ids, posted_answers(questionnaire, question_ids, request.form))
    following = rules.next_page(questionnaire, answers, index, +1)
    if following is not None:
        return render_step(questionnaire, following, answers)
    incomplete = rules.first_incomplete_page(questionnaire, answers)
    if incomplete is not None:
        return render_step(questionnaire, incomplete, answers)
    return redirect(url_for(".result", a=sign_answers(answers)), code=303)


# ---- the result --------------------------------------------------------------------------------

def answer_summary(questionnaire, answers):
    """(question's short label, answer text) for every answer that counts, in question order."""
    joiner = "、" if g.lang == "zh" else ", "
    rows = []
    for question_id, value in rules.effective_answers(questionnaire, answers).items():
        question = questionnaire.questions[question_id]
        labels = dict(question.choices)
        chosen = value if isinstance(value, list) else [value]
        rows.append((question.short[g.lang], joiner.join(str(_label(labels[key])) for key in chosen)))
    return rows


def request_link(action, answers, summary):
    """The request form for this action, prefilled: the type, the industry and a description
    that says why, followed by the answers behind it (no personal data: none is asked)."""
    lines = [action.request_text[g.lang], "", _("My health check answers:")]
    lines += [f"{short}: {text}" for short, text in summary]
    args = {"type": action.request_type, "description": "\n".join(lines)}
    if answers.get("industry"):
        args["industry"] = answers["industry"]
    return url_for("requests.new", **args)


def alerts_link(answers):
    """The overseas alerts filtered to this enterprise's industry and markets."""
    filters = {"industry": answers["industry"]} if answers.get("industry") else {}
    if answers.get("markets"):
        filters["region"] = list(answers["markets"])
    return url_for("alerts.index", **filters)


@bp.get("/health-check/result")
def result():
    questionnaire = current_questionnaire()
    token = request.args.get("a", "")
    raw = read_answers(token)
    if raw is None:
        return render_start(BAD_ANSWERS)
    answers = rules.clean_answers(questionnaire, raw)
    incomplete = rules.first_incomplete_page(questionnaire, answers)
    if incomplete is not None:
        return render_step(questionnaire, incomplete, answers,
                           notice=_("Some answers are missing. Please answer this page to see your result."))
    g.keep_args = {"a": token}  # the language switch shows the same result in the other language
    effective = rules.effective_answers(questionnaire, answers)
    summary = answer_summary(questionnaire, answers)
    catalog = current_catalog()
    actions = [{
        "action": action,
        "guide": catalog.get("guides", action.guide, g.lang) if action.guide else None,
        "request_url": request_link(action, effective, summary),
        "request_label": REQUEST_TYPES[action.request_type],
        "alerts_url": alerts_link(effective) if action.alerts and effective.get("markets") else None,
    } for action in rules.recommend(questionnaire, answers)]
    link = current_app.config["SITE_URL"] + url_for(".result", a=token)
    return personal(render_template("healthcheck/result.html", actions=actions, summary=summary, link=link,
                                    token=sign_answers(answers), first_step=rules.next_page(questionnaire, {}, -1)))
