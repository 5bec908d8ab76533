"""Publishing in the browser (through Flask's test client): edit, preview, checks, submit, review
with the comparison, publish, schedule, return, restore, unpublish, the author rule, stale saves,
the public page's history, and the catalog, page cache and feeds following a publish."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal import create_app, tasks
from portal.config import ROOT
from portal.content.store import ContentDocument, ContentLanguage, ContentRevision, current_generation
from portal.db import db
from portal.models import AlertSubscription, AuditEvent, OutboxMessage
from portal.publishing import service
from portal.search.indexer import current_build
from tests.staff_helpers import csrf_of, login

EDITOR, REVIEWER = "editor@demo.invalid", "reviewer@demo.invalid"
WITHDRAWN = {"note_zh": "该规则已被取代，预警撤下。", "note_en": "The rule was replaced; the alert is withdrawn."}
GUIDE = "/zh/staff/content/guides/trademark-registration"


def fresh_app(tmp_path, **extra):
    app = create_app({"TESTING": True, "PORTAL_ENV": "testing", "INSTANCE_DIR": tmp_path / "instance",
                      "CONTENT_DIR": ROOT / "content", "SITE_URL": "https://portal.example",
                      "SEARCH_INDEX_DIR": tmp_path / "search_index", "LOGIN_RATE_LIMIT": "10000 per hour",
                      **extra})
    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["seed", "demo"], ["content", "import"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, (command, result.output)
    return app


@pytest.fixture()
def app(tmp_path):
    return fresh_app(tmp_path)


def signed_in(app, email):
    client = app.test_client()
    assert login(client, email).status_code == 303
    return client


def edit_form(client, url):
    """The edit form's fields as a browser would send them back."""
    html = client.get(url).get_data(as_text=True)
    fields = {"csrf_token": csrf_of(html)}
    for name, value in re.findall(r'<input type="text" id="fm-[^"]+" name="(fm-[^"]+)" value="([^"]*)"', html):
        fields[name] = value.replace("&#34;", '"').replace("&amp;", "&").replace("&#39;", "'")
    for name, value in re.findall(r'<textarea[^>]*\bname="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        if value.startswith("\r\n"):
            value = value[2:]  # as a browser reads it: the first line break belongs to the markup
        elif value.startswith("\n"):
            value = value[1:]
        fields[name] = (value.replace("&lt;", "<").replace("&gt;", ">").replace("&#34;", '"')
                        .replace("&#39;", "'").replace("&amp;", "&"))
    fields["base_revision"] = re.search(r'name="base_revision" type="hidden" value="([^"]*)"', html).group(1)
    return fields


def act(client, url, action, **extra):
    html = client.get(url + "/").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', html)
    data = {"csrf_token": csrf_of(html), "action": action, "version": version.group(1) if version else "0", **extra}
    return client.post(url + "/act", data=data)


def change_fee(client, lang="zh", note="商标注册费用按最新标准更新。"):
    fields = edit_form(client, f"{GUIDE}/{lang}/edit")
    old = "## 费用" if lang == "zh" else "## Fees"
    assert old in fields["body"]
    added = "演示费用更新：每个类别 270 元（测试 qzfee）。" if lang == "zh" else "Demo fee update: 270 yuan (test)."
    fields["body"] = fields["body"].replace(old, f"{old}\n\n{added}", 1)
    fields.update(change_note=note, intent="save")
    return client.post(f"{GUIDE}/{lang}/edit", data=fields)


def test_untouched_pages_are_live_from_the_store(app):
    client = app.test_client()
    assert app.extensions["catalog"].generation >= 1
    assert "商标" in client.get("/zh/guides/trademark-registration").get_data(as_text=True)


def test_editor_changes_a_guide_reviewer_compares_and_publishes(app):
    editor, reviewer = signed_in(app, EDITOR), signed_in(app, REVIEWER)
    public = app.test_client()
    before = public.get("/zh/guides/trademark-registration").get_data(as_text=True)
    assert "演示费用更新" not in before  # the page is now in the page cache
    assert change_fee(editor).status_code == 303
    assert act(editor, GUIDE, "submit").status_code == 303
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.purpose == "content-review",
                                                             OutboxMessage.recipient == REVIEWER))
    review = reviewer.get(GUIDE + "/").get_data(as_text=True)
    assert "<ins>" in review and "演示费用更新" in review and "[增加]" in review or "[added]" in review
    assert act(reviewer, GUIDE, "publish").status_code == 303
    after = public.get("/zh/guides/trademark-registration").get_data(as_text=True)
    assert "演示费用更新" in after
    assert "商标注册费用按最新标准更新。" in after  # the change note, in the public history
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.request_id.is_(None))))
        assert {"content-editor", "content-submit", "content-publish", "content-published"} <= actions
    # The English page now says the Chinese version is newer, until confirmed.
    assert "updated more recently" in public.get("/en/guides/trademark-registration").get_data(as_text=True)
    assert act(editor, GUIDE, "confirm-translation", lang_of="en").status_code == 303
    assert "updated more recently" not in public.get("/en/guides/trademark-registration").get_data(as_text=True)


