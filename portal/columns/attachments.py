"""Files published with notices and policy files (application forms, lists): checked by their
bytes, limited in size, stored outside static/ under random names, served only as downloads.

Unlike a request's documents these are public, but only once a live page names them: a file
uploaded for a draft is not reachable until the page is published, and a file a live page (or a
draft's head) names cannot be deleted. Office files are accepted in their current, zipped form
(.docx, .xlsx) without macros; the old binary formats (.doc, .xls) are refused with a message
saying to save them again as .docx, .xlsx or PDF.
"""

import hashlib
import io
import os
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import UTCDateTime, db

MAX_BYTES = 10 * 1024 * 1024
FOLDER = "public-attachments"  # under UPLOAD_DIR: outside static/, on the uploads' shared storage

# type -> (the extension it is saved and downloaded with, what the page calls it)
TYPES = {
    "application/pdf": (".pdf", "PDF"),
    "image/jpeg": (".jpg", "JPEG"),
    "image/png": (".png", "PNG"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx", "Word"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx", "Excel"),
}
WORD, EXCEL = list(TYPES)[3:]
_OLD_OFFICE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Markup that would make a viewer or proxy treat a PDF or image as a web page (a polyglot).
_MARKUP = (b"<html", b"<!doctype html", b"<script", b"<iframe", b"<svg", b"<body", b"<head", b"<meta",
           b"<object", b"<embed", b"javascript:")


class AttachmentRefused(ValueError):
    """reason: empty, too-large, type, old-office, macros, markup (the form words each one)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class PublicAttachment(db.Model):
    """One published file. `token` is its random stored name and the id pages cite."""

    __tablename__ = "public_attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))  # data only: never a path
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @property
    def extension(self):
        return TYPES[self.content_type][0]

    @property
    def type_label(self):
        return TYPES[self.content_type][1]


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    data: bytes


def _office_type(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise AttachmentRefused("macros")
    if "word/document.xml" in names:
        return WORD
    if "xl/workbook.xml" in names:
        return EXCEL
    return None


def sniff(data):
    """The type the bytes are, whatever the name says; AttachmentRefused when not one we publish."""
    if data.startswith(b"%PDF-"):
        content_type = "application/pdf"
    elif data.startswith(b"\xff\xd8\xff"):
        content_type = "image/jpeg"
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        content_type = "image/png"
    elif data.startswith(b"PK\x03\x04"):
        content_type = _office_type(data)
    elif data.startswith(_OLD_OFFICE):
        raise AttachmentRefused("old-office")
    else:
        content_type = None
    if content_type is None:
        raise AttachmentRefused("type")
    if content_type in ("application/pdf", "image/jpeg", "image/png"):
        lowered = data.lower()
        if any(marker in lowered for marker in _MARKUP):
            raise AttachmentRefused("markup")
    return content_type


def clean_name(name, content_type):
    """The name shown and downloaded: no folders, no control or direction characters (U+202E shows
    "gpj.exe" as "exe.jpg"), ending in the extension of the checked type."""
    name = os.path.basename(str(name).replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cf", "Cc")).strip()
    extension = TYPES[content_type][0]
    stem, dot, given = name.rpartition(".")
    if dot and f".{given.lower()}" in (extension, ".jpeg" if extension == ".jpg" else extension):
        name = stem
    elif not dot:
        name = name or ""
    name = name.strip(" .")[:200] or "attachment"
    return name + extension


def check_file(storage):
    """CheckedFile from an uploaded FileStorage, or AttachmentRefused."""
    data = storage.stream.read(MAX_BYTES + 1)
    if not data:
        raise AttachmentRefused("empty")
    if len(data) > MAX_BYTES:
        raise AttachmentRefused("too-large")
    content_type = sniff(data)
    return CheckedFile(clean_name(storage.filename or "", content_type), content_type, data)


def folder(upload_dir):
    return Path(upload_dir) / FOLDER


def path_of(upload_dir, attachment):
    return folder(upload_dir) / attachment.token


def save(upload_dir, checked, user_id, now, is_demo=False):
    """Write the file under a new random name and record it (the caller commits)."""
    token = secrets.token_hex(16)
    target = folder(upload_dir)
    target.mkdir(parents=True, exist_ok=True)
    path = target / token
    try:
        with open(path, "xb") as handle:  # x: never overwrite
            handle.write(checked.data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError:
        path.unlink(missing_ok=True)
        raise
    attachment = PublicAttachment(token=token, original_name=checked.name, content_type=checked.content_type,
                                  size=len(checked.data), sha256=hashlib.sha256(checked.data).hexdigest(),
                                  uploaded_by=user_id, is_demo=is_demo, created_at=now)
    db.session.add(attachment)
    return attachment


def find(token):
    return db.session.query(PublicAttachment).filter_by(token=token).one_or_none()


def live_references(catalog, token):
    """The live pages (section, slug, lang) that name this attachment."""
    return [(page.section, page.slug, page.lang) for page in catalog if token in page.attachments]


def human_size(size, lang):
    """'1.2 MB' / '35 KB': how big a download is, before the reader starts it."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"
