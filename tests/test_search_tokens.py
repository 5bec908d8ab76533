"""The fast analysis (portal.search.analysis) against a plain reference written the obvious way:
not one token may differ (text, position, start and end character, stopped or not), over the real
content and varied synthetic text. The reference is the analysis as it was before it was made
fast: jieba.cut, then per-word checks, then Whoosh's own filters. And the index our schema and
build write holds what Whoosh's plain TEXT fields on the reference analyzer hold."""

import random
import re
from pathlib import Path

import jieba
import pytest
from whoosh import index as whoosh_index
from whoosh.analysis import Filter, LowercaseFilter, StopFilter, Token, Tokenizer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import TEXT, Schema
from whoosh.lang import stemmer_for_language

from portal.search import analysis
from portal.search import schema as S
from portal.search.analysis import ANALYZER, STOP_WORDS, fold_width, segment
from portal.search.indexer import build_index, document

CONTENT = Path(__file__).resolve().parent.parent / "content"

_WORD = re.compile(r"\w", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_RUN = re.compile(r"[A-Za-z0-9]+")


def reference_subwords(word, shortest=2):
    for offset in range(len(word) - shortest + 1):
        for size in range(min(6, len(word) - offset), shortest - 1, -1):
            piece = word[offset:offset + size]
            if size < len(word) and jieba.dt.FREQ.get(piece):
                yield piece, offset


def reference_crossing(run, run_start, inside):
    if len(run) < 4:
        return
    for piece, offset in reference_subwords(run, 4):
        if (run_start + offset, len(piece)) not in inside:
            yield piece, run_start + offset, run_start + offset + len(piece)


def reference_segment(text):
    text = fold_width(text)
    position = 0
    run, run_start, inside = "", 0, set()
    for word in jieba.cut(text, HMM=False):
        start, position = position, position + len(word)
        chinese = bool(_CJK.search(word))
        if chinese and word.isalpha():
            if not run:
                run_start = start
            run += word
        else:
            yield from reference_crossing(run, run_start, inside)
            run, inside = "", set()
        if not _WORD.search(word):
            continue
        yield word, start, position
        if chinese:
            if len(word) > 2:
                for piece, offset in reference_subwords(word):
                    inside.add((start + offset, len(piece)))
                    yield piece, start + offset, start + offset + len(piece)
            inside.add((start, len(word)))
            for latin in _LATIN_RUN.finditer(word):
                if latin.group() != word:
                    yield latin.group(), start + latin.start(), start + latin.end()
    yield from reference_crossing(run, run_start, inside)


class ReferenceTokenizer(Tokenizer):
    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for number, (word, start, end) in enumerate(reference_segment(value)):
            token.original = token.text = word
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + number
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


class ReferenceStemFilter(Filter):
    is_morph = True
    stem = staticmethod(stemmer_for_language("en"))

    def __call__(self, tokens):
        for token in tokens:
            if token.text.isascii() and token.text.isalpha():
                token.text = self.stem(token.text)
            yield token


REFERENCE = ReferenceTokenizer() | LowercaseFilter() | StopFilter(stoplist=STOP_WORDS, minsize=1) \
    | ReferenceStemFilter()


def content_texts():
    return [path.read_text(encoding="utf-8") for path in sorted(CONTENT.rglob("*")) if path.is_file()]


PIECES = [
    "专利", "质押融资", "商标注册", "软件著作权登记", "地理标志产品保护", "337调查", "PCT申请", "美国337调查",
    "ＷＩＰＯ", "ＰＣＴ", "３３７", "　", "，", "。", "！", "？", "、", "；", "：", "“", "”", "（", "）", "《", "》",
    "Registering trademarks", "Geographical Indications", "the", "of", "A", "I", "x", "3D打印", "T恤", "A股",
    "iPhone", "e-mail", "C++", "C#", "a.b", "50%", "2026年11月26日", "No.1", "café", "naïve", "Ⅲ", "①", "²",
    "㐀㐁", "龥", "鿕", "鿖鿿", "豈", "ア", "한국", "α", " ", "  ", "\n", "\r\n", "\t", "-", "_", "+", "#", "&",
    "的", "了", "和", "是", "我们", "怎么", "如何", "中华人民共和国", "知识产权", "维权援助中心", "衡水市",
    "马德里国际注册", "海关备案", "展会维权", "行政裁决", "专利导航", "商标续展", "abc123", "ABC", "ａｂｃ",
    "😀", "𝔘𝔫𝔦", "\x00", "\u200b", "ß", "İ", "ﬁ",
]


def synthetic_texts(count=400, seed=337):
    rng = random.Random(seed)
    words = [w for w, f in jieba.dt.FREQ.items() if f and len(w) <= 5]
    words = rng.sample(words, 3000)
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 60)):
            roll = rng.random()
            if roll < 0.45:
                parts.append(rng.choice(words))
            elif roll < 0.8:
                parts.append(rng.choice(PIECES))
            else:  # single characters of any kind
                parts.append(chr(rng.choice((rng.randint(0x20, 0x7e), rng.randint(0x4e00, 0x9fff),
                                             rng.randint(0xff01, 0xff5e), rng.randint(0x3000, 0x303f)))))
        texts.append("".join(parts))
    return texts


