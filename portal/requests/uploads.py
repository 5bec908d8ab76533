"""Attachments: checked by their bytes, limited in size and count, stored outside static/ under
random names. The original file name is kept as data only (secure_filename would empty a
Chinese name), and files are only ever served as downloads to authorised staff."""

import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024
# What the first bytes must be, whatever the name says: a renamed .exe is refused.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


# The extension each checked type is saved and downloaded with: the name never decides the type.
EXTENSIONS = {"application/pdf": (".pdf",), "image/jpeg": (".jpg", ".jpeg"), "image/png": (".png",)}
# A file that is also a web page (a PNG with an HTML tail, a PDF/HTML polyglot) is refused: some
# viewer or proxy may yet treat it as HTML. Markers long enough never to occur by chance in
# compressed image or PDF data.
HTML_MARKERS = re.compile(rb"<(?:!doctype\s+html|html|head|body|script|iframe|svg|object|embed|meta|frameset)[\s/>]"
                          rb"|javascript:", re.IGNORECASE)


class UploadRefused(ValueError):
    """reason: too-many, too-large, empty, type, html; the form says it in the user's language."""

    def __init__(self, reason, name=""):
        super().__init__(reason)
        self.reason = reason
        self.name = name


@dataclass(frozen=True)
class CheckedUpload:
    original_name: str
    content_type: str
    data: bytes


def sniff(head):
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def check_uploads(files):
    """CheckedUpload for each non-empty file part, or UploadRefused for the first problem."""
    present = [f for f in files if f and f.filename]
    if len(present) > MAX_FILES:
        raise UploadRefused("too-many")
    checked = []
    for storage in present:
        data = storage.stream.read(MAX_BYTES + 1)
        name = os.path.basename(storage.filename.replace("\\", "/"))[:255]
        if len(data) > MAX_BYTES:
            raise UploadRefused("too-large", name)
        if not data:
            raise UploadRefused("empty", name)
        content_type = sniff(data[:16])
        if content_type is None:
            raise UploadRefused("type", name)
        if HTML_MARKERS.search(data):
            raise UploadRefused("html", name)
        checked.append(CheckedUpload(attachment_name(name, content_type), content_type, data))
    return checked


def attachment_name(name, content_type):
    """The name a checked file is kept and downloaded under: without format characters (Unicode
    Cf: U+202E would show "gpj.exe" as "exe.jpg") or control characters, and ending in the
    extension of the type its bytes were checked as."""
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cf", "Cc")).strip()
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    allowed = EXTENSIONS[content_type]
    if f".{extension.lower()}" in allowed and stem.strip(" ."):
        return name
    stem = (stem if dot else name).strip(" .") or "attachment"
    return stem[:250] + allowed[0]


def store(upload_dir, upload):
    """Write one file under a random name; returns that name. The caller removes it on failure."""
    folder = Path(upload_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    path = folder / stored_name
    try:
        with open(path, "xb") as handle:  # x: never overwrite
            handle.write(upload.data)
            handle.flush()
            os.fsync(handle.fileno())  # a full disk shows here, not after the request is saved
    except OSError:
        path.unlink(missing_ok=True)  # a disk that filled mid-write leaves no partial file behind
        raise
    return stored_name
