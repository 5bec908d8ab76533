"""Issue 16 on PostgreSQL (this run's own database, tests/support/postgres.py), with requests released
together: "Send" pressed twice at once on one check page saves one request with its documents once;
two ratings of one request at once leave one rating, one follow-up and both saves in its history.

Runs wherever that server answers (this machine and CI start it); skipped, saying so, elsewhere.
"""

import io
import re
import threading

import pytest
from sqlalchemy import func, select, update

from portal.db import db
from portal.models import AssistanceRequest, Attachment, AuditEvent, OutboxMessage, Rating, RatingFollowUp
from portal.requests import drafts
from tests.conftest import check, post_multipart, submit
from tests.support import postgres
from tests.support.forms import check_page_fields

pytestmark = pytest.mark.skipif(not postgres.available(), reason=postgres.UNAVAILABLE)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def pg_app(tmp_path_factory, postgres_url):
    app = postgres.seeded_app(postgres_url, tmp_path_factory.mktemp("pg16"))  # a clean schema for this module
    yield app
    with app.app_context():
        db.engine.dispose()


def twin(app, client):
    """A second browser tab of the same visitor: the same session cookie, its own connection."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def released_together(calls):
    """Run each call in its own thread, released at one moment; their results, or the errors."""
    barrier, results, errors = threading.Barrier(len(calls)), [None] * len(calls), []

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as error:  # reported below; a thread cannot fail the test itself
            errors.append(error)

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def test_send_pressed_twice_at_once_saves_one_request_with_its_documents_once(pg_app, monkeypatch):
    # Both presses pass the "already saved?" look-up before either inserts: the documents are read
    # from the draft after it, so a barrier there makes the race happen every time. Then the unique
    # form token lets one commit, and the other finds that request.
    meet, read = threading.Barrier(2), drafts.uploads

    def uploads_after_both_looked(draft):
        meet.wait(timeout=30)
        return read(draft)

    monkeypatch.setattr(drafts, "uploads", uploads_after_both_looked)
    client = pg_app.test_client()
    checked = check(client, "zh", "general", files=[(io.BytesIO(PDF), "营业执照.pdf")])
    assert checked.status_code == 200
    form_token = re.search(r'name="form_token" type="hidden" value="([^"]+)"', checked.get_data(as_text=True))[1]
    fields = check_page_fields(checked.get_data(as_text=True))
    url = "/zh/requests/new?type=general"
    other = twin(pg_app, client)
    first, second = released_together([lambda: post_multipart(client, url, fields),
                                       lambda: post_multipart(other, url, fields)])
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    with pg_app.app_context():
        request = db.session.scalar(select(AssistanceRequest).where(AssistanceRequest.form_token == form_token))
        [attachment] = db.session.scalars(select(Attachment).where(Attachment.request_id == request.id)).all()
        purposes = sorted(db.session.scalars(select(OutboxMessage.purpose)
                                             .where(OutboxMessage.request_id == request.id)))
        assert purposes == ["acknowledgement", "institution-notice"]
        assert [e.action for e in request.events] == ["received", "assigned"]
    uploads = pg_app.config["UPLOAD_DIR"]
    # The losing press removed the copy it stored; the draft is gone with the sending.
    assert sorted(p.name for p in uploads.iterdir() if p.is_file()) == [attachment.stored_name]
    assert (uploads / attachment.stored_name).read_bytes() == PDF
    assert not (uploads / "drafts").exists()  # nor is the drafts folder, once empty


def answered(app, client):
    response = submit(client, "en", "general")
    assert response.status_code == 303
    token = response.headers["Location"].split("/status/")[1].split("?")[0]
    with app.app_context():
        db.session.execute(update(AssistanceRequest).where(AssistanceRequest.status_token == token)
                           .values(status="answered"))
        db.session.commit()
    return token


@pytest.mark.parametrize("round_", range(3))
def test_two_ratings_of_one_request_at_once_leave_one_rating_and_lose_none(pg_app, round_):
    client = pg_app.test_client()
    token = answered(pg_app, client)
    page = client.get(f"/en/requests/rate/{token}").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    other = twin(pg_app, client)
    url = f"/en/requests/rate/{token}"
    responses = released_together([
        lambda: client.post(url, data={"csrf_token": csrf, "level": "dissatisfied", "comment": "太慢"}),
        lambda: other.post(url, data={"csrf_token": csrf, "level": "very-dissatisfied", "comment": "没人回"})])
    # Both are saves within the change window: one gives the rating, the other changes it. The
    # request row, read FOR UPDATE, puts them one after the other; neither is lost or doubled.
    assert [r.status_code for r in responses] == [303, 303]
    with pg_app.app_context():
        request_id = db.session.scalar(select(AssistanceRequest.id).where(AssistanceRequest.status_token == token))
        [rating] = db.session.scalars(select(Rating).where(Rating.request_id == request_id)).all()
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.request_id == request_id,
                                                             AuditEvent.action == "rated")
                                    .order_by(AuditEvent.id)).all()
        assert len(events) == 2
        assert events[0].before is None and events[1].before == {"level": events[0].after["level"]}
        assert {e.after["level"] for e in events} == {"dissatisfied", "very-dissatisfied"}
        assert rating.level == events[1].after["level"]  # the later save is the rating that counts
        assert rating.comment == {"dissatisfied": "太慢", "very-dissatisfied": "没人回"}[rating.level]
        assert db.session.scalar(select(func.count()).select_from(RatingFollowUp)
                                 .where(RatingFollowUp.request_id == request_id)) == 1
