"""Message-catalog checks and upkeep, used by `make translations` and the test suite.

English is the source language of the UI strings, so the `en` catalog's translations are its
msgids (filled in by `flask translations fill-en`); the `zh` catalog is translated by people.
A catalog that is stale, untranslated, fuzzy, or whose placeholders differ from the msgid
fails the tests, so a page never shows an English phrase in Chinese or loses a value.
"""

import re
from pathlib import Path

import click
from babel.messages.pofile import read_po, write_po

from portal.config import ROOT

TRANSLATIONS = ROOT / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def placeholders(text):
    return sorted(PLACEHOLDER.findall(text or ""))


def _read(path):
    with open(path, "rb") as handle:
        return read_po(handle)


def catalog_problems(po_path, template_ids=None):
    """Sentences describing what is wrong with one .po file (empty when it is complete)."""
    catalog = _read(po_path)
    problems = []
    present = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        present.add(ids[0])
        label = f"{po_path.parent.parent.name}: {ids[0]!r}"
        if message.fuzzy:
            problems.append(f"{label} is fuzzy")
        if not all(strings):
            problems.append(f"{label} is untranslated")
            continue
        expected = placeholders(ids[0])
        for string in strings:
            # A plural form may drop %(num)s (Chinese often does not repeat the number), never add one.
            found = placeholders(string)
            missing = sorted(set(expected) - set(found) - ({"num"} if len(ids) > 1 else set()))
            extra = sorted(set(found) - set(expected))
            if missing or extra:
                problems.append(f"{label} placeholders differ: missing {missing}, extra {extra}")
    if template_ids is not None:
        stale = sorted(template_ids - present)
        if stale:
            problems.append(f"{po_path.parent.parent.name}: not in catalog (run make translations): {stale[:5]}")
    return problems


def template_message_ids(pot_path):
    return {m.id[0] if isinstance(m.id, tuple) else m.id for m in _read(pot_path) if m.id}


def fill_source_language(po_path):
    """Set each empty English msgstr to its msgid; English wording edited by hand is kept."""
    catalog = _read(po_path)
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not all(message.string):
                message.string = tuple(message.id[:2])
        elif not message.string:
            message.string = message.id
        message.flags.discard("fuzzy")
    with open(po_path, "wb") as handle:
        write_po(handle, catalog, width=100)


# A plain click group, not tied to the app: catalogs can be kept up to date even while the
# content does not load. `flask translations …` works, and so does calling `cli()` without an app (the Makefile does).
@click.group("translations", help="Keep the UI message catalogs complete.")
def cli():
    pass


@cli.command("fill-en", help="Fill the English catalog's empty entries from the msgids.")
def fill_en():
    fill_source_language(Path(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"))


@cli.command("check", help="Fail on stale, untranslated, fuzzy entries or placeholder mismatches.")
def check():
    template = template_message_ids(TRANSLATIONS / "messages.pot")
    problems = []
    for po in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
        problems.extend(catalog_problems(po, template))
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in the message catalogs")
    click.echo("message catalogs complete")


def init_app(app):
    app.cli.add_command(cli)


if __name__ == "__main__":
    cli()