def test_the_author_can_never_approve_their_own_change(app):
    reviewer = signed_in(app, REVIEWER)
    assert change_fee(reviewer).status_code == 303  # a reviewer may write, too
    assert act(reviewer, GUIDE, "submit").status_code == 303
    response = act(reviewer, GUIDE, "publish")
    assert "refused=own-work" in response.headers["Location"]
    with app.app_context():
        document = service.find_document("guides", "trademark-registration")
        assert document.status == "in_review"
        zh = db.session.get(ContentLanguage, (document.id, "zh"))
        assert zh.live_revision_id != zh.head_revision_id


def test_a_save_on_a_stale_revision_is_refused_and_both_texts_kept(app):
    first, second = signed_in(app, EDITOR), signed_in(app, REVIEWER)
    url = f"{GUIDE}/zh/edit"
    mine, theirs = edit_form(first, url), edit_form(second, url)
    mine.update(body=mine["body"] + "\n第一位编辑的文字。\n", change_note="第一位", intent="save")
    theirs.update(body=theirs["body"] + "\n第二位编辑的文字。\n", change_note="第二位", intent="save")
    assert first.post(url, data=mine).status_code == 303
    refused = second.post(url, data=theirs)
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "第二位编辑的文字" in page and "第一位编辑的文字" in page  # their text and the current one
    with app.app_context():
        texts = [r.text for r in db.session.scalars(select(ContentRevision).where(ContentRevision.source.in_(
            ("editor", "conflict"))))]
        assert any("第一位编辑" in t for t in texts) and any("第二位编辑" in t for t in texts)


def test_checks_name_each_problem_and_lose_nothing(app):
    editor = signed_in(app, EDITOR)
    fields = edit_form(editor, f"{GUIDE}/zh/edit")
    fields["body"] = fields["body"].replace("## 费用", "## 收费").replace("](/zh/", "](/zh/no-such-")
    fields["fm-updated"] = "2026-02-30"
    fields["fm-sources"] = "某法规 | https://example.org/law |"
    fields.update(change_note="测试", intent="save")
    response = editor.post(f"{GUIDE}/zh/edit", data=fields)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    # In the editor's language (zh here): each problem named, its field and the value typed.
    assert "中文版：updated：这个月没有这一天（2026-02-30）" in html
    assert "sources：第 1 项：checked &#39;&#39; 不是“年-月-日”（YYYY-MM-DD）格式的日期" in html
    assert "收费" in html  # what was typed is still there
    fields["fm-updated"] = "2026-11-26"
    fields["fm-sources"] = edit_form(editor, f"{GUIDE}/zh/edit")["fm-sources"]
    html = editor.post(f"{GUIDE}/zh/edit", data=fields).get_data(as_text=True)
    assert "缺少 [&#39;费用&#39;]" in html and "多出 [&#39;收费&#39;]" in html
    assert "站内链接 /zh/no-such-" in html and "打不开" in html


