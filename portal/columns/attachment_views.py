"""Attachments: the public download of a file a live page names, and the editors' page to upload,
download and delete files (/<lang>/staff/attachments/)."""

import re

from flask import abort, current_app, g, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.accounts import auth
from portal.columns import attachments
from portal.columns.blueprint import bp
from portal.columns.forms import DeleteForm, UploadForm
from portal.content import current_catalog
from portal.content.store import ContentDocument, ContentLanguage, ContentRevision, now
from portal.db import db
from portal.models import AuditEvent
from portal.web import private, saved

EDITORS = ("editor", "reviewer")
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
# The editors' pages are in the staff area (under /<lang>/staff/): editors and reviewers only,
# idle sessions end, nothing is stored by browsers.
STAFF_ENDPOINTS = frozenset({"columns.staff_attachments", "columns.staff_download", "columns.delete_attachment"})


@bp.before_request
def staff_area():
    if request.endpoint not in STAFF_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return auth.login_manager.unauthorized()
    if current_user.role not in EDITORS:
        abort(403)
    return auth.check_idle()


def _messages():
    return {
        "empty": _("The file is empty."),
        "too-large": _("The file is larger than 10 MB."),
        "type": _("This kind of file cannot be published. Use PDF, Word (.docx), Excel (.xlsx), JPEG or PNG."),
        "old-office": _("Old Word and Excel files (.doc, .xls) are not accepted: save the file again as .docx, "
                        ".xlsx or PDF."),
        "macros": _("The file contains macros, which are not published. Save it without macros."),
        "markup": _("The file also contains web-page code, so it is not published. Save or scan it again."),
        "missing": _("Choose a file."),
    }


def _download(attachment):
    response = send_file(attachments.path_of(current_app.config["UPLOAD_DIR"], attachment),
                         mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.original_name, max_age=0, conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _attachment_or_404(token):
    attachment = attachments.find(token) if _TOKEN.match(token) else None
    if attachment is None or not attachments.path_of(current_app.config["UPLOAD_DIR"], attachment).is_file():
        abort(404)
    return attachment


@bp.get("/attachments/<token>")
def download(token):
    """Public, but only a file a live page names: a file uploaded for a draft is not published yet."""
    attachment = _attachment_or_404(token)
    if not attachments.live_references(current_catalog(), token):
        abort(404)
    return _download(attachment)


def head_references(token):
    """Draft heads (section/slug.lang) that name the attachment: deleting it would break them."""
    rows = db.session.execute(
        select(ContentDocument.section, ContentDocument.slug, ContentLanguage.lang)
        .join(ContentLanguage, ContentLanguage.document_id == ContentDocument.id)
        .join(ContentRevision, ContentRevision.id == ContentLanguage.head_revision_id)
        .where(ContentRevision.text.contains(token)))
    return [tuple(row) for row in rows]


@bp.route("/staff/attachments/", methods=["GET", "POST"])
def staff_attachments():
    form = UploadForm()
    error, status = None, 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            storage = request.files.get("file")
            if storage is None or not storage.filename:
                error = _messages()["missing"]
            else:
                try:
                    checked = attachments.check_file(storage)
                except attachments.AttachmentRefused as refused:
                    checked, error = None, _messages()[refused.reason]
                finally:
                    storage.close()  # a large upload is spooled to a temporary file
                if checked is not None:
                    attachment = attachments.save(current_app.config["UPLOAD_DIR"], checked, current_user.id, now())
                    db.session.add(AuditEvent(actor=f"user:{current_user.id}", action="attachment-uploaded",
                                              after={"attachment": attachment.token}))
                    db.session.commit()
                    return saved(_("Uploaded. Put its id in the page's attachments field: %(token)s",
                                   token=attachment.token), url_for("columns.staff_attachments"))
        else:
            error = _("The form had expired. Please choose the file again.")
    rows = db.session.scalars(select(attachments.PublicAttachment)
                              .order_by(attachments.PublicAttachment.id.desc())).all()
    catalog = current_catalog()
    listed = [{"attachment": a, "size": attachments.human_size(a.size, g.lang),
               "live": attachments.live_references(catalog, a.token)} for a in rows]
    return private(render_template("columns/staff_attachments.html", form=form, delete_form=DeleteForm(formdata=None),
                                   rows=listed, error=error)), status


@bp.get("/staff/attachments/<token>")
def staff_download(token):
    return private(_download(_attachment_or_404(token)))


@bp.post("/staff/attachments/<token>/delete")
def delete_attachment(token):
    attachment = _attachment_or_404(token)
    form = DeleteForm()
    if not form.validate_on_submit():
        abort(400)
    used = [f"{s}/{slug} ({lang})" for s, slug, lang in attachments.live_references(current_catalog(), token)]
    used += [f"{s}/{slug} ({lang})" for s, slug, lang in head_references(token) if f"{s}/{slug} ({lang})" not in used]
    if used:
        return private(render_template("columns/attachment_in_use.html", attachment=attachment, used=used)), 409
    path = attachments.path_of(current_app.config["UPLOAD_DIR"], attachment)
    db.session.delete(attachment)
    db.session.add(AuditEvent(actor=f"user:{current_user.id}", action="attachment-deleted",
                              after={"attachment": token, "name": attachment.original_name}))
    db.session.commit()
    path.unlink(missing_ok=True)
    return saved(_("Deleted."), url_for("columns.staff_attachments"))
