"""The health check through Flask's test client: every step a POST with signed answers, back and
forward, bad and forged input (a clear message, never a 500), the result link, and the request
form it opens prefilled."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select

from portal.db import db
from portal.healthcheck.signing import SALT
from portal.models import AssistanceRequest
from tests.conftest import CSRF, FORM_TOKEN, post_multipart, valid_fields

CSRF_ANY = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
HIDDEN = re.compile(r'name="(answers|step)" value="([^"]*)"')

# One answer set through every page (the markets page included), in page order.
PAGES = [
    {"industry": "rubber", "own_brand": "own"},
    {"trademark": "none"},
    {"patents": "granted", "inventions": "no"},
    {"exports": "sell"},
    {"markets": ["us", "eu"], "brand_abroad": "no"},
    {"software": "yes", "designs": "no"},
    {"copied": "no", "financing": "no"},
]


def text(response):
    return response.get_data(as_text=True)


def hidden(response):
    return {**dict(HIDDEN.findall(text(response))), "csrf_token": CSRF_ANY.search(text(response)).group(1)}


def start(client, lang="en"):
    token = CSRF_ANY.search(text(client.get(f"/{lang}/health-check"))).group(1)
    response = client.post(f"/{lang}/health-check", data={"csrf_token": token, "go": "start"})
    assert response.status_code == 200
    return response


def post_step(client, response, answers, go="next", lang="en", **overrides):
    return client.post(f"/{lang}/health-check", data={**hidden(response), **answers, "go": go, **overrides})


def walk(client, lang="en", pages=PAGES):
    response = start(client, lang)
    for answers in pages:
        response = post_step(client, response, answers, lang=lang)
    return response


def checked(response):
    """The answers a page shows as chosen: {name: [values]}."""
    found = {}
    for tag in re.findall(r"<input[^>]*checked[^>]*>", text(response)):
        name, value = re.search(r'name="([^"]+)"', tag).group(1), re.search(r'value="([^"]+)"', tag).group(1)
        found.setdefault(name, []).append(value)
    return found


def heading(response):
    return html.unescape(re.search(r"<h1[^>]*>(.*?)</h1>", text(response), re.S).group(1)).strip()


def result_token(response):
    return parse_qs(urlsplit(response.headers["Location"]).query)["a"][0]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_start_page_explains_and_posts_to_the_first_step(client, lang):
    response = client.get(f"/{lang}/health-check")
    assert response.status_code == 200
    body = text(response)
    assert f'action="/{lang}/health-check"' in body and 'value="start"' in body
    assert "private" in response.headers["Cache-Control"]
    first = start(client, lang)
    assert '<fieldset class="field ' in text(first) and "<legend>" in text(first)
    assert 'name="industry" type="radio" value="rubber"' in text(first)
    assert 'value="back"' not in text(first)  # nowhere to go back to from the first page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_full_run_ends_on_a_result_link_with_prioritised_actions(app, client, lang):
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(AssistanceRequest))
    response = walk(client, lang)
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith(f"/{lang}/health-check/result?a=")
    result = client.get(location)
    assert result.status_code == 200
    body = text(result)
    titles = [html.unescape(t) for t in re.findall(r'<li class="card">\s*<h2>(.*?)</h2>', body)]
    expected = {"en": ["Register your brand as a trademark", "Register your brand and patents in your markets abroad",
                       "Register your software copyright"],
                "zh": ["为你的品牌注册商标", "在国外市场先注册品牌和专利", "登记软件著作权"]}[lang]
    assert titles == expected
    for slug in ("trademark-registration", "overseas-ip-risk", "software-copyright-registration"):
        assert f'href="/{lang}/guides/{slug}"' in body
        assert client.get(f"/{lang}/guides/{slug}").status_code == 200
    assert f'href="/{lang}/alerts?industry=rubber&amp;region=us&amp;region=eu"' in body
    assert "https://portal.example" + html.escape(location) in body  # the link to keep
    with app.app_context():  # nothing stored
        assert db.session.scalar(select(func.count()).select_from(AssistanceRequest)) == before


def test_the_result_link_round_trips_and_changes_nothing(client):
    location = walk(client).headers["Location"]
    first, second = client.get(location), client.get(location)
    assert text(first) .split('name="csrf_token"')[0] == text(second).split('name="csrf_token"')[0]
    token = result_token(walk(client))
    # The same answers read in the other language; the language switch keeps them.
    chinese = client.get(f"/zh/health-check/result?a={token}")
    assert chinese.status_code == 200 and "为你的品牌注册商标" in text(chinese)
    assert f'href="/en/health-check/result?a={token}"' in text(chinese)
    assert client.post(location).status_code in (400, 405)  # a POST to the result is not a step


def test_change_my_answers_reopens_the_first_page_with_everything_kept(client):
    result = client.get(walk(client).headers["Location"])
    edit = client.post("/en/health-check", data={**hidden(result), "go": "edit"})
    assert edit.status_code == 200
    assert checked(edit) == {"industry": ["rubber"], "own_brand": ["own"]}
    again = edit
    for answers in PAGES:  # forward, sending what each page shows as chosen, as a browser would
        assert checked(again) == {name: value if isinstance(value, list) else [value]
                                  for name, value in answers.items()}
        again = post_step(client, again, checked(again))
    assert again.status_code == 303


def test_back_and_forward_keep_the_answers(client):
    first = start(client)
    second = post_step(client, first, PAGES[0])
    assert heading(second) == "Your brand and products"
    back = post_step(client, second, {"trademark": "applied"}, go="back")
    assert back.status_code == 200 and heading(back) == "Your business"
    assert checked(back) == {"industry": ["rubber"], "own_brand": ["own"]}
    forward = post_step(client, back, {"industry": "rubber", "own_brand": "own"})
    assert checked(forward) == {"trademark": ["applied"]}  # kept though only "back" was pressed
    # A copy of an earlier page (the browser's back button) still carries its own answers.
    replay = post_step(client, first, PAGES[0])
    assert heading(replay) == "Your brand and products" and checked(replay) == {}


def test_a_page_that_no_longer_applies_is_skipped_and_its_answers_ignored(client):
    response = start(client)
    for answers in PAGES[:5]:
        response = post_step(client, response, answers)
    assert heading(response) == "Software and designs"
    # Back to "selling abroad" and answer no: the markets page goes, and so does its action.
    back = post_step(client, post_step(client, response, {}, go="back"), {}, go="back")
    assert heading(back) == "Selling abroad"
    onward = post_step(client, back, {"exports": "no"})
    assert heading(onward) == "Software and designs"
    previous = post_step(client, onward, {}, go="back")
    assert heading(previous) == "Selling abroad"
    done = post_step(client, post_step(client, previous, {"exports": "no"}), PAGES[5])
    result = client.get(post_step(client, done, PAGES[6]).headers["Location"])
    assert "/alerts?" not in text(result) and "Markets abroad" not in text(result)


@pytest.mark.parametrize(("answers", "message"), [
    ({}, "Please choose an answer."),
    ({"industry": "martian", "own_brand": "own"}, "Please choose one of the answers shown."),
    ({"industry": "rubber", "own_brand": "own,oem"}, "Please choose one of the answers shown."),
])
def test_missing_or_invalid_answers_come_back_with_an_error_summary(client, answers, message):
    response = post_step(client, start(client), answers)
    assert response.status_code == 400
    body = text(response)
    assert 'class="error-summary"' in body and message in body
    assert 'href="#industry"' in body or 'href="#own_brand"' in body
    assert "<title>Error:" in body
    if answers.get("own_brand") == "own":
        assert checked(response).get("own_brand") == ["own"]  # what was valid is kept


def test_an_empty_multiple_answer_asks_for_at_least_one(client):
    response = start(client)
    for answers in PAGES[:4]:
        response = post_step(client, response, answers)
    refused = post_step(client, response, {"brand_abroad": "no"})
    assert refused.status_code == 400 and "Please tick at least one answer." in text(refused)
    assert checked(refused) == {"brand_abroad": ["no"]}


def _restarted(response, lang="en"):
    assert response.status_code == 400
    body = text(response)
    message = {"en": "We could not read your answers", "zh": "无法读取你的回答"}[lang]
    assert message in body and 'value="start"' in body
    return body


@pytest.mark.parametrize("change", [
    lambda data: {**data, "answers": data["answers"][:-2] + ("AA" if not data["answers"].endswith("AA") else "BB")},
    lambda data: {**data, "answers": URLSafeSerializer("guessed-key", salt=SALT).dumps({"industry": "rubber"})},
    lambda data: {**data, "answers": "not a token"},
    lambda data: {**data, "answers": ""},
    lambda data: {**data, "answers": "x" * 5000},
    lambda data: {**data, "step": "99"},
    lambda data: {**data, "step": "-1"},
    lambda data: {**data, "step": "one"},
    lambda data: {**data, "step": "²"},
    lambda data: {**data, "step": "١"},
    lambda data: {**data, "go": "explode"},
], ids=["tampered", "other-key", "garbage", "empty", "huge", "step-too-far", "negative-step", "word-step",
        "superscript-step", "arabic-digit-step",
        "unknown-button"])
def test_a_forged_or_broken_step_is_a_clear_fresh_start(client, change):
    second = post_step(client, start(client), PAGES[0])
    data = change({**hidden(second), **PAGES[1], "go": "next"})
    _restarted(client.post("/en/health-check", data=data))


def test_a_step_without_its_csrf_token_is_refused_without_an_error(client):
    second = post_step(client, start(client), PAGES[0])
    data = {**hidden(second), **PAGES[1], "go": "next"}
    data.pop("csrf_token")
    response = client.post("/en/health-check", data=data)
    assert response.status_code == 400 and "This form has expired" in text(response)


def test_a_step_for_a_page_these_answers_skip_is_refused(client, app):
    with app.test_request_context():
        from portal.healthcheck.signing import sign_answers
        token = sign_answers({"industry": "rubber", "own_brand": "oem"})
    second = post_step(client, start(client), PAGES[0])
    _restarted(client.post("/en/health-check", data={**hidden(second), "answers": token, "step": "1",
                                                       "go": "next"}))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("query", ["", "?a=", "?a=abc.def", "?a=%00%ff", "?a=" + "y" * 3000])
def test_a_broken_result_link_is_a_clear_fresh_start(client, lang, query):
    _restarted(client.get(f"/{lang}/health-check/result{query}"), lang)


def test_a_result_link_signed_for_something_else_is_refused(client, app):
    token = result_token(walk(client))
    other_salt = URLSafeSerializer(app.secret_key, salt="itsdangerous").dumps({"industry": "rubber"})
    _restarted(client.get(f"/en/health-check/result?a={other_salt}"))
    payload, signature = token.rsplit(".", 1)
    _restarted(client.get(f"/en/health-check/result?a={payload}.{signature[::-1]}"))


def test_an_incomplete_result_link_asks_for_the_missing_page(client, app):
    with app.test_request_context():
        from portal.healthcheck.signing import sign_answers
        partial = sign_answers({"industry": "rubber", "own_brand": "oem", "patents": "none"})
        not_a_mapping = sign_answers(["industry"])
    response = client.get(f"/en/health-check/result?a={partial}")
    assert response.status_code == 200 and heading(response) == "Patents and inventions"
    assert "Some answers are missing" in text(response)
    assert checked(response) == {"patents": ["none"]}
    _restarted(client.get(f"/en/health-check/result?a={not_a_mapping}"))


def _request_links(response):
    return [html.unescape(href) for href in re.findall(r'<a class="button" href="([^"]+)"', text(response))]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_request_button_opens_the_right_form_prefilled(client, lang):
    result = client.get(walk(client, lang).headers["Location"])
    links = _request_links(result)
    assert [parse_qs(urlsplit(link).query)["type"][0] for link in links] == \
        ["trademark-gi", "overseas-risk", "copyright-software"]
    for link in links:
        args = parse_qs(urlsplit(link).query)
        assert args["industry"] == ["rubber"]
        form = client.get(link)
        assert form.status_code == 200
        body = text(form)
        textarea = re.search(r'<textarea[^>]*id="description"[^>]*>(.*?)</textarea>', body, re.S).group(1)
        assert html.unescape(textarea).strip() == args["description"][0]
        assert '<option selected value="rubber">' in body
        assert form.headers["Cache-Control"] == "no-store"


def test_the_longest_request_link_fits_in_one_request_line(client):
    every_market = [{**PAGES[0]}, {"trademark": "unsure"}, {"patents": "applied", "inventions": "unsure"},
                    {"exports": "sell"}, {"markets": ["us", "eu", "uk", "japan", "korea", "asean", "india",
                                                     "middle-east", "russia-central-asia", "africa",
                                                     "latin-america", "global"], "brand_abroad": "unsure"},
                    {"software": "yes", "designs": "yes"}, {"copied": "abroad", "financing": "yes"}]
    result = client.get(walk(client, "zh", every_market).headers["Location"])
    links = _request_links(result)
    assert len(links) >= 6
    # gunicorn.conf.py: limit_request_line = 8190, the request line being "GET <url> HTTP/1.1".
    from urllib.parse import quote
    assert max(len(quote(link, safe="/?&=%+")) for link in links) < 8190 - 20


def test_a_prefilled_form_is_escaped_capped_and_never_cached_as_the_blank_one(client):
    hostile = "</textarea><script>alert(1)</script>" + "长" * 4000
    response = client.get("/en/requests/new", query_string={"type": "general", "description": hostile,
                                                             "industry": "martian"})
    body = text(response)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in body and "&lt;/textarea&gt;&lt;script&gt;" in body
    textarea = re.search(r'<textarea[^>]*id="description"[^>]*>(.*?)</textarea>', body, re.S).group(1)
    assert len(html.unescape(textarea).strip()) == 3000
    assert '<option selected value="' not in body.split('id="industry"')[1].split("</select>")[0]
    blank = client.get("/en/requests/new?type=general")
    assert "长长长" not in text(blank) and "alert(1)" not in text(blank)


def test_prefill_is_for_showing_the_form_only(app, client):
    tokens = {"csrf_token": CSRF.search(text(client.get("/en/requests/new?type=general"))).group(1)}
    tokens["form_token"] = FORM_TOKEN.search(text(client.get("/en/requests/new?type=general"))).group(1)
    fields = valid_fields("general", description=None)
    response = post_multipart(client, "/en/requests/new?type=general&description=" + "x" * 40,
                              {**tokens, **fields})
    assert response.status_code == 400 and 'id="description-error"' in text(response)


def test_the_health_check_is_linked_from_the_menu_home_and_sitemap(client):
    home = text(client.get("/zh/"))
    assert home.count('href="/zh/health-check"') >= 2
    assert "https://portal.example/en/health-check</loc>" in text(client.get("/sitemap.xml"))


FIELD_NAMES = ["answers", "step", "go", "industry", "own_brand", "markets", "trademark", "csrf_token"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=st.dictionaries(st.sampled_from(FIELD_NAMES),
                              st.lists(st.text(max_size=40), min_size=1, max_size=3), max_size=8))
def test_whatever_a_step_receives_it_never_fails(client, fields):
    second = post_step(client, start(client), PAGES[0])
    data = {**hidden(second), **fields}
    response = client.post("/en/health-check", data=data)
    assert response.status_code in (200, 303, 400)