def test_the_content_rules_on_sources_and_law_changes_are_named_in_the_form(app):
    """Issue 15's rules reach the edit form: an alert's source without a role, an alert dated by
    no source's event date, and a broken list of law changes are each named, and nothing typed is lost."""
    editor = signed_in(app, EDITOR)
    alert = "/zh/staff/content/alerts/uspto-us-attorney-rule/zh/edit"
    fields = edit_form(editor, alert)
    assert "| primary |" in fields["fm-sources"] or "| report |" in fields["fm-sources"]
    fields["fm-sources"] = "USPTO 规则 | https://www.uspto.gov/trademarks/laws | 2026-11-30"
    fields.update(change_note="测试", intent="save")
    html = editor.post(alert, data=fields).get_data(as_text=True)
    assert "需要填写 role" in html and "不是任何 primary 或 report 来源所写的事件日期" in html
    assert "USPTO 规则 | https://www.uspto.gov/trademarks/laws | 2026-11-30" in html
    fields = edit_form(editor, f"{GUIDE}/zh/edit")
    assert fields["fm-changes"].startswith("- effective:")
    fields["fm-changes"] = "- effective: 2027-01-01\n  law: 新法"
    fields.update(change_note="测试", intent="save")
    response = editor.post(f"{GUIDE}/zh/edit", data=fields)
    assert response.status_code == 400
    assert "changes：第 1 项必须正好包含 effective, law, url, before, after" in response.get_data(as_text=True)


def test_a_change_note_is_required_and_the_preview_is_rendered_on_the_server(app):
    editor = signed_in(app, EDITOR)
    fields = edit_form(editor, f"{GUIDE}/zh/edit")
    fields["body"] += "\n<script>alert(1)</script>\n预览文字。\n"
    fields.update(intent="preview", change_note="")
    html = editor.post(f"{GUIDE}/zh/edit", data=fields).get_data(as_text=True)
    assert "预览文字。" in html and "<script>alert(1)</script>" not in html.split('id="preview-title"')[1]
    fields["intent"] = "save"
    assert "Say in a sentence" in editor.post(f"{GUIDE}/zh/edit", data=fields).get_data(as_text=True) or \
        "用一句话" in editor.post(f"{GUIDE}/zh/edit", data=fields).get_data(as_text=True)


def test_return_restore_and_reviewed_unpublish(app):
    editor, reviewer = signed_in(app, EDITOR), signed_in(app, REVIEWER)
    assert change_fee(editor).status_code == 303  # saved: a refused save would hide the cause below
    act(editor, GUIDE, "submit")
    assert "refused=missing-text" in act(reviewer, GUIDE, "return").headers["Location"]
    assert act(reviewer, GUIDE, "return", comment="请核对费用来源。").status_code == 303
    with app.app_context():
        document = service.find_document("guides", "trademark-registration")
        assert document.status == "draft"
        assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.purpose == "content-returned"))
        shipped = db.session.get(ContentLanguage, (document.id, "zh")).shipped_revision_id
    html = editor.get(GUIDE + "/").get_data(as_text=True)
    base = re.search(rf'name="revision" value="{shipped}"><input type="hidden" name="base_revision" value="(\d+)"',
                     html).group(1)
    response = editor.post(GUIDE + "/restore", data={"csrf_token": csrf_of(html), "revision": shipped,
                                                     "base_revision": base})
    assert response.status_code == 303
    with app.app_context():
        zh = db.session.get(ContentLanguage, (document.id, "zh"))
        assert zh.head.text == db.session.get(ContentRevision, shipped).text and zh.head.source == "restored"
    # Unpublishing is reviewed too.
    slug = "/zh/staff/content/alerts/uspto-us-attorney-rule"
    with app.app_context():
        alert = service.find_document("alerts", "uspto-us-attorney-rule")
        alert.status = "published"
        db.session.commit()
    assert "refused=missing-note" in act(editor, slug, "request-unpublish").headers["Location"]
    assert act(editor, slug, "request-unpublish", **WITHDRAWN).status_code == 303
    assert app.test_client().get("/zh/alerts/uspto-us-attorney-rule").status_code == 200
    assert act(reviewer, slug, "publish").status_code == 303
    assert app.test_client().get("/zh/alerts/uspto-us-attorney-rule").status_code == 404
    assert "uspto-us-attorney-rule" not in app.test_client().get("/zh/alerts/feed.atom").get_data(as_text=True)


