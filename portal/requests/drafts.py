"""Check your answers, then send: what waits between the form and the "Send" button.

The answers themselves travel in the check page's hidden fields and are validated again when sent;
only what cannot travel there waits on the server, in a draft folder under a random token
(UPLOAD_DIR/drafts/<token>/, shared storage like the uploads): the documents, already checked by
their bytes, and the routing decision the page named, so the institution the requester agreed to is
the one that receives the request. Without documents there is no draft: "Send" routes again and
goes ahead only if that names the institution the page named (a hidden field, compared, never
obeyed). A draft is bound
to its form's token, removed when the request is saved, and removed after DRAFT_HOURS if it never
is (`discard_expired`, a task of the worker loop). Nothing of it is in the database: a draft that is
never sent leaves nothing behind.
"""

import json
import os
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from portal.institutions.routing import Assignment
from portal.requests.uploads import MAX_FILES, CheckedUpload, UploadRefused
from portal.validators import is_token

DRAFT_HOURS = 24
MANIFEST = "manifest.json"


@dataclass
class Draft:
    token: str
    folder: Path
    manifest: dict

    @property
    def files(self):
        """[(original name, content type, size)] of the documents waiting."""
        return [(f["name"], f["type"], f["size"]) for f in self.manifest["files"]]

    @property
    def decision(self):
        found = self.manifest.get("decision")
        return Assignment(found["institution"], found["rule"], found["reason"]) if found else None


def _root(upload_dir):
    return Path(upload_dir) / "drafts"


def _write_manifest(draft):
    partial = draft.folder / (MANIFEST + ".partial")
    partial.write_text(json.dumps(draft.manifest, ensure_ascii=False), encoding="utf-8")
    partial.replace(draft.folder / MANIFEST)  # a reader never sees half a manifest


def create(upload_dir, *, form_token, request_type):
    """A new, empty draft for the form `form_token`; on a full or read-only store, OSError and
    nothing left behind."""
    token = secrets.token_urlsafe(24)
    folder = _root(upload_dir) / token
    try:
        folder.mkdir(parents=True)
    except FileNotFoundError:  # another process removed the empty drafts folder just then
        folder.mkdir(parents=True)
    draft = Draft(token, folder, {"form_token": form_token, "request_type": request_type, "files": [],
                                  "decision": None, "created": time.time()})
    try:
        _write_manifest(draft)
    except OSError:
        discard(draft)
        raise
    return draft


def load(upload_dir, token, *, form_token, request_type):
    """The draft `token` if it exists, has not expired and belongs to this form; else None."""
    if not is_token(token or ""):
        return None
    folder = _root(upload_dir) / token
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("form_token") != form_token or manifest.get("request_type") != request_type:
        return None
    if time.time() - manifest.get("created", 0) > DRAFT_HOURS * 3600:
        return None
    return Draft(token, folder, manifest)


def add_uploads(draft, uploads):
    """Keep these checked documents with the draft; UploadRefused("too-many") past MAX_FILES in all."""
    if len(draft.manifest["files"]) + len(uploads) > MAX_FILES:
        raise UploadRefused("too-many")
    kept, added = list(draft.manifest["files"]), []
    try:
        for upload in uploads:
            stored = secrets.token_hex(16)
            added.append(stored)
            with open(draft.folder / stored, "xb") as handle:  # x: never overwrite
                handle.write(upload.data)
                handle.flush()
                os.fsync(handle.fileno())  # a full disk shows here, not when the request is sent
            draft.manifest["files"].append({"stored": stored, "name": upload.original_name,
                                            "type": upload.content_type, "size": len(upload.data)})
        _write_manifest(draft)
    except OSError:  # a full or read-only store: this call's files go, the draft stays as it was
        for stored in added:
            (draft.folder / stored).unlink(missing_ok=True)
        draft.manifest["files"] = kept
        raise


def remove_files(draft):
    for item in draft.manifest["files"]:
        (draft.folder / item["stored"]).unlink(missing_ok=True)
    draft.manifest["files"] = []
    _write_manifest(draft)


def uploads(draft):
    """The documents as CheckedUpload again (checked when they were added), or None when one has gone."""
    found = []
    for item in draft.manifest["files"]:
        try:
            data = (draft.folder / item["stored"]).read_bytes()
        except OSError:
            return None
        found.append(CheckedUpload(item["name"], item["type"], data))
    return found


def set_decision(draft, decision):
    draft.manifest["decision"] = None if decision is None else {
        "institution": decision.institution_id, "rule": decision.rule_id, "reason": decision.reason}
    _write_manifest(draft)


def discard(draft):
    """Remove the draft, and the drafts folder if it is then empty (a store left as it was found)."""
    shutil.rmtree(draft.folder, ignore_errors=True)
    try:
        draft.folder.parent.rmdir()
    except OSError:
        pass  # other drafts wait there


def discard_expired(upload_dir, now=None):
    """Remove the drafts older than DRAFT_HOURS (never sent); returns how many."""
    now = now or time.time()
    root = _root(upload_dir)
    if not root.is_dir():
        return 0
    removed = 0
    for folder in root.iterdir():
        try:
            created = json.loads((folder / MANIFEST).read_text(encoding="utf-8")).get("created", 0)
        except (OSError, ValueError):
            created = folder.stat().st_mtime  # a draft whose manifest was never written
        if now - created > DRAFT_HOURS * 3600:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed
