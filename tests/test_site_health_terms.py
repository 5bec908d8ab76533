"""Words to avoid (portal/content/terms.yaml): found in both languages, shown in the editor, in
`flask content check` and on the dashboard; a serious one blocks publishing until a reviewer who
did not write the change confirms it with a reason."""

import pytest
from sqlalchemy import select

from portal.content.terms import TermListError, find_terms, load_terms, parse_terms
from portal.db import db
from portal.models import AuditEvent
from portal.publishing.terms import TermConfirmation
from tests.staff_helpers import csrf_of, login
from tests.test_publishing import GUIDE, REVIEWER, act, edit_form, fresh_app, signed_in

EDITOR = "editor@demo.invalid"


def found(lang, text):
    return [(f.term.term, f.term.level) for f in find_terms(lang, {"text": text})]


def test_the_list_loads_and_has_both_languages_and_both_levels():
    terms = load_terms()
    assert {(t.lang, t.level) for t in terms} == {("zh", "serious"), ("zh", "advisory"), ("en", "serious"),
                                                 ("en", "advisory")}
    assert all(t.instead and t.why for t in terms)


@pytest.mark.parametrize(("lang", "text", "expected"), [
    ("zh", "请向国家专利局提交申请。", [("国家专利局", "serious")]),
    ("zh", "原国家工商行政管理总局已不再保留。", []),                       # "former": named on purpose
    ("zh", "国家工商总局商标局和赋能企业", [("国家工商总局", "serious"), ("赋能", "advisory")]),
    ("zh", "国家知识产权局负责专利审查。", []),
    ("zh", "费用：待补充", [("待补充", "serious")]),
    ("en", "File with the State Intellectual Property Office.", [("State Intellectual Property Office", "serious")]),
    ("en", "the former SAIC registered trademarks", []),
    ("en", "The saic rules", [("SAIC", "serious")]),                      # any case
    ("en", "SAICO Ltd. and mosaic tiles", []),                             # whole words only
    ("en", "We leverage partners in order to help.", [("leverage", "advisory"), ("in order to", "advisory")]),
    ("en", "国家专利局", []),                                               # Chinese terms on Chinese pages only
])
def test_terms_are_found_in_both_languages(lang, text, expected):
    assert sorted(found(lang, text), key=lambda item: (item[1] != "serious", item[0])) == \
        sorted(expected, key=lambda item: (item[1] != "serious", item[0]))


def test_serious_findings_come_first():
    findings = find_terms("zh", {"title": "赋能", "text": "国家专利局"})
    assert [f.serious for f in findings] == [True, False]
    assert findings[0].where == "text" and "国家专利局" in findings[0].excerpt


@pytest.mark.parametrize("entries", [
    {"term": "x"}, [{"term": "x", "lang": "fr", "level": "serious", "instead": "y", "why": "z"}],
    [{"term": "x", "lang": "zh", "level": "fatal", "instead": "y", "why": "z"}],
    [{"term": "", "lang": "zh", "level": "serious", "instead": "y", "why": "z"}],
    [{"term": "x", "lang": "zh", "level": "serious", "instead": "y", "why": "z", "except_after": "原"}],
    [{"term": "x", "lang": "zh", "level": "serious", "instead": "y", "why": "z", "colour": "red"}],
])
def test_a_malformed_list_is_refused_naming_the_entry(entries):
    with pytest.raises(TermListError):
        parse_terms(entries)


def test_content_check_reports_terms_as_warnings(app, make_content, guide_pair, monkeypatch):
    files = dict(guide_pair)
    files["guides/demo.zh.md"] = files["guides/demo.zh.md"].replace("内容。", "请向国家专利局提交。", 1)
    monkeypatch.setitem(app.config, "CONTENT_DIR", make_content(files))  # the command reads its folder
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output  # a warning: the review is where it blocks
    assert "guides/demo.zh.md: serious term '国家专利局' in the text (write: 国家知识产权局)" in result.output


def add_serious_word(client, lang="zh"):
    fields = edit_form(client, f"{GUIDE}/{lang}/edit")
    fields["body"] = fields["body"].replace("## 费用", "## 费用\n\n费用标准以国家专利局公布的为准。", 1)
    fields.update(change_note="费用说明补充。", intent="save")
    return client.post(f"{GUIDE}/{lang}/edit", data=fields)


