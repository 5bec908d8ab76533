"""`flask content check`: everything that would make a published page wrong or broken.

Beyond what the loader refuses (schema, dates), it checks what needs the whole set: each
page in both languages, both languages agreeing, guides complete, and every internal link
and in-page anchor pointing somewhere real.
"""

import re
from collections import defaultdict

from portal.content import columns, law_changes
from portal.content.problems import Problem
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
                yield Problem("translation-missing", f"{section}/{slug}.{lang}.md", other="/".join(versions))
        if len(versions) == len(LANGUAGES):
            first, *rest = (versions[lang] for lang in LANGUAGES)
            for other in rest:
                for key in SHARED_KEYS:
                    if getattr(first, key) != getattr(other, key):
                        yield Problem("shared-key-differs", other.path, key=key, value=repr(getattr(other, key)),
                                      other=first.path, other_value=repr(getattr(first, key)))
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
            detail.append(Problem("sections-missing", titles=missing))
        if extra:
            detail.append(Problem("sections-unexpected", titles=extra))
        if not missing and not extra:
            detail.append(Problem("sections-order"))
        yield Problem("sections-wrong", page.path, kind=page.kind, expected=list(expected), detail=detail)


def _material_problems(page):
    headings = MATERIAL_SECTIONS[page.lang]
    needed = ["objectives"] + (["answers"] if page.material_kind == "quiz" else [])
    for need in needed:
        if headings[need] not in page.h2_titles:
            yield Problem("material-section", page.path, material_kind=page.material_kind, heading=headings[need])


def _link_problems(page, resolve_link):
    anchors = set(re.findall(r'id="([^"]*)"', page.html))
    for href in _HREF.findall(page.html):
        href = href.replace("&amp;", "&")
        if href.startswith("#"):
            if href[1:] not in anchors:
                yield Problem("missing-anchor", page.path, href=href)
        elif href.startswith("/"):
            path = href.split("#", 1)[0].split("?", 1)[0]
            if not resolve_link(path):
                yield Problem("broken-link", page.path, href=href)
            elif path.strip("/").split("/", 1)[0] != page.lang:
                yield Problem("other-language-link", page.path, href=href)


def check_pages(pages, load_problems, resolve_link):
    """Every problem as a sentence naming the file (a Problem: English, with a code and parameters
    for showing it in the editor's language; problems.py); empty when the content can be published."""
    problems = list(load_problems)
    problems.extend(_translation_problems(pages))
    by_key = defaultdict(dict)
    for page in pages:
        by_key[page.key][page.lang] = page
    problems.extend(law_changes.language_problems(by_key))
    problems.extend(columns.cross_page_problems(pages))
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


def add_warning_check(app, check):
    """Let another feature add warnings to the edit form: `check(page)` yields Problems (or plain
    sentences) about one page that should be looked at but never stop a save or a publish."""
    app.extensions.setdefault("content_warning_checks", []).append(check)


def page_warnings(app, page, today):
    """Every warning on one page, for its editor: facts due for review or reviewed before a law
    change took effect (PORTAL_CONTENT_REVIEW_MAX_MONTHS), then each added check's."""
    warnings = list(law_changes.review_warnings([page], today, app.config["CONTENT_REVIEW_MAX_MONTHS"]))
    for check in app.extensions.get("content_warning_checks", ()):
        warnings.extend(check(page))
    return warnings
