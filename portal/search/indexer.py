"""`flask search build`: the content catalog into a new Whoosh index folder, switched in atomically.

Each build goes to search_index/build-<content build>-<time>/; when it is complete, the
symlink search_index/current is replaced in one rename, so a worker opens either the old
build or the new one, never a half-written one. The previous build is kept for a rollback.
"""

import hashlib
import json
import os
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter, W3Segment
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError

from portal.search import schema as S
from portal.search.analysis import USER_DICT, use_full_dictionary
from portal.search.snippets import split_sentences

CURRENT = "current"
INFO_FILE = "build.json"
PAGES_FILE = "pages.json"  # doc id -> fingerprint of what was indexed, for incremental updates
KEEP_BUILDS = 2


def analysis_version():
    """Changes when the analysis does, so a new dictionary or tokenizer marks the index stale."""
    digest = hashlib.sha256()
    for path in (USER_DICT, Path(__file__).with_name("analysis.py"), Path(__file__).with_name("schema.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def document(entry):
    """The fields of one index document from a plain mapping (page data plus its URL)."""
    return {
        S.DOC_ID: entry["doc_id"], S.LANG: entry["lang"], S.KIND: entry["kind"],
        S.TOPICS: ",".join(entry["topics"]), S.AUDIENCE: ",".join(entry["audience"]),
        S.CONTENT: "\n".join((entry["title"], entry["summary"], entry["text"])),
        S.TITLE_TERMS: entry["title"],
        S.SPELLING: " ".join((entry["title"], entry["summary"], entry["text"])) if entry["lang"] == "en" else "",
        S.TITLE: entry["title"], S.SUMMARY: entry["summary"], S.URL: entry["url"], S.UPDATED: entry["updated"],
        S.SENTENCES: "\n".join(split_sentences(entry["text"])),
    }


# What was fingerprinted in the last build or update of this process: the entry's keys and values
# -> its fingerprint. The worker loop re-indexes after every publish and hands in every page again;
# hashing each page's text and fields again cost ~0.15-0.2 s at 10,000 pages, a lookup by the same
# objects costs next to nothing (Python keeps a string's hash, and equality starts with identity).
_fingerprints = {}


def _fingerprint_key(entry):
    try:
        key = (tuple(entry), tuple(entry.values()))
        hash(key)
    except TypeError:  # a list among the values: computed every time
        return None
    return key


def fingerprint(entry, seen=None):
    """Changes when anything the index holds of a page changes. `seen` collects what was computed,
    for _remember."""
    key = _fingerprint_key(entry)
    print_ = _fingerprints.get(key) if key is not None else None
    if print_ is None:  # the same digest as builds before this cache made, so their pages.json stays valid
        digest = hashlib.sha256(hashlib.sha256(entry["text"].encode()).hexdigest().encode())
        for name in sorted(entry):
            if name != "text":
                value = entry[name]
                digest.update(name.encode() + b"\0" + (",".join(value) if isinstance(value, tuple | list)
                                                        else str(value)).encode() + b"\0")
        print_ = digest.hexdigest()[:16]
    if seen is not None and key is not None:
        seen[key] = print_
    return print_


def _remember(seen):
    global _fingerprints  # noqa: PLW0603 (one cache per process, replaced whole)
    _fingerprints = seen


def write_json(path, data):
    """Whole or not at all: a reader never sees half a file."""
    temporary = Path(path).with_name(f".{Path(path).name}-{os.getpid()}")
    temporary.write_text(json.dumps(data), encoding="utf-8")
    os.replace(temporary, path)


def read_info(build_dir):
    try:
        return json.loads((Path(build_dir) / INFO_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def current_build(index_root):
    """(build folder, its info) of the build in service, or (None, None)."""
    link = Path(index_root) / CURRENT
    try:
        target = Path(index_root) / os.readlink(link)
    except OSError:
        return None, None
    return target, read_info(target)


def is_stale(index_root, content_build):
    _folder, info = current_build(index_root)
    return not info or info.get("content_build") != content_build or info.get("analysis") != analysis_version()


class _FieldLengths:
    """A per-document reader's doc_field_length with each field's lengths read once into a list:
    writing the postings, Whoosh asks for the length of every posting's document, each time
    through the column reader and the file (a tenth of a build at 10,000 pages)."""

    def __init__(self, lengths):
        self._lengths = lengths
        self._fields = {}

    def doc_field_length(self, docnum, fieldname, default=0):
        column = self._fields.get(fieldname)
        if column is None:
            lengths = self._lengths
            column = self._fields[fieldname] = [lengths.doc_field_length(number, fieldname, default)
                                                for number in range(lengths.doc_count_all())]
        return column[docnum]


class _BuildFieldWriter(W3FieldWriter):
    def add_postings(self, schema, lengths, items):
        super().add_postings(schema, lengths and _FieldLengths(lengths), items)


class BuildCodec(W3Codec):
    """W3Codec, the same files, with the field lengths looked up from lists as the postings are
    written (see _FieldLengths). Its segments name Whoosh's own W3Codec (with these settings),
    which the index is read with: the index does not depend on this class."""

    def field_writer(self, storage, segment):
        return _BuildFieldWriter(self, storage, segment)

    def new_segment(self, storage, indexname):
        return W3Segment(W3Codec(self._blocklimit, self._compression, self._inlinelimit), indexname)


def build_index(entries, index_root, content_build, procs=1, limitmb=1024, generation=0):
    """Write every entry into a new build folder, then switch `current` to it. Returns its info.

    limitmb is the posting pool per writing process: below what the corpus needs, Whoosh spills
    sorted runs to disk and merges them, which cost a sixth of the build time at 10,000 pages."""
    use_full_dictionary()  # millions of lookups: jieba's dict, not the mapped file
    index_root = Path(index_root)
    index_root.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    name = f"build-{content_build}-{datetime.now(UTC):%Y%m%dT%H%M%S%f}"
    folder = index_root / name
    folder.mkdir()
    ix = whoosh_index.create_in(folder, S.build_schema())
    # Blocks uncompressed: zlib on a small block per rare term was a large share of build time.
    # (A higher inlinelimit would be faster still, but Whoosh-Reloaded 2.7.5's inline path calls
    # a method that does not exist: W3TermInfo.set_inline.)
    codec = BuildCodec(compression=0)
    writer = ix.writer(procs=procs, limitmb=limitmb, multisegment=procs > 1, codec=codec)
    count = 0
    pages, digests = {}, {}
    for entry in entries:
        writer.add_document(**document(entry))
        pages[entry["doc_id"]] = fingerprint(entry, digests)
        count += 1
    writer.commit()
    _remember(digests)
    info = {"build": name, "content_build": content_build, "analysis": analysis_version(), "documents": count,
            "seconds": round(time.perf_counter() - started, 3), "built_at": datetime.now(UTC).isoformat(),
            "content_generation": generation}
    write_json(folder / PAGES_FILE, pages)
    write_json(folder / INFO_FILE, info)
    switch_to(index_root, name)
    remove_old_builds(index_root, keep={name})
    return info


def switch_to(index_root, name):
    """Point `current` at the named build with one atomic rename of a fresh symlink."""
    temporary = Path(index_root) / f".{CURRENT}-{os.getpid()}"
    if temporary.is_symlink():
        temporary.unlink()
    os.symlink(name, temporary)
    os.replace(temporary, Path(index_root) / CURRENT)


def remove_old_builds(index_root, keep):
    builds = sorted((p for p in Path(index_root).glob("build-*") if p.is_dir()), key=lambda p: p.stat().st_mtime)
    old = [p for p in builds if p.name not in keep]
    for folder in old[:max(0, len(old) - (KEEP_BUILDS - 1))]:
        shutil.rmtree(folder, ignore_errors=True)


# An update after a publish writes a small segment of its own and merges nothing: Whoosh's default
# policy merges on commit (small segments, and now and then the build's large one), which cost
# from 0.1 s to seconds at 10,000 pages on the path between a publish and the search showing it.
# The worker loop merges later (compact_index): the small segments once there are more than
# MAX_SMALL_SEGMENTS (well under a second), and everything, dropping the deleted old versions,
# once updates have been quiet for COMPACT_AFTER_SECONDS, if that is cheap (at most
# FULL_MERGE_DOCS documents: the shipped library has a few hundred) or the deleted versions have
# become a tenth of the build (a full merge of 10,000 documents took half a minute of CPU, which
# the loop's other work, the outbox first, should not wait for after every publish; a release's
# `flask search build` starts clean anyway). Only a long burst with no loop pass between updates
# makes an update merge its small segments itself (at 4 × MAX_SMALL_SEGMENTS), so searchers stay
# quick to open.
SMALL_SEGMENT_DOCS = 500
MAX_SMALL_SEGMENTS = 8
COMPACT_AFTER_SECONDS = 300
FULL_MERGE_DOCS = 2000
FULL_MERGE_DELETED_SHARE = 0.1


def _small(segments):
    return [segment for segment in segments if segment.doc_count_all() < SMALL_SEGMENT_DOCS]


def _merge(writer, segments):
    from whoosh.reading import SegmentReader  # noqa: PLC0415 (as Whoosh's own merge policies do)

    for segment in segments:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()


def merge_small_segments(writer, segments):
    """Whoosh merge policy: fold the small segments into the one being written (large ones stay)."""
    small = _small(segments)
    _merge(writer, small)
    return [segment for segment in segments if segment not in small]


def hot_path_merge(writer, segments):
    """Whoosh merge policy of an update: nothing, unless small segments piled up far past the loop's
    threshold."""
    return merge_small_segments(writer, segments) if len(_small(segments)) > 4 * MAX_SMALL_SEGMENTS \
        else segments


def _open_for_writing(folder):
    # Without mmap: Whoosh's mmap path copies each segment's whole term file into memory when the
    # writer opens its reader (to delete the old version of a page): ~70 ms for one large segment.
    # Read through the file instead, the few terms a delete looks up.
    return FileStorage(str(folder), supports_mmap=False).open_index()


def update_index(entries, index_root, content_build, generation):
    """Bring the build in service up to `entries` by re-indexing only the pages whose fingerprint
    changed and deleting those that are gone, in place (one writer per host: Whoosh's lock).
    Returns (changed, removed) doc ids, or None when there is no build or another writer holds it."""
    folder, info = current_build(index_root)
    if folder is None or info is None:
        return None
    try:
        indexed = json.loads((folder / PAGES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # a build from before incremental updates: `flask search build` replaces it
    seen = {}
    wanted = {entry["doc_id"]: (entry, fingerprint(entry, seen)) for entry in entries}
    _remember(seen)
    changed = [doc_id for doc_id, (_entry, print_) in wanted.items() if indexed.get(doc_id) != print_]
    removed = [doc_id for doc_id in indexed if doc_id not in wanted]
    if changed or removed:
        try:
            writer = _open_for_writing(folder).writer()
        except LockError:
            return None
        for doc_id in removed:
            writer.delete_by_term(S.DOC_ID, doc_id)
            indexed.pop(doc_id)
        for doc_id in changed:
            entry, print_ = wanted[doc_id]
            writer.update_document(**document(entry))
            indexed[doc_id] = print_
        writer.commit(mergetype=hot_path_merge)
        write_json(folder / PAGES_FILE, indexed)
        info["updated_at"] = datetime.now(UTC).isoformat()
    info.update(content_build=content_build, content_generation=generation, documents=len(indexed))
    # Rewritten last: its change is what tells the web workers to reopen their searcher.
    write_json(folder / INFO_FILE, info)
    return changed, removed


def segment_state(index_root):
    """(segments, deleted documents) of the build in service, or None without one."""
    folder, _info = current_build(index_root)
    if folder is None:
        return None
    try:
        segments = whoosh_index.open_dir(str(folder))._segments()
    except (OSError, whoosh_index.IndexError):
        return None
    return len(segments), sum(segment.deleted_count() for segment in segments)


def compact_index(index_root, quiet_seconds=COMPACT_AFTER_SECONDS, now=None):
    """The worker loop's merge, off the publish path: the small segments once there are more than
    MAX_SMALL_SEGMENTS; everything into one segment without the deleted versions once no update has
    come for `quiet_seconds` and that is worth its cost (see FULL_MERGE_DOCS). Returns what it did:
    None, "small" or "all"."""
    folder, info = current_build(index_root)
    if folder is None or info is None:
        return None
    try:
        ix = whoosh_index.open_dir(str(folder))  # with mmap: merging reads every posting
        segments = ix._segments()
    except (OSError, whoosh_index.IndexError):
        return None
    updated = info.get("updated_at")
    now = now or datetime.now(UTC)
    quiet = not updated or (now - datetime.fromisoformat(updated)).total_seconds() >= quiet_seconds
    deleted = sum(segment.deleted_count() for segment in segments)
    documents = sum(segment.doc_count_all() for segment in segments) - deleted
    worth_it = documents <= FULL_MERGE_DOCS or deleted >= FULL_MERGE_DELETED_SHARE * documents
    if quiet and worth_it and (len(segments) > 1 or deleted):
        kind = "all"
    elif len(_small(segments)) > MAX_SMALL_SEGMENTS:
        kind = "small"
    else:
        return None
    try:
        writer = ix.writer()
    except LockError:
        return None
    if kind == "all":
        writer.commit(optimize=True)
    else:
        writer.commit(mergetype=merge_small_segments)
    info["compacted_at"] = now.isoformat()
    write_json(folder / INFO_FILE, info)  # the web workers reopen their searcher
    return kind