def test_the_editor_shows_the_warning_on_the_draft(tmp_path):
    app = fresh_app(tmp_path)
    editor = signed_in(app, EDITOR)
    fields = edit_form(editor, f"{GUIDE}/zh/edit")
    fields["body"] = fields["body"].replace("## 费用", "## 费用\n\n国家专利局赋能企业。", 1)
    fields.update(intent="preview")
    html = editor.post(f"{GUIDE}/zh/edit", data=fields).get_data(as_text=True)
    assert "需要核对的词语" in html and "必须核对：" in html and "国家专利局" in html and "赋能" in html
    assert "建议写作：国家知识产权局。" in html


def test_a_serious_word_blocks_publishing_until_a_reviewer_confirms_it(tmp_path):
    app = fresh_app(tmp_path)
    editor, reviewer = signed_in(app, EDITOR), signed_in(app, REVIEWER)
    assert add_serious_word(editor).status_code == 303
    assert act(editor, GUIDE, "submit").status_code == 303  # submitting is allowed: the reviewer decides
    refused = act(reviewer, GUIDE, "publish")
    assert refused.status_code == 303 and "refused=serious-terms" in refused.headers["Location"]
    page = reviewer.get(GUIDE + "/").get_data(as_text=True)
    assert "确认这个词语" in page
    confirm_url = GUIDE + "/confirm-term"
    no_reason = reviewer.post(confirm_url, data={"csrf_token": csrf_of(page), "lang_of": "zh", "term": "国家专利局",
                                                 "reason": " "})
    assert "refused=missing-reason" in no_reason.headers["Location"]
    by_author = editor.post(confirm_url, data={"csrf_token": csrf_of(editor.get(GUIDE + "/").get_data(as_text=True)),
                                               "lang_of": "zh", "term": "国家专利局", "reason": "我写的"})
    assert "refused=role" in by_author.headers["Location"]
    not_there = reviewer.post(confirm_url, data={"csrf_token": csrf_of(page), "lang_of": "zh", "term": "赋能",
                                                 "reason": "x"})
    assert "refused=not-allowed" in not_there.headers["Location"]
    confirmed = reviewer.post(confirm_url, data={"csrf_token": csrf_of(page), "lang_of": "zh", "term": "国家专利局",
                                                 "reason": "引用1998年以前的历史文件原文"})
    assert confirmed.status_code == 303 and "refused" not in confirmed.headers["Location"]
    assert "审核人已确认：引用1998年以前的历史文件原文" in reviewer.get(GUIDE + "/").get_data(as_text=True)
    assert act(reviewer, GUIDE, "publish").status_code == 303
    assert "国家专利局公布" in app.test_client().get("/zh/guides/trademark-registration").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(TermConfirmation)).one().reason == "引用1998年以前的历史文件原文"
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "content-term-confirmed"))


def test_a_confirmation_belongs_to_its_revision(tmp_path):
    app = fresh_app(tmp_path)
    editor, reviewer = signed_in(app, EDITOR), signed_in(app, REVIEWER)
    add_serious_word(editor)
    act(editor, GUIDE, "submit")
    page = reviewer.get(GUIDE + "/").get_data(as_text=True)
    reviewer.post(GUIDE + "/confirm-term", data={"csrf_token": csrf_of(page), "lang_of": "zh", "term": "国家专利局",
                                                 "reason": "历史原文"})
    act(reviewer, GUIDE, "return", comment="请再改一处")
    fields = edit_form(editor, f"{GUIDE}/zh/edit")
    fields["body"] = fields["body"].replace("费用说明", "费用", 1) + "\n补充一句。\n"
    fields.update(change_note="再改一处。", intent="save")
    assert editor.post(f"{GUIDE}/zh/edit", data=fields).status_code == 303
    act(editor, GUIDE, "submit")
    assert "refused=serious-terms" in act(reviewer, GUIDE, "publish").headers["Location"]


def test_the_dashboard_lists_pages_with_words(app):
    client = app.test_client()
    assert login(client, "reviewer@demo.invalid").status_code == 303
    html = client.get("/zh/staff/site-health").get_data(as_text=True)
    words = html[html.index('id="words"'):html.index('id="replies"')]
    assert "已发布的页面中没有清单上的词语" in words or "term-findings" in words