def test_a_new_alert_is_published_into_lists_feed_and_sitemap(app):
    editor, reviewer = signed_in(app, EDITOR), signed_in(app, REVIEWER)
    html = editor.get("/zh/staff/content/").get_data(as_text=True)
    response = editor.post("/zh/staff/content/new", data={"csrf_token": csrf_of(html), "section": "alerts",
                                                          "slug": "demo-test-alert-2026"})
    assert response.status_code == 303
    today = datetime.now(UTC).date().isoformat()
    base = "/zh/staff/content/alerts/demo-test-alert-2026"
    for lang, title, body in (("zh", "演示预警（测试）",
                               "## 事件概要\n\n演示。\n\n## 影响对象\n\n演示。\n\n## 应对建议\n\n演示。\n"),
                              ("en", "Demo alert (test)", "## What happened\n\nDemo.\n\n## Who is affected\n\nDemo."
                                                          "\n\n## What to do\n\nDemo.\n")):
        fields = edit_form(editor, f"{base}/{lang}/edit")
        fields.update({"fm-title": title, "fm-summary": title, "fm-topics": "overseas-risk",
                       "fm-audience": "enterprise", "fm-order": "100", "fm-updated": today, "fm-reviewed": today,
                       "fm-sources": f"USPTO | https://www.uspto.gov/trademarks | {today} | primary | {today}",
                       "fm-date": today,
                       "fm-regions": "us", "fm-industries": "rubber", "fm-risk": "rule-change",
                       "fm-severity": "medium", "body": body, "change_note": "新预警。", "intent": "save"})
        response = editor.post(f"{base}/{lang}/edit", data=fields)
        assert response.status_code == 303, re.findall(r"<li>[^<]*</li>", response.get_data(as_text=True))
    assert act(editor, base, "submit").status_code == 303
    assert act(reviewer, base, "publish").status_code == 303
    public = app.test_client()
    assert "演示预警（测试）" in public.get("/zh/alerts/demo-test-alert-2026").get_data(as_text=True)
    assert "演示预警（测试）" in public.get("/zh/alerts").get_data(as_text=True)
    assert "demo-test-alert-2026" in public.get("/zh/alerts/feed.atom").get_data(as_text=True)
    assert "demo-test-alert-2026" in public.get("/sitemap.xml").get_data(as_text=True)
    assert "演示预警（测试）" in public.get("/zh/").get_data(as_text=True)  # the home page's latest alerts
    # The subscribers' next digest: the `flask alerts digest` command reads the same catalog.
    with app.app_context():
        db.session.add(AlertSubscription(email="subscriber@example.com", lang="zh", industries=["rubber"],
                                         regions=[], frequency="immediate", status="active", privacy_version="x",
                                         confirmed_at=datetime.now(UTC)))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["alerts", "digest", "--frequency", "immediate"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        digest = db.session.scalar(select(OutboxMessage).where(OutboxMessage.purpose == "alert-digest"))
        assert "演示预警（测试）" in digest.body and "/zh/alerts/demo-test-alert-2026" in digest.body


def test_scheduled_publish_and_unpublish_with_a_moving_clock(app):
    editor, reviewer = signed_in(app, EDITOR), signed_in(app, REVIEWER)
    assert change_fee(editor).status_code == 303  # saved: a refused save would hide the cause below
    act(editor, GUIDE, "submit")
    response = act(reviewer, GUIDE, "schedule", when="2099-01-01 09:00")
    assert response.status_code == 303 and "refused" not in response.headers["Location"]
    assert "2099-01-01 09:00" in reviewer.get(GUIDE + "/").get_data(as_text=True)
    assert "refused=bad-time" in act(reviewer, GUIDE, "schedule", when="yesterday").headers["Location"]
    public = app.test_client()
    with app.app_context():
        due = datetime(2099, 1, 1, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
        assert service.publish_due(due - timedelta(minutes=1)) == []
        assert "演示费用更新" not in public.get("/zh/guides/trademark-registration").get_data(as_text=True)
        assert service.publish_due(due + timedelta(hours=3)) == ["guides/trademark-registration"]  # late
        assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.purpose == "content-late"))
        assert service.publish_due(due + timedelta(hours=4)) == []  # once
    assert "演示费用更新" in public.get("/zh/guides/trademark-registration").get_data(as_text=True)
    # A scheduled unpublish (an alert that expires), through the cron command.
    slug = "/zh/staff/content/alerts/uspto-us-attorney-rule"
    assert act(editor, slug, "request-unpublish", **WITHDRAWN).status_code == 303
    assert act(reviewer, slug, "schedule", when="2099-02-01 00:00").status_code == 303
    with app.app_context():
        document = service.find_document("alerts", "uspto-us-attorney-rule")
        document.scheduled_at = datetime.now(UTC) - timedelta(seconds=1)  # the clock moved on
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["content", "publish-due"])
    assert result.exit_code == 0 and "alerts/uspto-us-attorney-rule" in result.output
    assert public.get("/zh/alerts/uspto-us-attorney-rule").status_code == 404


