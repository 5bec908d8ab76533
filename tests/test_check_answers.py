"""Check your answers, then send (issue 16): the form leads to a page that shows what would be sent
and the institution routing names, before anything is saved; a separate consent to that named
institution; documents kept on the server under a random token across the step (and "Change");
nothing left behind by a draft never sent. The concurrent double send on PostgreSQL is in
test_conversation_postgres.py."""

import io
import re
import time

from sqlalchemy import func, select

from portal.db import db
from portal.models import AssistanceRequest, Attachment, AuditEvent, Institution, OutboxMessage
from portal.requests import drafts
from tests.conftest import check, post_multipart, send_checked, submit
from tests.support.forms import check_page_fields

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def counts(app):
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (AssistanceRequest, Attachment, OutboxMessage, AuditEvent))


def draft_folders(app):
    root = app.config["UPLOAD_DIR"] / "drafts"
    return sorted(p.name for p in root.iterdir()) if root.is_dir() else []


def text(response):
    return response.get_data(as_text=True)


def test_the_check_page_names_the_recipient_and_saves_nothing(app, client):
    before = counts(app)
    checked = check(client, "en", "pledge-financing")
    page = text(checked)
    assert checked.status_code == 200 and checked.headers["Cache-Control"] == "no-store"
    assert "Check your answers before sending" in page and "Nothing has been sent yet" in page
    # The answers in words (a choice's label, not its value), each with its own Change button.
    assert "衡水示例橡胶有限公司" in page and "Patents" in page and "13803181234" in page
    assert page.count('name="step" value="change"') >= 10
    # Routing's institution for a pledge request, named with its kind and what it does with the data.
    with app.app_context():
        bank = db.session.scalar(select(Institution).where(Institution.slug == "bank-a"))
        name = bank.name_en
    assert "Who would receive your request" in page and name in page and "What it does with your data" in page
    assert f"I agree that {name} receives my request" in page
    assert counts(app) == before  # nothing saved, nothing queued
    assert draft_folders(app) == []  # and without documents nothing written anywhere


def test_send_needs_the_separate_consent_to_the_named_institution(app, client):
    before = counts(app)
    checked = check(client, "zh", "general")
    refused = send_checked(client, "zh", "general", checked, recipient_consent=False)
    assert refused.status_code == 400 and 'id="recipient_consent-error"' in text(refused)
    assert "衡水示例橡胶有限公司" in text(refused)  # still the check page, with every answer
    assert counts(app) == before
    sent = send_checked(client, "zh", "general", refused)
    assert sent.status_code == 303
    with app.app_context():
        request = db.session.scalar(select(AssistanceRequest).order_by(AssistanceRequest.id.desc()))
        received = next(e for e in request.events if e.action == "received")
        # The consent's text version and the institution it named, with the request; placed there.
        assert received.after["recipient"] == request.institution_id
        assert received.after["recipient_consent_version"] == request.privacy_version
    assert draft_folders(app) == []  # the draft went with the sending


def test_documents_survive_the_check_and_change_and_are_saved_once_sent(app, client):
    checked = check(client, "en", "trademark-gi", files=[(io.BytesIO(PDF), "营业执照.pdf")])
    page = text(checked)
    assert checked.status_code == 200 and "营业执照.pdf" in page
    [folder] = draft_folders(app)
    assert folder not in page.split('name="draft"')[0]  # the token is a hidden field, never in a URL
    assert f"draft={folder}" not in page and folder not in checked.headers.get("Location", "")
    # "Change": the form again with every answer and the kept document, nothing checked or saved.
    changed = send_checked(client, "en", "trademark-gi", checked, step="change")
    form = text(changed)
    assert changed.status_code == 200 and 'value="衡水示例橡胶有限公司"' in form and "衡水老白干" in form
    assert "These documents are kept with your request" in form and "营业执照.pdf" in form
    assert 'id="error-summary"' not in form
    # Sent again from the form with one more document and a changed answer: both documents, once.
    fields = {name: value for name, value in check_page_fields(page, step="").items()
              if name not in ("step", "recipient_consent")}
    fields["contact_name"] = "李四"
    fields["attachments"] = [(io.BytesIO(PNG), "商标图样.png")]
    rechecked = post_multipart(client, "/en/requests/new?type=trademark-gi", fields)
    assert rechecked.status_code == 200 and "营业执照.pdf" in text(rechecked) and "商标图样.png" in text(rechecked)
    assert "李四" in text(rechecked) and draft_folders(app) == [folder]
    sent = send_checked(client, "en", "trademark-gi", rechecked)
    assert sent.status_code == 303
    with app.app_context():
        request = db.session.scalar(select(AssistanceRequest).order_by(AssistanceRequest.id.desc()))
        assert request.contact_name == "李四"
        saved = {a.original_name: (app.config["UPLOAD_DIR"] / a.stored_name).read_bytes()
                 for a in request.attachments}
    assert saved == {"营业执照.pdf": PDF, "商标图样.png": PNG}
    assert draft_folders(app) == []


