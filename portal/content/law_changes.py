"""Dated law changes: "from DATE this changes", shown both ways, the rule in force first.

A page lists the changes it depends on in its `changes` front matter (declared in schema.py).
The two texts of each change are rendered once, at load time, like the body; which of them
comes first is the only thing that depends on the day, and it is decided when the page is
rendered. Because rendered pages are kept in the page cache for the life of the process,
`LawChangeClock` empties that cache the first time a request arrives on or after an effective
date, so the next request renders the page again with the other order. Cost per request: one
`date.today()` and one comparison.

`review_warnings` is what `flask content check` warns about: a page reviewed before a change
it cites took effect, and a page not reviewed for longer than the configured age.
"""

from bisect import bisect_right
from dataclasses import replace
from datetime import date, timedelta

from portal.content.problems import Problem
from portal.content.render import render_markdown


def render_changes(changes, lang):
    """The changes with their before/after Markdown rendered to sanitized HTML (load time only)."""
    return tuple(replace(change, before_html=render_markdown(change.before, lang).html,
                         after_html=render_markdown(change.after, lang).html)
                 for change in changes)


def ordered_regimes(change, today):
    """[(label key, from-or-until date, html), ...] with the regime in force on `today` first."""
    before = ("until", change.effective - timedelta(days=1), change.before_html)
    after = ("from", change.effective, change.after_html)
    return [after, before] if change.in_force(today) else [before, after]


class LawChangeClock:
    """Empties the page cache when a law change in the catalog takes effect: pages rendered before
    that day show the old rule first. Run on every request by the page cache's freshness hook, so
    it is a date comparison; the dates are collected again only when the catalog is replaced."""

    def __init__(self, current_catalog, page_cache, today=date.today):
        self.current_catalog = current_catalog
        self.page_cache = page_cache
        self.today = today
        self._catalog = None
        self.dates = []
        self.passed = 0

    def check(self):
        catalog, today = self.current_catalog(), self.today()
        if catalog is not self._catalog:  # a new catalog starts with an empty page cache
            self._catalog = catalog
            # Also the day after a call for applications closes: cached lists say "open until" no more.
            self.dates = sorted({change.effective for page in catalog for change in page.changes}
                                | {page.closes + timedelta(days=1) for page in catalog
                                   if getattr(page, "closes", None)})
            self.passed = bisect_right(self.dates, today)
            return
        passed = bisect_right(self.dates, today)
        if passed != self.passed:
            self.passed = passed
            self.page_cache.clear()  # pages rendered under the old regime order


def months_before(day, months):
    """The same day `months` calendar months earlier (clamped to the month's last day)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def review_due(page, today, max_age_months):
    """Were the page's facts last reviewed more than `max_age_months` calendar months before
    `today`? (PORTAL_CONTENT_REVIEW_MAX_MONTHS: the check's warning and the editors' list.)"""
    return page.reviewed < months_before(today, max_age_months)


def review_warnings(pages, today, max_age_months):
    """Problems (warnings) naming each page whose facts need checking again; never blocks publishing."""
    for page in pages:
        for change in page.changes:
            if page.reviewed < change.effective <= today:
                yield Problem("reviewed-before-change", page.path, reviewed=page.reviewed, law=change.law,
                              effective=change.effective)
        if review_due(page, today, max_age_months):
            yield Problem("review-due", page.path, reviewed=page.reviewed, months=max_age_months)


def language_problems(by_key):
    """Both languages of a page must list the same changes (dates and documents)."""
    for versions in by_key.values():
        dated = {lang: tuple((c.effective, c.url) for c in page.changes) for lang, page in versions.items()}
        if len(set(dated.values())) > 1:
            first, *others = sorted(versions.values(), key=lambda page: page.lang)
            for other in others:
                yield Problem("changes-differ", other.path, these=dated[other.lang], other=first.path,
                              those=dated[first.lang])