def test_import_never_overwrites_a_page_changed_in_the_browser(app, tmp_path):
    editor, reviewer = signed_in(app, EDITOR), signed_in(app, REVIEWER)
    assert change_fee(editor).status_code == 303  # saved: a refused save would hide the cause below
    act(editor, GUIDE, "submit")
    act(reviewer, GUIDE, "publish")
    release = tmp_path / "release"
    result = app.test_cli_runner().invoke(args=["content", "export", str(release)])
    assert result.exit_code == 0, result.output
    shipped = (ROOT / "content" / "guides" / "trademark-registration.zh.md").read_bytes()
    assert (release / "guides" / "trademark-registration.zh.md").read_bytes() != shipped
    (release / "guides" / "trademark-registration.zh.md").write_bytes(shipped)  # a release with the old text
    result = app.test_cli_runner().invoke(args=["content", "import", "--from", str(release)])
    assert result.exit_code == 0, result.output
    assert "guides/trademark-registration.zh" in result.output
    assert "演示费用更新" in app.test_client().get("/zh/guides/trademark-registration").get_data(as_text=True)
    with app.app_context():
        document = service.find_document("guides", "trademark-registration")
        zh = db.session.get(ContentLanguage, (document.id, "zh"))
        assert zh.head.text == shipped.decode() and zh.live.text != zh.head.text
        assert document.status == "draft"


def test_the_editor_list_shows_status_languages_and_turns(app):
    editor = signed_in(app, EDITOR)
    assert change_fee(editor).status_code == 303  # saved: a refused save would hide the cause below
    act(editor, GUIDE, "submit")
    html = editor.get("/en/staff/content/").get_data(as_text=True)
    assert "In review" in html and "zh, en" in html and "A reviewer (step 1 of 1)" in html
    assert signed_in(app, "staff-center@demo.invalid").get("/zh/staff/content/").status_code == 403


def test_three_review_steps_in_order(tmp_path):
    app = fresh_app(tmp_path, REVIEW_STEPS="default=1,guide=3")
    editor = signed_in(app, EDITOR)
    assert change_fee(editor).status_code == 303  # saved: a refused save would hide the cause below
    act(editor, GUIDE, "submit")
    first = signed_in(app, REVIEWER)
    assert "refused=more-steps" in act(first, GUIDE, "publish").headers["Location"]
    assert act(first, GUIDE, "approve").status_code == 303
    assert "refused=one-step-each" in act(first, GUIDE, "approve").headers["Location"]
    with app.app_context():
        document = service.find_document("guides", "trademark-registration")
        assert document.review_step == 2 and document.status == "in_review"


def test_generation_rises_with_each_publish(app):
    with app.app_context():
        before = current_generation()
    editor, reviewer = signed_in(app, EDITOR), signed_in(app, REVIEWER)
    assert change_fee(editor).status_code == 303  # saved: a refused save would hide the cause below
    act(editor, GUIDE, "submit")
    act(reviewer, GUIDE, "publish")
    with app.app_context():
        assert current_generation() == before + 1 == app.extensions["catalog"].generation
        status = select(ContentDocument.status).where(ContentDocument.slug == "trademark-registration")
        assert db.session.scalar(status) == "published"


