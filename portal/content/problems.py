"""What the content checks find, as data: a code and its parameters, shown in the reader's language.

A Problem *is* its English sentence (a str), so `flask content check` prints it as it always has,
and code that compares, filters or joins problems as text keeps working; the code, the parameters
and the file it names are attributes, and `translated()` gives the sentence in the language of
the request (the editor's error summary). A parameter that is itself a Problem (a field's
detail) or a list of them is translated with it. Checks that still yield a plain str are shown
as they are (`describe`).

The sentences are English msgids, marked with N_ (a keyword Babel extracts by default) and
translated only when shown: a check runs at import and in the worker loop, with no request.
"""

from flask_babel import gettext


def N_(message):  # noqa: N802 (Babel's default keyword for "extract, translate later")
    return message


MESSAGES = {
    # reading the file (catalog.py)
    "file-name": N_("file name must be <slug>.zh.md or <slug>.en.md"),
    "not-utf8": N_("not UTF-8 text"),
    "no-front-matter": N_("does not start with a '---' front-matter block"),
    "front-matter-open": N_("front-matter block is not closed with '---'"),
    "yaml": N_("the front matter is not valid YAML: %(detail)s"),
    # the front matter (schema.py)
    "not-mapping": N_("front matter must be a YAML mapping"),
    "unknown-keys": N_("unknown front-matter keys %(keys)s; allowed: %(allowed)s"),
    "field-missing": N_("%(field)s: missing (required for %(kind)s)"),
    "field-invalid": N_("%(field)s: %(detail)s"),
    "wrong-kind": N_("kind: %(kind)s does not belong in this folder (expected %(expected)s)"),
    "in-future": N_("%(field)s: %(date)s is in the future"),
    "reviewed-before-updated": N_("reviewed (%(reviewed)s) is before updated (%(updated)s)"),
    "source-checked-future": N_("sources: checked date %(date)s is in the future"),
    "source-event-after-checked": N_("sources: event_date %(date)s is after the day it was read"),
    "sources-need-role": N_("sources: items %(items)s need a role (alerts: %(roles)s)"),
    "alert-date-unstated": N_("date: %(date)s is not the event_date of any primary or report source; "
                              "date the alert by the event its sources state"),
    "alert-date-commentary": N_("date: %(date)s is not the event_date of any primary or report source (only a "
                                "commentary gives it: an article's date is not the event's); date the alert by "
                                "the event its sources state"),
    # one value (the schema's parsers)
    "not-a-date": N_("%(value)s is not a date in YYYY-MM-DD form"),
    "no-such-day": N_("day is out of range for month (%(value)s)"),
    "no-such-month": N_("month must be in 1..12 (%(value)s)"),
    "empty-text": N_("must be non-empty text"),
    "too-long": N_("must be at most %(limit)s characters (has %(length)s)"),
    "empty-list": N_("must be a non-empty list"),
    "unknown-values": N_("unknown %(unknown)s; allowed: %(allowed)s"),
    "not-one-of": N_("%(value)s is not one of: %(allowed)s"),
    "not-whole-number": N_("must be a whole number ≥ 0"),
    "duration": N_("must be whole minutes from 1 to %(maximum)s"),
    "not-url": N_("%(value)s is not an http(s) URL"),
    "item": N_("item %(number)s: %(detail)s"),
    "named": N_("%(name)s %(detail)s"),
    "sources-list": N_("must be a non-empty list of {title, url, checked}"),
    "source-keys": N_("item %(number)s must have title, url and checked (and may have role, event_date)"),
    "role-unknown": N_("role %(value)s is not one of: %(allowed)s"),
    "home-page": N_("%(url)s is a site's home page; cite the document itself (a home page is allowed only "
                    "with role: tool, for a search system)"),
    "changes-list": N_("must be a non-empty list of {effective, law, url, before, after}"),
    "change-keys": N_("item %(number)s must have exactly %(keys)s"),
    # the whole set (check.py, law_changes.py, punctuation.py)
    "translation-missing": N_("missing (the %(other)s version exists)"),
    "shared-key-differs": N_("%(key)s %(value)s differs from %(other)s (%(other_value)s)"),
    "sections-wrong": N_("%(kind)s sections must be %(expected)s: %(detail)s"),
    "sections-missing": N_("missing %(titles)s"),
    "sections-unexpected": N_("unexpected %(titles)s"),
    "sections-order": N_("out of order"),
    "material-section": N_("a %(material_kind)s needs a '## %(heading)s' section"),
    "missing-anchor": N_("link to missing anchor %(href)s"),
    "broken-link": N_("broken internal link %(href)s"),
    "other-language-link": N_("link %(href)s goes to the other language"),
    "changes-differ": N_("changes %(these)s differ from %(other)s (%(those)s)"),
    "half-width": N_("half-width %(mark)s in Chinese %(field)s (use %(full)s): …%(context)s…"),
    "informal-you": N_("你 in the %(field)s; address the reader as 您: …%(context)s…"),
    # warnings: never block publishing (law_changes.review_warnings)
    "reviewed-before-change": N_("reviewed %(reviewed)s, before %(law)s took effect on %(effective)s; check the "
                                 "page against the rules now in force"),
    "review-due": N_("reviewed %(reviewed)s, more than %(months)s months ago; check its facts against the "
                     "sources again"),
}
JOIN = "; "


def _english(value):
    if isinstance(value, list | tuple) and value and all(isinstance(item, Problem) for item in value):
        return JOIN.join(str(item) for item in value)
    return str(value)


def _shown(value):
    if isinstance(value, Problem):
        return value.message()
    if isinstance(value, list | tuple) and value and all(isinstance(item, Problem) for item in value):
        return JOIN.join(item.message() for item in value)
    return str(value)


class Problem(str):
    """One problem: its English sentence, with `code`, `params` and `path` (the file it names,
    or None) for showing it in another language."""

    def __new__(cls, code, path=None, **params):
        english = MESSAGES[code] % {name: _english(value) for name, value in params.items()}
        problem = super().__new__(cls, f"{path}: {english}" if path else english)
        problem.code, problem.params, problem.path = code, params, path
        return problem

    def at(self, path):
        """The same problem, naming the file it is in."""
        return Problem(self.code, path, **self.params)

    def message(self):
        """The sentence without the file, in the current language."""
        return gettext(MESSAGES[self.code], **{name: _shown(value) for name, value in self.params.items()})

    def translated(self):
        return f"{self.path}: {self.message()}" if self.path else self.message()

    def __reduce__(self):
        return (_rebuild, (self.code, self.path, self.params))


def _rebuild(code, path, params):
    return Problem(code, path, **params)


class Invalid(ValueError):
    """A value the schema refuses, carrying its Problem (a ValueError, so callers that only need
    to know that it failed still catch it)."""

    def __init__(self, code, **params):
        self.problem = Problem(code, **params)
        super().__init__(str(self.problem))


def problem_of(error):
    """The Problem a ValueError carries; any other ValueError as a plain sentence."""
    return error.problem if isinstance(error, Invalid) else str(error)


def describe(problem):
    """A problem for a person in the current language: translated when it is a Problem."""
    return problem.translated() if isinstance(problem, Problem) else str(problem)


def code_of(problem):
    return getattr(problem, "code", None)
