"""A readable comparison of two texts: lines first, then, inside a changed block, characters for
Chinese and words for English. Pure (difflib), rendered as <ins>/<del> with text labels a screen
reader announces, since colour and strike-through alone say nothing to one."""

import difflib
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

_WORDS = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class Segment:
    op: str    # same, added, removed
    text: str


def _tokens(text, lang):
    return list(text) if lang == "zh" else _WORDS.findall(text)


def segments(old, new, lang):
    """The changes from `old` to `new` as a list of Segments, in reading order."""
    result = []
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    lines = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, a1, a2, b1, b2 in lines.get_opcodes():
        before, after = "".join(old_lines[a1:a2]), "".join(new_lines[b1:b2])
        if op == "equal":
            result.append(Segment("same", before))
            continue
        if op != "replace":
            result.append(Segment("removed" if before else "added", before or after))
            continue
        old_tokens, new_tokens = _tokens(before, lang), _tokens(after, lang)
        inner = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
        for iop, i1, i2, j1, j2 in inner.get_opcodes():
            if iop == "equal":
                result.append(Segment("same", "".join(old_tokens[i1:i2])))
                continue
            if i2 > i1:
                result.append(Segment("removed", "".join(old_tokens[i1:i2])))
            if j2 > j1:
                result.append(Segment("added", "".join(new_tokens[j1:j2])))
    return _merge(result)


def _merge(parts):
    merged = []
    for part in parts:
        if merged and merged[-1].op == part.op:
            merged[-1] = Segment(part.op, merged[-1].text + part.text)
        elif part.text:
            merged.append(part)
    return merged


def changed(old, new):
    return old != new


def render(parts, labels, context_lines=3):
    """HTML for the comparison; long unchanged stretches are cut to a few lines around changes.
    `labels` gives the visually hidden words: {"added": …, "removed": …, "end": …}."""
    out = []
    for number, part in enumerate(parts):
        text = part.text
        if part.op == "same":
            lines = text.split("\n")
            if len(lines) > 2 * context_lines + 1:
                head = "\n".join(lines[:context_lines]) if number else ""
                tail = "\n".join(lines[-context_lines:]) if number < len(parts) - 1 else ""
                text = f"{head}\n…\n{tail}" if head or tail else "…"
            out.append(escape(text))
        else:
            tag = "ins" if part.op == "added" else "del"
            out.append(Markup('<{0}><span class="visually-hidden">[{1}] </span>{2}'
                              '<span class="visually-hidden"> [{3}]</span></{0}>').format(
                tag, labels[part.op], text, labels["end"]))
    return Markup("").join(out)