EDGES = ["", " ", "的的的", "专利" * 500, "软件著作权登记㐀软件著作权登记", "鿖知识产权保护鿖质押融资服务",
         "PCT申请337调查软件著作权登记"]  # runs across jieba's blocks: 㐀 and 鿖 are outside them
TEXTS = content_texts() + synthetic_texts() + PIECES + EDGES


def stream(analyzer, text, **kwargs):
    return [(t.text, t.pos, t.startchar, t.endchar, t.stopped, t.boost, t.original)
            for t in analyzer(text, positions=True, chars=True, **kwargs)]


def test_the_texts_cover_what_matters():
    assert len(content_texts()) > 50
    joined = "".join(TEXTS)
    for needed in ("337调查", "PCT", "ＷＩＰＯ", "㐀", "软件著作权登记", "\r\n"):
        assert needed in joined


def test_segment_is_the_reference():
    for text in TEXTS:
        assert list(segment(text)) == list(reference_segment(text)), text[:80]


@pytest.mark.parametrize("kwargs", [
    {}, {"mode": "index"}, {"mode": "query"}, {"removestops": False}, {"start_pos": 7, "start_char": 11},
])
def test_analyzer_stream_is_the_reference(kwargs):
    for text in TEXTS:
        assert stream(ANALYZER, text, **kwargs) == stream(REFERENCE, text, **kwargs), text[:80]


def test_without_positions_and_chars_the_terms_are_the_reference():
    for text in TEXTS:
        assert [t.text for t in ANALYZER(text)] == [t.text for t in REFERENCE(text)]
        assert [t.text for t in ANALYZER(text, no_morph=True)] == [t.text for t in REFERENCE(text, no_morph=True)]


def test_the_same_after_the_caches_are_warm_and_after_they_are_cleared():
    analysis.clear_caches()
    cold = [list(segment(text)) for text in TEXTS[:200]]
    warm = [list(segment(text)) for text in TEXTS[:200]]
    assert cold == warm == [list(reference_segment(text)) for text in TEXTS[:200]]


def reference_schema():
    """The schema written the plain way: Whoosh's own TEXT fields on the reference analyzer."""
    fields = dict(S.build_schema().items())
    for name in (S.CONTENT, S.TITLE_TERMS):
        fields[name] = TEXT(analyzer=REFERENCE, phrase=False)
    return Schema(**fields)


def test_field_values_are_the_reference():
    ours, plain = S.build_schema(), reference_schema()
    for text in TEXTS:
        for name in (S.CONTENT, S.TITLE_TERMS):
            assert sorted(ours[name].index(text)) == sorted(plain[name].index(text)), text[:80]


def index_contents(folder):
    """Every term's postings, every field length and every stored field of an index."""
    with whoosh_index.open_dir(str(folder)).reader() as reader:
        postings = {}
        for field, term in reader.all_terms():
            matcher, found = reader.postings(field, term), []
            while matcher.is_active():
                found.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            info = reader.term_info(field, term)  # the field lengths show in min and max length
            postings[field, term] = found, (info.weight(), info.doc_frequency(), info.min_length(),
                                            info.max_length(), info.max_weight())
        lengths = {(field, docnum): reader.doc_field_length(docnum, field)
                   for field in reader.indexed_field_names() for docnum in reader.all_doc_ids()}
        stored = list(reader.all_stored_fields())
        term_stats = {key: (reader.doc_frequency(*key), reader.frequency(*key)) for key in postings}
    return postings, lengths, stored, term_stats


@pytest.mark.parametrize("procs", [1, 2])
def test_the_index_is_the_one_the_reference_writes(tmp_path, procs):
    rng = random.Random(18)
    texts = content_texts()[:40] + synthetic_texts(60, seed=5)
    entries = [{"doc_id": f"zh/t/{n}", "lang": "en" if n % 3 == 0 else "zh", "kind": "guide", "topics": ("patent",),
                "audience": ("enterprise",), "title": text[:rng.randint(0, 30)], "summary": text[:80], "text": text,
                "updated": "2026-11-26", "url": f"/zh/t/{n}"} for n, text in enumerate(texts)]
    build_index(entries, tmp_path / "ours", "x", procs=procs)
    plain = tmp_path / "plain"
    plain.mkdir()
    writer = whoosh_index.create_in(plain, reference_schema()).writer(codec=W3Codec(compression=0))
    for entry in entries:
        writer.add_document(**document(entry))
    writer.commit()
    ours = index_contents(tmp_path / "ours" / "current")
    codecs = {type(segment.codec()) for segment in whoosh_index.open_dir(tmp_path / "ours" / "current")._segments()}
    assert codecs == {W3Codec}  # what reads the index: Whoosh's own
    assert (S.CONTENT, "专利".encode()) in ours[0] and (S.TITLE_TERMS, "专利".encode()) in ours[0]
    assert ours == index_contents(plain)


def test_the_latin_characters_are_those_of_jieba():
    matched = {chr(code) for code in range(0x110000) if jieba.re_eng.match(chr(code))}
    assert matched == analysis._LATIN_CHARACTERS
