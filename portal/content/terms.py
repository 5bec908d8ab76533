"""Words to avoid (portal/content/terms.yaml): found in a page's title, summary and text.

Pure: the list is data, `find_terms` takes a page's texts and returns what it found, so the editor,
the review, `flask content check` and the site-health dashboard all report the same findings.
Chinese is matched as written (no word boundaries in Chinese text); English as whole words, any
case. A term right after one of its `except_after` words ("原", "former") names the old body on
purpose and is not reported.
"""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from portal.vocab import LANGUAGES

TERMS_FILE = Path(__file__).with_name("terms.yaml")
LEVELS = ("serious", "advisory")
KEYS = {"term", "lang", "level", "instead", "why"}
OPTIONAL_KEYS = {"except_after"}


class TermListError(ValueError):
    """terms.yaml is malformed; the message names the entry."""


@dataclass(frozen=True)
class Term:
    term: str
    lang: str
    level: str
    instead: str
    why: str
    except_after: tuple = ()

    @property
    def pattern(self):
        text = re.escape(self.term)
        if self.lang == "en":
            return re.compile(rf"(?<![A-Za-z0-9]){text}(?![A-Za-z0-9])", re.IGNORECASE)
        return re.compile(text)


@dataclass(frozen=True)
class Finding:
    term: Term
    where: str    # title, summary or text
    excerpt: str  # a few characters around it, for the editor

    @property
    def serious(self):
        return self.term.level == "serious"


def parse_terms(entries, name="terms.yaml"):
    if not isinstance(entries, list):
        raise TermListError(f"{name}: must be a list of entries")
    terms = []
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not KEYS <= set(entry) or set(entry) - KEYS - OPTIONAL_KEYS:
            raise TermListError(f"{name}: entry {number} must have {', '.join(sorted(KEYS))} "
                                f"(and may have except_after)")
        if entry["lang"] not in LANGUAGES or entry["level"] not in LEVELS:
            raise TermListError(f"{name}: entry {number} ({entry['term']!r}): lang must be one of {LANGUAGES}, "
                                f"level one of {LEVELS}")
        if not all(isinstance(entry[key], str) and entry[key].strip() for key in KEYS):
            raise TermListError(f"{name}: entry {number}: every field must be non-empty text")
        after = entry.get("except_after", [])
        if not isinstance(after, list) or not all(isinstance(word, str) and word for word in after):
            raise TermListError(f"{name}: entry {number}: except_after must be a list of words")
        terms.append(Term(entry["term"].strip(), entry["lang"], entry["level"], entry["instead"].strip(),
                          entry["why"].strip(), tuple(after)))
    return tuple(terms)


@cache
def load_terms(path=TERMS_FILE):
    try:
        entries = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise TermListError(f"{path}: {error}") from error
    return parse_terms(entries, str(path))


def _excused(text, start, term):
    before = text[max(0, start - 20):start]
    return any(before.rstrip().lower().endswith(word.lower()) if term.lang == "en" else before.endswith(word)
               for word in term.except_after)


def find_terms(lang, texts, terms=None):
    """Findings in `texts` ({"title": …, "summary": …, "text": …}) of a page in `lang`, serious first."""
    terms = load_terms() if terms is None else terms
    findings = []
    for term in terms:
        if term.lang != lang:
            continue
        for where, text in texts.items():
            for match in term.pattern.finditer(text or ""):
                if _excused(text, match.start(), term):
                    continue
                start, end = max(0, match.start() - 12), min(len(text), match.end() + 12)
                findings.append(Finding(term, where, text[start:end].replace("\n", " ").strip()))
                break  # once per term and place is enough to act on
    return sorted(findings, key=lambda finding: LEVELS.index(finding.term.level))


def page_findings(page, terms=None):
    """Findings on a catalog Page (title, summary and the body's plain text)."""
    return find_terms(page.lang, {"title": page.title, "summary": page.summary, "text": page.text}, terms)
