"""The message catalogs: complete, fresh, and with the same placeholders in both languages."""

import subprocess
import sys

import pytest

from portal.config import ROOT
from portal.translations import catalog_problems, fill_source_language, template_message_ids

CATALOGS = sorted((ROOT / "translations").glob("*/LC_MESSAGES/messages.po"))


def test_both_catalogs_exist():
    assert [po.parent.parent.name for po in CATALOGS] == ["en", "zh"]


@pytest.fixture(scope="module")
def fresh_template(tmp_path_factory):
    """Extract the UI strings from the code now, as `make translations` does."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
                    "-o", str(pot), "--no-location", "--omit-header", "."],
                   cwd=ROOT, check=True, capture_output=True)
    return template_message_ids(pot)


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.parent.parent.name)
def test_catalog_is_complete_and_fresh(po, fresh_template):
    assert fresh_template, "no UI strings were extracted"
    assert catalog_problems(po, fresh_template) == []


def write_po(path, entries):
    body = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n'
            '"Plural-Forms: nplurals=1; plural=0;\\n"\n\n')
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body + entries, encoding="utf-8")
    return path


def test_problems_are_found(tmp_path):
    po = write_po(tmp_path / "zh" / "LC_MESSAGES" / "messages.po", (
        'msgid "Hello %(name)s"\nmsgstr "你好"\n\n'
        'msgid "Untranslated"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Fuzzy"\nmsgstr "模糊"\n\n'
        'msgid "Extra"\nmsgstr "多余 %(x)s"\n\n'))
    problems = catalog_problems(po, {"Hello %(name)s", "Untranslated", "Fuzzy", "Extra", "New string"})
    text = "\n".join(problems)
    assert "'Hello %(name)s' placeholders differ: missing ['name']" in text
    assert "'Untranslated' is untranslated" in text
    assert "'Fuzzy' is fuzzy" in text
    assert "'Extra' placeholders differ: missing [], extra ['x']" in text
    assert "not in catalog (run make translations): ['New string']" in text


def test_fill_english_keeps_hand_edits(tmp_path):
    po = write_po(tmp_path / "en" / "LC_MESSAGES" / "messages.po",
                  'msgid "Home"\nmsgstr ""\n\nmsgid "Guides"\nmsgstr "Guidance"\n\n')
    fill_source_language(po)
    assert catalog_problems(po) == []
    text = po.read_text(encoding="utf-8")
    assert 'msgid "Home"\nmsgstr "Home"' in text and 'msgstr "Guidance"' in text


def test_babel_extracts_every_template():
    # A template folder outside babel.cfg's patterns loses its strings from the catalogs silently
    # (the feature packages' templates/ folders once were).
    from babel.messages.extract import pathmatch

    patterns = [line.strip()[len("[jinja2: "):-1] for line in (ROOT / "babel.cfg").read_text().splitlines()
                if line.startswith("[jinja2:")]
    templates = [path.relative_to(ROOT).as_posix() for path in (ROOT / "portal").rglob("templates/**/*")
                 if path.suffix in (".html", ".xml")]
    assert len(templates) > 40
    assert [name for name in templates if not any(pathmatch(pattern, name) for pattern in patterns)] == []