def test_kept_documents_can_be_removed_and_at_most_five_are_kept(app, client):
    checked = check(client, "en", "general", files=[(io.BytesIO(PDF), f"{n}.pdf") for n in range(4)])
    fields = {k: v for k, v in check_page_fields(text(checked), step="").items()
              if k not in ("step", "recipient_consent")}
    too_many = post_multipart(client, "/en/requests/new?type=general",
                              {**fields, "attachments": [(io.BytesIO(PDF), "5.pdf"), (io.BytesIO(PDF), "6.pdf")]})
    assert too_many.status_code == 400 and "Attach at most 5 files" in text(too_many)
    assert "These documents are kept" in text(too_many)  # the four kept ones are still there
    removed = post_multipart(client, "/en/requests/new?type=general", {**fields, "discard_files": "y"})
    assert removed.status_code == 200 and "0.pdf" not in text(removed)
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Attachment))
    assert send_checked(client, "en", "general", removed).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == before


def test_answers_changed_on_the_way_are_checked_again(app, client):
    checked = check(client, "en", "general")
    fields = check_page_fields(text(checked))
    fields["phone"], fields["email"] = "12", ""
    before = counts(app)
    response = post_multipart(client, "/en/requests/new?type=general", fields)
    assert response.status_code == 400 and 'id="phone-error"' in text(response)
    assert counts(app) == before


def test_a_draft_never_sent_is_discarded_and_an_expired_one_asks_again(app, client):
    checked = check(client, "en", "general", files=[(io.BytesIO(PDF), "a.pdf")])
    [folder] = draft_folders(app)
    assert drafts.discard_expired(app.config["UPLOAD_DIR"]) == 0
    later = time.time() + drafts.DRAFT_HOURS * 3600 + 60
    assert drafts.discard_expired(app.config["UPLOAD_DIR"], now=later) == 1
    assert draft_folders(app) == []
    before = counts(app)
    again = send_checked(client, "en", "general", checked)
    page = text(again)
    assert again.status_code == 409 and "Documents are kept for 24 hours only" in page
    assert 'value="send"' in page and counts(app) == before  # the check page again: nothing sent
    assert send_checked(client, "en", "general", again).status_code == 303


def test_the_worker_loop_and_a_command_discard_unsent_drafts(app, client, runner):
    from portal import tasks

    assert "discard unsent request drafts" in {task.name for task in tasks.registered(app)}
    check(client, "en", "general", files=[(io.BytesIO(PDF), "a.pdf")])
    assert runner.invoke(args=["requests", "discard-drafts"]).output == "0 unsent draft(s) removed\n"
    assert len(draft_folders(app)) == 1  # a fresh one stays


def test_a_named_institution_that_stopped_taking_requests_is_not_sent_to(app, client):
    checked = check(client, "en", "pledge-financing")
    with app.app_context():
        bank = db.session.scalar(select(Institution).where(Institution.slug == "bank-a"))
        bank.active, name = False, bank.name_en
        db.session.commit()
    app.extensions.pop("routing_tables", None)
    again = send_checked(client, "en", "pledge-financing", checked)
    page = text(again)
    assert again.status_code == 409 and "has changed since the page was shown" in page
    assert f"I agree that {name} receives" not in page
    assert 'checked' not in page.split('id="recipient_consent"')[1].split(">")[0]  # asked again, unticked
    assert send_checked(client, "en", "pledge-financing", again).status_code == 303
    with app.app_context():
        request = db.session.scalar(select(AssistanceRequest).order_by(AssistanceRequest.id.desc()))
        assert request.institution.slug != "bank-a"


def test_the_privacy_notice_and_the_form_say_consent_comes_in_two_steps(client):
    for lang, words in (("en", "I am asked separately on the next page"), ("zh", "下一页")):
        form = text(client.get(f"/{lang}/requests/new?type=general"))
        assert words in form
    notice = text(client.get("/en/privacy"))
    assert "Check your answers" in notice and "named" in notice


def test_the_step_buttons_never_save_on_a_get(app, client):
    before = counts(app)
    response = client.get("/en/requests/new?type=general&step=send&recipient_consent=y")
    assert response.status_code == 200 and counts(app) == before
    assert re.search(r'<button type="submit" class="button">', text(response))


def test_submit_helper_goes_through_the_check_page(app, client):
    assert submit(client, "en", "school-visit").status_code == 303


def test_staff_see_the_consent_to_the_named_institution_on_the_timeline(app, client):
    from tests.staff_helpers import COORDINATOR, login

    response = submit(client, "en", "general")
    token = response.headers["Location"].split("/status/")[1].split("?")[0]
    with app.app_context():
        request = db.session.scalar(select(AssistanceRequest).where(AssistanceRequest.status_token == token))
        request_id, name, version = request.id, request.institution.name_en, request.privacy_version
    coordinator = app.test_client()
    login(coordinator, COORDINATOR, lang="en")
    page = text(coordinator.get(f"/en/staff/requests/{request_id}"))
    assert f"the requester agreed that {name} receives it (privacy notice of {version})" in page


def test_a_changed_named_institution_is_never_obeyed(app, client):
    checked = check(client, "en", "general")
    fields = check_page_fields(text(checked))
    with app.app_context():
        other = db.session.scalar(select(Institution.id).where(Institution.slug == "bank-b"))
    assert fields["recipient"] != str(other)
    before = counts(app)
    response = post_multipart(client, "/en/requests/new?type=general", {**fields, "recipient": str(other)})
    assert response.status_code == 409 and counts(app) == before  # asked again, nothing saved
    assert send_checked(client, "en", "general", response).status_code == 303
    with app.app_context():
        request = db.session.scalar(select(AssistanceRequest).order_by(AssistanceRequest.id.desc()))
        assert request.institution_id != other
