"""Publishing on PostgreSQL (127.0.0.1:5432): two editors saving one page at the same moment, and
a second app instance on the same database seeing a published change within the bound, with no
database query on the cached path. Skipped, saying so, where PostgreSQL does not answer."""

import threading
import time

import pytest
from sqlalchemy import event, select

from portal import create_app, tasks
from portal.config import ROOT
from portal.content.store import ContentLanguage, ContentRevision
from portal.db import db
from portal.publishing import service
from tests.support import postgres
from tests.test_publishing import EDITOR, GUIDE, REVIEWER, act, change_fee, edit_form, signed_in


def pg_app(instance, database, poll=10):
    return create_app({"TESTING": True, "PORTAL_ENV": "testing", "CONTENT_DIR": ROOT / "content",
                       "INSTANCE_DIR": instance, "SEARCH_INDEX_DIR": instance / "si", "DATABASE_URL": database,
                       "SITE_URL": "https://portal.example", "LOGIN_RATE_LIMIT": "10000 per hour",
                       "CONTENT_POLL_SECONDS": poll})


@pytest.fixture()
def first(tmp_path, postgres_url):
    postgres.empty_schema(postgres_url)  # a clean schema in this run's own database
    app = pg_app(tmp_path / "a", postgres_url)
    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["seed", "demo"], ["content", "import"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, (command, result.output)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_two_concurrent_saves_of_one_revision_one_is_refused_both_kept(first):
    url = f"{GUIDE}/zh/edit"
    editors = [signed_in(first, EDITOR), signed_in(first, REVIEWER)]
    for attempt in range(5):
        forms = [edit_form(client, url) for client in editors]
        assert forms[0]["base_revision"] == forms[1]["base_revision"]
        for number, form in enumerate(forms):
            form.update(body=form["body"] + f"\n并发保存 {attempt}-{number}。\n", change_note=f"并发 {number}",
                        intent="save")
        barrier, statuses = threading.Barrier(2), {}

        def save(number, barrier=barrier, statuses=statuses, forms=forms):
            barrier.wait()
            statuses[number] = editors[number].post(url, data=forms[number]).status_code

        threads = [threading.Thread(target=save, args=(number,)) for number in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(statuses.values()) == [303, 400], statuses
        with first.app_context():
            texts = db.session.scalars(select(ContentRevision.text).where(
                ContentRevision.text.contains(f"并发保存 {attempt}-"))).all()
            assert len(texts) == 2  # both kept: one head, one conflict
            document = service.find_document("guides", "trademark-registration")
            head = db.session.get(ContentLanguage, (document.id, "zh")).head
            winner = 0 if statuses[0] == 303 else 1
            assert f"并发保存 {attempt}-{winner}。" in head.text and head.source == "editor"


def test_a_second_instance_sees_a_publish_within_the_bound_without_querying_on_the_cached_path(first, tmp_path,
                                                                                             postgres_url):
    second = pg_app(tmp_path / "b", postgres_url, poll=2)  # another host: its own instance folder
    visitor = second.test_client()
    assert "演示费用更新" not in visitor.get("/zh/guides/trademark-registration").get_data(as_text=True)
    queries = []
    with second.app_context():
        engine = db.engine
    listener = lambda *args: queries.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        for _ in range(20):
            assert visitor.get("/zh/guides/trademark-registration").status_code == 200
        assert queries == []  # served from memory: not one query
    finally:
        event.remove(engine, "before_cursor_execute", listener)

    editor, reviewer = signed_in(first, EDITOR), signed_in(first, REVIEWER)
    assert change_fee(editor).status_code == 303  # saved: a refused save would hide the cause below
    act(editor, GUIDE, "submit")
    assert act(reviewer, GUIDE, "publish").status_code == 303
    published = time.monotonic()
    # The publishing host serves it at once.
    assert "演示费用更新" in first.test_client().get("/zh/guides/trademark-registration").get_data(as_text=True)
    # The other host: its worker loop, running for real, tells its web workers.
    follow = [task for task in tasks.registered(second) if task.name == "follow published content"]
    seen_after = None
    with second.app_context():
        while time.monotonic() - published < 60:
            tasks.run_loop(follow, interval=0.1, passes=1)
            if "演示费用更新" in visitor.get("/zh/guides/trademark-registration").get_data(as_text=True):
                seen_after = time.monotonic() - published
                break
            time.sleep(0.5)
    assert seen_after is not None and seen_after < 60
    with second.app_context():
        db.engine.dispose()
