"""`flask content check`: everything that would make a published page wrong or broken.

Beyond what the loader refuses (schema, dates), it checks what needs the whole set: each
page in both languages, both languages agreeing, guides complete, and every internal link
and in-page anchor pointing somewhere real.
"""

import re
from collections import defaultdict

from portal.content import law_changes
from portal.content.punctuation import voice_problems
from portal.content.schema import ALERT_SECTIONS, GUIDE_SECTIONS, MATERIAL_SECTIONS, SHARED_KEYS
from portal.vocab import LANGUAGES

_HREF = re.compile(r'href="([^"]*)"')


def _translation_problems(pages):
    by_key = defaultdict(dict)
    for page in pages:
        by_key[page.key][page.lang] = page
    for (section, slug), versions in sorted(by_key.items()):
        for lang in LANGUAGES:
            if lang not in versions:
                yield f"{section}/{slug}.{lang}.md: missing (the {'/'.join(versions)} version exists)"
        if len(versions) == len(LANGUAGES):
            first, *rest = (versions[lang] for lang in LANGUAGES)
            for other in rest:
                for key in SHARED_KEYS:
                    if getattr(first, key) != getattr(other, key):
                        yield (f"{other.path}: {key} {getattr(other, key)!r} differs from "
                               f"{first.path} ({getattr(first, key)!r})")
                if first.event and other.event and first.event.shared() != other.event.shared():
                    yield (f"{other.path}: the event's times, capacity, organiser, questions or slots differ "
                           f"from {first.path} (only the place and the questions' words may differ)")


def _section_problems(page, sections):
    expected = sections[page.lang]
    found = page.h2_titles
    if found != expected:
        missing = [title for title in expected if title not in found]
        extra = [title for title in found if title not in expected]
        detail = []
        if missing:
            detail.append(f"missing {missing}")
        if extra:
            detail.append(f"unexpected {extra}")
        if not missing and not extra:
            detail.append("out of order")
        yield f"{page.path}: {page.kind} sections must be {list(expected)}: {'; '.join(detail)}"


def _material_problems(page):
    headings = MATERIAL_SECTIONS[page.lang]
    needed = ["objectives"] + (["answers"] if page.material_kind == "quiz" else [])
    for need in needed:
        if headings[need] not in page.h2_titles:
            yield f"{page.path}: a {page.material_kind} needs a '## {headings[need]}' section"


def _link_problems(page, resolve_link):
    anchors = set(re.findall(r'id="([^"]*)"', page.html))
    for href in _HREF.findall(page.html):
        href = href.replace("&amp;", "&")
        if href.startswith("#"):
            if href[1:] not in anchors:
                yield f"{page.path}: link to missing anchor {href}"
        elif href.startswith("/"):
            path = href.split("#", 1)[0].split("?", 1)[0]
            if not resolve_link(path):
                yield f"{page.path}: broken internal link {href}"
            elif path.strip("/").split("/", 1)[0] != page.lang:
                yield f"{page.path}: link {href} goes to the other language"


def check_pages(pages, load_problems, resolve_link):
    """Every problem as a sentence naming the file; empty when the content can be published."""
    problems = list(load_problems)
    problems.extend(_translation_problems(pages))
    by_key = defaultdict(dict)
    for page in pages:
        by_key[page.key][page.lang] = page
    problems.extend(law_changes.language_problems(by_key))
    for page in pages:
        if page.kind == "guide":
            problems.extend(_section_problems(page, GUIDE_SECTIONS))
        elif page.kind == "alert":
            problems.extend(_section_problems(page, ALERT_SECTIONS))
        elif page.kind == "material":
            problems.extend(_material_problems(page))
        problems.extend(_link_problems(page, resolve_link))
        problems.extend(voice_problems(page))
    return problems
