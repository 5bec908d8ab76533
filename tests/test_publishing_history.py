"""Issue 13, second round: any two revisions compared, unpublishes and republishes in the public
history with their notes, check problems in the editor's language (English from the command),
the editor's warnings, the review interval as one setting, the demo staff for existing installs,
and the search index written as a small segment on the publish path and merged later."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import delete, func, select

from portal.content.check import add_warning_check
from portal.content.problems import MESSAGES, Problem, describe
from portal.content.schema import validate_front_matter
from portal.content.store import ContentLanguage, ContentPublication
from portal.db import db
from portal.models import User
from portal.publishing import service
from portal.search import indexer
from tests.test_publishing import EDITOR, GUIDE, REVIEWER, WITHDRAWN, act, change_fee, edit_form, fresh_app, signed_in

ALERT = "/zh/staff/content/alerts/uspto-us-attorney-rule"


@pytest.fixture()
def app(tmp_path):
    return fresh_app(tmp_path)


def test_any_two_revisions_can_be_compared_from_a_form(app):
    editor = signed_in(app, EDITOR)
    assert change_fee(editor, note="第一次").status_code == 303
    fields = edit_form(editor, f"{GUIDE}/zh/edit")
    fields.update(body=fields["body"] + "\n第二次修改的句子。\n", change_note="第二次", intent="save")
    assert editor.post(f"{GUIDE}/zh/edit", data=fields).status_code == 303
    with app.app_context():
        document = service.find_document("guides", "trademark-registration")
        zh = db.session.get(ContentLanguage, (document.id, "zh"))
        shipped, second = zh.shipped_revision_id, zh.head_revision_id
        first = zh.head.base_revision_id
        english = db.session.get(ContentLanguage, (document.id, "en")).head_revision_id
    page = editor.get(GUIDE + "/").get_data(as_text=True)
    # A GET form with two labelled selects listing every revision: no JavaScript needed.
    form = page.split('class="compare-form"', 1)[1].split("</form>", 1)[0]
    assert 'method="get"' in page.split('class="compare-form"', 1)[0].rsplit("<form", 1)[1]
    assert '<label for="compare-a">' in form and '<label for="compare-b">' in form
    assert all(f'<option value="{number}"' in form for number in (shipped, first, second, english))
    # Two revisions, neither of them the latest: the first edit against the shipped text.
    html = editor.get(f"{GUIDE}/compare?a={shipped}&b={first}").get_data(as_text=True)
    comparison = html.split('class="diff"', 1)[1]
    assert "演示费用更新" in comparison and "第二次修改的句子" not in comparison
    assert f'<option value="{shipped}" selected>' in html and f'<option value="{first}" selected>' in html
    # Backwards (newer to older): what the newer one added shows as removed.
    html = editor.get(f"{GUIDE}/compare?a={second}&b={first}").get_data(as_text=True)
    assert re.search(r"<del><span class=\"visually-hidden\">\[[^]]+\] </span>[^<]*第二次修改的句子", html)
    # Different languages or someone else's revision: a clear refusal, and the form to choose again.
    refused = editor.get(f"{GUIDE}/compare?a={shipped}&b={english}")
    assert refused.status_code == 400 and 'class="compare-form"' in refused.get_data(as_text=True)
    assert editor.get(f"{GUIDE}/compare?a={shipped}&b=999999").status_code == 400


def test_unpublish_and_republish_are_in_the_public_history_with_their_notes(app):
    editor, reviewer = signed_in(app, EDITOR), signed_in(app, REVIEWER)
    public = app.test_client()
    # The change note of an unpublish is asked for in each live language, in the form.
    form = editor.get(ALERT + "/").get_data(as_text=True)
    assert 'name="note_zh"' in form and 'name="note_en"' in form
    assert "refused=missing-note" in act(editor, ALERT, "request-unpublish", note_zh="只写了中文").headers["Location"]
    assert act(editor, ALERT, "request-unpublish", **WITHDRAWN).status_code == 303
    assert WITHDRAWN["note_zh"] in reviewer.get(ALERT + "/").get_data(as_text=True)  # the reviewer reads it
    assert act(reviewer, ALERT, "publish").status_code == 303
    assert public.get("/zh/alerts/uspto-us-attorney-rule").status_code == 404
    # Published again as it was: submitted straight from "unpublished", with a new note.
    assert "refused=missing-note" in act(editor, ALERT, "submit").headers["Location"]
    again = {"note_zh": "规则恢复适用，重新发布。", "note_en": "The rule applies again; published again."}
    assert act(editor, ALERT, "submit", **again).status_code == 303
    assert act(reviewer, ALERT, "publish").status_code == 303
    for lang in ("zh", "en"):
        html = public.get(f"/{lang}/alerts/uspto-us-attorney-rule").get_data(as_text=True)
        updates = html.split('class="update-list"', 1)[1].split("</ol>", 1)[0]
        withdrawn, republished = updates.index(WITHDRAWN[f"note_{lang}"]), updates.index(again[f"note_{lang}"])
        assert republished < withdrawn  # newest first
        assert ("已撤下" if lang == "zh" else "Withdrawn") in updates
        assert ("重新发布" if lang == "zh" else "Published again") in updates
        assert again[f"note_{lang}"] in html.split('class="update-list"', 1)[0]  # "last updated" names it
    with app.app_context():
        actions = list(db.session.scalars(select(ContentPublication.action).order_by(ContentPublication.id)))
        assert actions[-4:] == ["unpublish", "unpublish", "republish", "republish"]


def test_an_edited_text_published_after_an_unpublish_keeps_its_own_note(app):
    # An alert: no other page links to it, so it may be withdrawn (a linked guide may not: needed-by).
    editor, reviewer = signed_in(app, EDITOR), signed_in(app, REVIEWER)
    act(editor, ALERT, "request-unpublish", **WITHDRAWN)
    act(reviewer, ALERT, "publish")
    fields = edit_form(editor, f"{ALERT}/zh/edit")
    fields["body"] = fields["body"] + "\n\n演示补充：规则细节已更新（测试）。\n"
    fields.update(change_note="规则细节已更新，页面重新发布。", intent="save")
    assert editor.post(f"{ALERT}/zh/edit", data=fields).status_code == 303
    # The new Chinese text has its own note; the English one goes back as it was and needs one.
    form = editor.get(ALERT + "/").get_data(as_text=True)
    assert 'name="note_en"' in form and 'name="note_zh"' not in form
    assert "refused=missing-note" in act(editor, ALERT, "submit").headers["Location"]
    submitted = act(editor, ALERT, "submit", note_en="Details updated; published again.")
    assert "refused" not in submitted.headers["Location"]
    assert "refused" not in act(reviewer, ALERT, "publish").headers["Location"]
    html = app.test_client().get("/zh/alerts/uspto-us-attorney-rule").get_data(as_text=True)
    assert "规则细节已更新，页面重新发布。" in html and WITHDRAWN["note_zh"] in html and "重新发布" in html
    assert "Details updated; published again." in app.test_client().get("/en/alerts/uspto-us-attorney-rule").get_data(
        as_text=True)


def test_a_page_other_published_pages_link_to_cannot_be_withdrawn(app):
    editor = signed_in(app, EDITOR)
    assert "refused=needed-by" in act(editor, GUIDE, "request-unpublish", **WITHDRAWN).headers["Location"]


def test_problems_are_data_with_their_english_sentence():
    _values, problems = validate_front_matter({"title": "x", "summary": "y", "kind": "guide", "updated": "2026-02-30",
                                               "reviewed": "soon", "sources": [{"title": "t", "url": "ftp://x",
                                                                                 "checked": "2026-11-30"}]},
                                              "guide", datetime(2026, 12, 1).date())
    by_field = {problem.params.get("field"): problem for problem in problems if problem.code == "field-invalid"}
    assert str(by_field["updated"]) == "updated: day is out of range for month (2026-02-30)"
    assert by_field["updated"].params["detail"].code == "no-such-day"
    assert str(by_field["reviewed"]) == "reviewed: 'soon' is not a date in YYYY-MM-DD form"
    assert str(by_field["sources"]) == "sources: item 1: 'ftp://x' is not an http(s) URL"
    assert {problem.code for problem in problems} >= {"field-invalid", "field-missing"}
    located = by_field["sources"].at("guides/x.zh.md")
    assert located.startswith("guides/x.zh.md: sources: item 1:") and located.code == "field-invalid"


def test_every_problem_sentence_is_translated(app):
    with app.test_request_context("/zh/"), force_locale("zh"):
        from flask_babel import gettext  # noqa: PLC0415

        untranslated = [message for message in MESSAGES.values() if gettext(message) == message]
        assert untranslated == ["%(name)s %(detail)s"]  # no words of its own
        nested = Problem("field-invalid", "guides/x.zh.md", field="sources",
                         detail=Problem("item", number=2, detail=Problem("not-url", value="'ftp://x'")))
        assert nested.translated() == "guides/x.zh.md: sources：第 2 项：'ftp://x' 不是以 http 或 https 开头的网址"
        assert describe("a plain sentence from another check") == "a plain sentence from another check"
    with app.test_request_context("/en/"), force_locale("en"):
        assert nested.translated() == str(nested)


def test_the_editor_shows_problems_in_english_and_the_command_prints_english(app, tmp_path):
    editor = signed_in(app, EDITOR)
    url = "/en/staff/content/guides/trademark-registration/zh/edit"
    fields = edit_form(editor, url)
    fields.update({"fm-updated": "2026-13-01", "change_note": "x", "intent": "save"})
    html = editor.post(url, data=fields).get_data(as_text=True)
    assert "Chinese version: updated: month must be in 1..12 (2026-13-01)" in html
    broken = tmp_path / "content" / "guides"
    broken.mkdir(parents=True)
    for lang in ("zh", "en"):
        source = (app.config["CONTENT_DIR"] / "guides" / f"trademark-registration.{lang}.md").read_text()
        (broken / f"trademark-registration.{lang}.md").write_text(source.replace("\nupdated:", "\nx: 1\nupdated:", 1))
    app.config["CONTENT_DIR"] = tmp_path / "content"
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code != 0
    assert "guides/trademark-registration.zh.md: unknown front-matter keys ['x']" in result.output
    assert "无法识别" not in result.output  # the command speaks English, whatever the default locale (zh)


def test_warnings_are_shown_to_the_editor_and_other_checks_can_add_theirs(tmp_path):
    app = fresh_app(tmp_path, CONTENT_REVIEW_MAX_MONTHS=1)
    add_warning_check(app, lambda page: ["Site health: the page links to a slow site (test)"]
                      if page.slug == "trademark-registration" else [])
    editor = signed_in(app, EDITOR)
    fields = edit_form(editor, f"{GUIDE}/zh/edit")
    fields.update({"fm-updated": "2026-01-05", "fm-reviewed": "2026-01-05", "intent": "preview"})
    html = editor.post(f"{GUIDE}/zh/edit", data=fields).get_data(as_text=True)
    warnings = html.split('id="warnings-title"', 1)[1].split("</section>", 1)[0]
    assert "上次核对是 2026-01-05，已超过 1 个月" in warnings
    assert "Site health: the page links to a slow site (test)" in warnings


def test_the_staff_list_uses_the_review_interval_setting(tmp_path):
    app = fresh_app(tmp_path, CONTENT_REVIEW_MAX_MONTHS=120)
    editor, reviewer = signed_in(app, EDITOR), signed_in(app, REVIEWER)
    fields = edit_form(editor, f"{GUIDE}/en/edit")
    fields.update({"fm-updated": "2026-08-20", "fm-reviewed": "2026-08-20", "change_note": "Checked in August.",
                   "intent": "save"})
    assert editor.post(f"{GUIDE}/en/edit", data=fields).status_code == 303
    act(editor, GUIDE, "submit")
    assert act(reviewer, GUIDE, "publish").status_code == 303
    html = editor.get("/en/staff/content/").get_data(as_text=True)
    assert "more than 120 months ago" in html and "Due for fact review" not in html
    app.config["CONTENT_REVIEW_MAX_MONTHS"] = 3  # reviewed 2026-08-20: more than three months before today
    html = editor.get("/en/staff/content/").get_data(as_text=True)
    assert "more than 3 months ago" in html and html.count("Due for fact review") == 1
    row = html.split("Due for fact review", 1)[0].rsplit("<tr>", 1)[1]
    assert "trademark-registration" in row and "last checked 2026-08-20" in html


@pytest.mark.parametrize(("value", "accepted"), [("3", 3), ("0", None), ("x", None)])
def test_the_review_interval_setting_is_checked(monkeypatch, tmp_path, value, accepted):
    from portal import create_app  # noqa: PLC0415
    from portal.config import ConfigError  # noqa: PLC0415

    monkeypatch.setenv("PORTAL_CONTENT_REVIEW_MAX_MONTHS", value)
    settings = {"INSTANCE_DIR": tmp_path, "SEARCH_INDEX_DIR": tmp_path / "si"}
    if accepted is None:
        with pytest.raises(ConfigError, match="PORTAL_CONTENT_REVIEW_MAX_MONTHS"):
            create_app(settings)
    else:
        assert create_app(settings).config["CONTENT_REVIEW_MAX_MONTHS"] == accepted


def test_seed_demo_adds_missing_demo_staff_to_an_existing_install(app):
    with app.app_context():
        db.session.execute(delete(User).where(User.email.in_((EDITOR, REVIEWER))))
        db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    assert "institutions exist already" in result.output and "2 demo accounts added" in result.output
    with app.app_context():
        roles = dict(db.session.execute(select(User.email, User.role).where(User.email.in_((EDITOR, REVIEWER)))).all())
        assert roles == {EDITOR: "editor", REVIEWER: "reviewer"}
        count = db.session.scalar(select(func.count(User.id)))
    assert signed_in(app, EDITOR).get("/zh/staff/content/").status_code == 200
    again = runner.invoke(args=["seed", "demo"])
    assert again.exit_code == 0 and "every demo account exists already" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == count  # idempotent
    app.config["PORTAL_ENV"] = "production"
    refused = runner.invoke(args=["seed", "demo"])
    assert refused.exit_code != 0 and "not loaded in production" in refused.output


def entry(number, text="专利 商标 版权"):
    return {"doc_id": f"zh/t/{number}", "lang": "zh", "kind": "guide", "topics": ("patent",),
            "audience": ("enterprise",), "title": f"标题 {number}", "summary": "摘要", "text": f"{text} {number}",
            "updated": "2026-11-30", "url": f"/zh/t/{number}"}


def test_an_update_writes_a_small_segment_and_the_loop_merges_later(tmp_path, monkeypatch):
    monkeypatch.setattr(indexer, "SMALL_SEGMENT_DOCS", 5)
    monkeypatch.setattr(indexer, "MAX_SMALL_SEGMENTS", 2)
    entries = [entry(number) for number in range(40)]
    indexer.build_index(entries, tmp_path, "b0")
    for number in range(3):
        entries[number] = entry(number, text="质押融资")
        assert indexer.update_index(entries, tmp_path, f"b{number + 1}", number + 1) == ([f"zh/t/{number}"], [])
    # Three one-page segments beside the build's own, which still holds the old versions (deleted).
    assert indexer.segment_state(tmp_path) == (4, 3)
    assert indexer.update_index(entries, tmp_path, "b4", 4) == ([], [])  # nothing changed: nothing written
    now = datetime.now(UTC)
    assert indexer.compact_index(tmp_path, quiet_seconds=300, now=now) == "small"  # not quiet yet
    assert indexer.segment_state(tmp_path) == (2, 3)
    assert indexer.compact_index(tmp_path, quiet_seconds=300, now=now) is None
    assert indexer.compact_index(tmp_path, quiet_seconds=300, now=now + timedelta(seconds=301)) == "all"
    assert indexer.segment_state(tmp_path) == (1, 0)
    assert indexer.compact_index(tmp_path, quiet_seconds=0) is None  # one clean segment: nothing to do
    from whoosh import index as whoosh_index  # noqa: PLC0415 (checking what the index holds)

    with whoosh_index.open_dir(str(indexer.current_build(tmp_path)[0])).searcher() as searcher:
        assert searcher.doc_count() == 40
        stored = {fields["doc_id"]: fields for fields in searcher.all_stored_fields()}
        assert sorted(stored) == sorted(e["doc_id"] for e in entries)


def test_an_update_never_merges_the_large_segment(tmp_path, monkeypatch):
    monkeypatch.setattr(indexer, "SMALL_SEGMENT_DOCS", 5)
    monkeypatch.setattr(indexer, "MAX_SMALL_SEGMENTS", 1)
    entries = [entry(number) for number in range(30)]
    indexer.build_index(entries, tmp_path, "b0")
    for number in range(6):  # past 4 × MAX_SMALL_SEGMENTS: the update folds the small ones itself
        entries[number] = entry(number, text="地理标志")
        indexer.update_index(entries, tmp_path, f"b{number + 1}", number + 1)
    segments, deleted = indexer.segment_state(tmp_path)
    assert segments <= 1 + 4 and deleted == 6  # the large segment kept, with its deleted versions


def test_the_fingerprint_cache_gives_the_digest_of_earlier_builds():
    page = entry(7)
    first = indexer.fingerprint(page)
    seen = {}
    assert indexer.fingerprint(dict(page), seen) == first and len(seen) == 1
    indexer._remember(seen)
    assert indexer.fingerprint(dict(page)) == first
    assert indexer.fingerprint(dict(page, text="另一段文字")) != first
    assert indexer.fingerprint(dict(page, topics=["patent"])) == first  # a list: computed, the same digest


def test_a_large_build_is_merged_whole_only_once_many_versions_are_deleted(tmp_path, monkeypatch):
    monkeypatch.setattr(indexer, "FULL_MERGE_DOCS", 10)
    entries = [entry(number) for number in range(30)]
    indexer.build_index(entries, tmp_path, "b0")
    later = datetime.now(UTC) + timedelta(hours=1)
    entries[0] = entry(0, text="维权援助")
    indexer.update_index(entries, tmp_path, "b1", 1)
    assert indexer.compact_index(tmp_path, now=later) is None  # 1 of 30 deleted: not worth a full merge
    for number in range(1, 3):
        entries[number] = entry(number, text="维权援助")
        indexer.update_index(entries, tmp_path, f"b{number + 1}", number + 1)
    assert indexer.compact_index(tmp_path, now=later) == "all" and indexer.segment_state(tmp_path) == (1, 0)


def test_the_worker_loop_runs_the_compaction(app):
    from portal import tasks  # noqa: PLC0415

    assert "search index compaction" in [task.name for task in tasks.registered(app)]
