"""jieba's word frequencies as one read-only file mapped into memory, for the web server.

jieba keeps its dictionary as a dict of ~500,000 Python strings and ints: 54 MB in every process
that loads it. gunicorn's preloaded master shares those pages with its workers, but each worker
still copies the pages it touches (every lookup writes the reference count of the int it returns),
and the master's copy counts as well. A web worker only cuts queries of a few words, so it can
afford a slower lookup (cutting all of content/ takes 1.5 s instead of 0.7 s; a query 0.14 ms
instead of 0.07): an open-addressing hash table in a file, mapped read-only. Its pages are the
kernel's page cache, shared by every process on the host, and only those that queries touch are
ever read in. Index builds cut millions of words and switch to jieba's own dict first
(`analysis.use_full_dictionary()`).

The file (in the machine's byte order, which its name records): MAGIC, then u64 total, u32 slot
count (a power of two), u32 word count; then `slots` u32 (0 = empty, else 1 + the word's
number), `words + 1` u32 byte offsets of each word in the text, `words` u32 frequencies, and the
words' UTF-8 text. A word's slot is found from the CRC-32 of its UTF-8, then the next slots in turn.
"""

import hashlib
import mmap
import os
import struct
import sys
import tempfile
import zlib
from array import array
from pathlib import Path

MAGIC = b"PORTAL-JIEBA-FREQ-1\n"
_HEADER = struct.Struct("=QII")  # native order, as array and memoryview.cast read it


class DictionaryFileError(ValueError):
    """The file is not a whole dictionary of this format (truncated, replaced, another version)."""


class MappedFrequencies:
    """A read-only mapping word -> frequency over a dictionary file: what jieba asks of its FREQ
    (`in`, `[]`, `.get`), plus `total`."""

    def __init__(self, path):
        with open(path, "rb") as handle:
            try:
                self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
            except ValueError as error:  # an empty file
                raise DictionaryFileError(f"{path}: {error}") from error
        try:
            self._open()
        except DictionaryFileError as error:
            self._map.close()
            raise DictionaryFileError(f"{path}: {error}") from error

    def _open(self):
        # Every size is checked before any view is made (a view keeps the map from being closed).
        mapped = self._map
        if len(mapped) < len(MAGIC) + _HEADER.size or mapped[:len(MAGIC)] != MAGIC:
            raise DictionaryFileError("not a dictionary file")
        self.total, slots, words = _HEADER.unpack_from(mapped, len(MAGIC))
        if slots & (slots - 1) or slots <= words:
            raise DictionaryFileError("bad slot count")
        start = len(MAGIC) + _HEADER.size
        ends = (start + 4 * slots, start + 4 * (slots + words + 1), start + 4 * (slots + 2 * words + 1))
        if len(mapped) < ends[2] or struct.unpack_from("=I", mapped, ends[1] - 4)[0] != len(mapped) - ends[2]:
            raise DictionaryFileError("truncated")
        view = memoryview(mapped)
        self._slots = view[start:ends[0]].cast("I")
        self._offsets = view[ends[0]:ends[1]].cast("I")
        self._frequencies = view[ends[1]:ends[2]].cast("I")
        self._text = view[ends[2]:]
        self._mask = slots - 1
        self._words = words

    def _find(self, word):
        """The word's number, or -1."""
        try:
            key = word.encode("utf-8")
        except (AttributeError, UnicodeEncodeError):
            return -1
        slot = zlib.crc32(key) & self._mask
        slots, offsets, text = self._slots, self._offsets, self._text
        while True:
            entry = slots[slot]
            if not entry:
                return -1
            number = entry - 1
            if text[offsets[number]:offsets[number + 1]] == key:
                return number
            slot = (slot + 1) & self._mask

    def __contains__(self, word):
        return self._find(word) >= 0

    def __getitem__(self, word):
        number = self._find(word)
        if number < 0:
            raise KeyError(word)
        return self._frequencies[number]

    def get(self, word, default=None):
        number = self._find(word)
        return default if number < 0 else self._frequencies[number]

    def __len__(self):
        return self._words

    def items(self):
        for number in range(self._words):
            word = bytes(self._text[self._offsets[number]:self._offsets[number + 1]]).decode("utf-8")
            yield word, self._frequencies[number]


def write(path, frequencies, total):
    """Write `frequencies` ({word: int}) and `total` as a dictionary file, whole or not at all
    (several processes may start at once and each write it)."""
    words = list(frequencies)
    slots = 1 << max(4, (2 * len(words)).bit_length())  # load factor below a half: short probes
    table = array("I", bytes(4 * slots))
    offsets, text = array("I", [0]), bytearray()
    counts = array("I")
    for number, word in enumerate(words):
        key = word.encode("utf-8")
        slot = zlib.crc32(key) & (slots - 1)
        while table[slot]:
            slot = (slot + 1) & (slots - 1)
        table[slot] = number + 1
        text += key
        offsets.append(len(text))
        counts.append(frequencies[word])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(MAGIC + _HEADER.pack(total, slots, len(words)))
            for part in (table, offsets, counts):
                out.write(part.tobytes())
            out.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def file_name(*sources):
    """A name that changes whenever any source (bytes) changes, so a stale file is never read."""
    digest = hashlib.sha256(MAGIC + sys.byteorder.encode())
    for source in sources:
        digest.update(hashlib.sha256(source).digest())
    return f"portal-jieba-{digest.hexdigest()[:16]}.freq"


def _import_jieba():
    """jieba 0.42 imports pkg_resources (5 MB more in every process, and a scan of every installed
    package at start) only to open its own files. Blocked while jieba is imported (None in
    sys.modules makes the import fail, which jieba handles), it opens them directly."""
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None
    try:
        import jieba
    finally:
        if blocked:
            del sys.modules["pkg_resources"]
    return jieba


jieba = _import_jieba()


def _file_for(user_dict):
    """The dictionary file for this jieba and this user dictionary, in PORTAL_DICTIONARY_DIR or the
    temporary folder (where jieba keeps its own cache)."""
    default = Path(jieba.__file__).with_name("dict.txt")
    stat = default.stat()
    name = file_name(jieba.__version__.encode(), f"{stat.st_size}:{stat.st_mtime_ns}".encode(),
                     Path(user_dict).read_bytes())
    return Path(os.environ.get("PORTAL_DICTIONARY_DIR") or tempfile.gettempdir()) / name


def load_full(user_dict):
    """jieba's own dictionary (a dict: the fastest lookups, for index builds) plus `user_dict`."""
    jieba.dt.initialized = False
    jieba.initialize()
    with open(user_dict, "rb") as words:  # jieba leaves a path's file open
        jieba.load_userdict(words)


def load(user_dict):
    """Give jieba the mapped dictionary file, writing it first when there is none yet (then this
    process keeps the full dictionary it had to load to write it). Returns True if mapped."""
    path = _file_for(user_dict)
    try:
        mapped = MappedFrequencies(path)
    except (OSError, DictionaryFileError):
        load_full(user_dict)
        try:
            write(path, jieba.dt.FREQ, jieba.dt.total)
        except OSError:  # a read-only temporary folder: every process keeps the full dictionary
            pass
        return False
    jieba.dt.FREQ, jieba.dt.total, jieba.dt.initialized = mapped, mapped.total, True
    return True


def use_full(user_dict):
    """Back to jieba's dict before cutting many texts (an index build), where the mapped file's
    slower lookups would double the time spent in jieba."""
    if isinstance(jieba.dt.FREQ, MappedFrequencies):
        load_full(user_dict)