def test_search_follows_a_publish_incrementally(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["search", "build"]).exit_code == 0
    with app.app_context():
        folder, info = current_build(app.config["SEARCH_INDEX_DIR"])
    public = app.test_client()
    assert "/zh/guides/trademark-registration" not in public.get("/zh/search?q=qzfee").get_data(as_text=True)
    editor, reviewer = signed_in(app, EDITOR), signed_in(app, REVIEWER)
    assert change_fee(editor).status_code == 303  # saved: a refused save would hide the cause below
    act(editor, GUIDE, "submit")
    act(reviewer, GUIDE, "publish")
    follow = [task for task in tasks.registered(app) if task.name == "search index follows published content"]
    with app.app_context():
        tasks.run_loop(follow, passes=1)
        after, after_info = current_build(app.config["SEARCH_INDEX_DIR"])
    assert after == folder  # the same build, updated in place: no rebuild
    assert after_info["content_generation"] == app.extensions["catalog"].generation
    html = public.get("/zh/search?q=qzfee").get_data(as_text=True)
    assert "/zh/guides/trademark-registration" in html
    # Unpublished: gone from search too.
    slug = "/zh/staff/content/alerts/uspto-us-attorney-rule"
    assert "/zh/alerts/uspto-us-attorney-rule" in public.get("/zh/search?q=USPTO").get_data(as_text=True)
    act(editor, slug, "request-unpublish", **WITHDRAWN)
    act(reviewer, slug, "publish")
    with app.app_context():
        tasks.run_loop(follow, passes=1)
    assert "/zh/alerts/uspto-us-attorney-rule" not in public.get("/zh/search?q=USPTO").get_data(as_text=True)


def test_a_page_under_review_is_not_edited_until_returned(app):
    editor = signed_in(app, EDITOR)
    assert change_fee(editor).status_code == 303  # saved: a refused save would hide the cause below
    act(editor, GUIDE, "submit")
    response = change_fee(editor, note="再改一次")
    assert response.status_code == 400
    assert "页面当前状态下不能这样操作。" in response.get_data(as_text=True)


def test_another_instance_on_the_same_sqlite_file_follows_every_publish(app, tmp_path):
    """The other host's worker loop keeps one app context (one session) for all its passes; each
    publish must still reach its web workers."""
    other = create_app({"TESTING": True, "PORTAL_ENV": "testing", "INSTANCE_DIR": tmp_path / "other",
                        "CONTENT_DIR": ROOT / "content", "SEARCH_INDEX_DIR": tmp_path / "other-index",
                        "DATABASE_URL": f"sqlite:///{app.config['INSTANCE_DIR']}/portal.db"})
    follow = [task for task in tasks.registered(other) if task.name == "follow published content"]
    editor, reviewer = signed_in(app, EDITOR), signed_in(app, REVIEWER)
    visitor = other.test_client()
    with other.app_context():
        tasks.run_loop(follow, passes=1)
        for number in range(2):
            change_fee(editor, note=f"第 {number} 次")
            act(editor, GUIDE, "submit")
            act(reviewer, GUIDE, "publish")
            tasks.run_loop(follow, passes=1)
            assert f"第 {number} 次" in visitor.get("/zh/guides/trademark-registration").get_data(as_text=True)


def test_a_worker_loop_started_after_a_publish_still_tells_the_web_workers(app, tmp_path):
    def host_process():
        return create_app({"TESTING": True, "PORTAL_ENV": "testing", "INSTANCE_DIR": tmp_path / "host-b",
                           "CONTENT_DIR": ROOT / "content", "SEARCH_INDEX_DIR": tmp_path / "host-b-index",
                           "DATABASE_URL": f"sqlite:///{app.config['INSTANCE_DIR']}/portal.db"})

    web = host_process()  # host B's web worker, loaded before the publish
    visitor = web.test_client()
    assert "演示费用更新" not in visitor.get("/zh/guides/trademark-registration").get_data(as_text=True)
    editor, reviewer = signed_in(app, EDITOR), signed_in(app, REVIEWER)
    assert change_fee(editor).status_code == 303  # saved: a refused save would hide the cause below
    act(editor, GUIDE, "submit")
    act(reviewer, GUIDE, "publish")
    loop = host_process()  # host B's worker loop, started after it: its own catalog is new already
    follow = [task for task in tasks.registered(loop) if task.name == "follow published content"]
    with loop.app_context():
        tasks.run_loop(follow, passes=1)
    assert "演示费用更新" in visitor.get("/zh/guides/trademark-registration").get_data(as_text=True)
