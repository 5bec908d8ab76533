"""The editorial workflow as a table (action × status × role × who), the comparison and the
edit form's text, and the store's import/export round trip on the whole shipped library."""

import shutil
import subprocess

import pytest

from portal import create_app
from portal.config import ROOT
from portal.content.catalog import content_files, read_front_matter
from portal.content.schema import SECTIONS
from portal.content.store import has_documents
from portal.publishing import diff, editing, workflow

S = workflow.STATUSES
# (action, status, role, facts) -> allowed, reason
ROWS = [
    # writing
    ("save", "draft", "editor", {}, True, ""),
    ("save", "published", "editor", {}, True, ""),
    ("save", "unpublished", "reviewer", {}, True, ""),
    ("save", "in_review", "editor", {}, False, "not-allowed"),   # return it first
    ("save", "scheduled", "editor", {}, False, "not-allowed"),
    ("save", "draft", "staff", {}, False, "role"),
    ("save", "draft", "admin", {}, False, "role"),
    ("restore", "published", "editor", {}, True, ""),
    ("restore", "in_review", "editor", {}, False, "not-allowed"),
    ("submit", "draft", "editor", {}, True, ""),
    ("submit", "published", "editor", {}, False, "not-allowed"),
    ("submit", "draft", "coordinator", {}, False, "role"),
    ("request-unpublish", "published", "editor", {}, True, ""),
    ("request-unpublish", "draft", "editor", {}, False, "not-allowed"),
    ("confirm-translation", "published", "editor", {}, True, ""),
    # reviewing: never the author, one step each, publish/schedule only at the last step
    ("publish", "in_review", "reviewer", {}, True, ""),
    ("publish", "in_review", "editor", {}, False, "role"),
    ("publish", "in_review", "reviewer", {"is_author": True}, False, "own-work"),
    ("schedule", "in_review", "reviewer", {"is_author": True}, False, "own-work"),
    ("approve", "in_review", "reviewer", {"is_author": True, "step": 1, "steps": 3}, False, "own-work"),
    ("publish", "draft", "reviewer", {}, False, "not-allowed"),
    ("publish", "published", "reviewer", {}, False, "not-allowed"),
    ("publish", "in_review", "reviewer", {"step": 1, "steps": 3}, False, "more-steps"),
    ("approve", "in_review", "reviewer", {"step": 1, "steps": 3}, True, ""),
    ("approve", "in_review", "reviewer", {"step": 2, "steps": 3, "already_approved": True}, False, "one-step-each"),
    ("approve", "in_review", "reviewer", {"step": 3, "steps": 3}, False, "last-step"),
    ("publish", "in_review", "reviewer", {"step": 3, "steps": 3}, True, ""),
    ("schedule", "in_review", "reviewer", {"step": 3, "steps": 3}, True, ""),
    ("schedule", "scheduled", "reviewer", {}, False, "not-allowed"),
    ("return", "in_review", "reviewer", {}, True, ""),
    ("return", "scheduled", "reviewer", {}, True, ""),
    ("return", "in_review", "reviewer", {"is_author": True}, True, ""),  # withdrawing one's own is fine
    ("return", "in_review", "editor", {}, False, "role"),
    ("return", "draft", "reviewer", {}, False, "not-allowed"),
    ("no-such-action", "draft", "reviewer", {}, False, "not-allowed"),
]


@pytest.mark.parametrize(("action", "status", "role", "facts", "allowed", "reason"), ROWS)
def test_workflow_table(action, status, role, facts, allowed, reason):
    decision = workflow.decide(action, status, role, **facts)
    assert (decision.allowed, decision.reason) == (allowed, reason)


@pytest.mark.parametrize("status", S)
@pytest.mark.parametrize("role", ["staff", "coordinator", "admin", "anonymous"])
def test_no_other_role_may_do_anything(status, role):
    assert workflow.available(status, role) == []


@pytest.mark.parametrize("status", S)
def test_the_author_can_approve_nothing_in_any_status(status):
    for steps in (1, 2, 3):
        for step in range(1, steps + 1):
            allowed = workflow.available(status, "reviewer", is_author=True, step=step, steps=steps)
            assert not {"approve", "publish", "schedule"} & set(allowed)


@pytest.mark.parametrize(("action", "pending", "status"), [
    ("submit", "publish", "in_review"), ("publish", "publish", "published"), ("publish", "unpublish", "unpublished"),
    ("schedule", "publish", "scheduled"), ("return", "publish", "draft"), ("save", "publish", "draft"),
    ("approve", "publish", None)])
def test_next_status(action, pending, status):
    assert workflow.next_status(action, pending) == status


@pytest.mark.parametrize(("text", "expected"), [
    ("", {"default": 1}), ("default=1,alert=2", {"default": 1, "alert": 2}), ("guide=3", {"default": 1, "guide": 3})])
def test_review_steps_setting(text, expected):
    assert workflow.parse_steps(text) == expected


@pytest.mark.parametrize("text", ["guide=4", "guide=0", "guide=two", "guide"])
def test_review_steps_setting_refuses_nonsense(text):
    with pytest.raises(ValueError, match="PORTAL_REVIEW_STEPS"):
        workflow.parse_steps(text)


DIFF_LABELS = {"added": "added", "removed": "removed", "end": "end"}


@pytest.mark.parametrize(("old", "new", "lang", "expected"), [
    ("费用为300元。\n", "费用为270元。\n", "zh",
     [("same", "费用为"), ("removed", "30"), ("added", "27"), ("same", "0元。\n")]),
    ("The fee is 300 yuan.\n", "The fee is 270 yuan.\n", "en",
     [("same", "The fee is "), ("removed", "300"), ("added", "270"), ("same", " yuan.\n")]),
    ("a\n", "a\nb\n", "en", [("same", "a\n"), ("added", "b\n")]),
    ("a\nb\n", "a\n", "zh", [("same", "a\n"), ("removed", "b\n")]),
])
def test_comparison_segments(old, new, lang, expected):
    assert [(part.op, part.text) for part in diff.segments(old, new, lang)] == expected


def test_comparison_html_is_escaped_and_labelled():
    html = str(diff.render(diff.segments("<b>旧</b>\n", "<b>新</b>\n", "zh"), DIFF_LABELS))
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert '<del><span class="visually-hidden">[removed] </span>旧' in html
    assert '<ins><span class="visually-hidden">[added] </span>新' in html


def test_an_untouched_page_keeps_its_text_exactly():
    path = ROOT / "content" / "guides" / "trademark-registration.zh.md"
    text = path.read_bytes().decode()
    typed, body = editing.values_from_text(text)
    assert editing.text_from_values("guide", typed, body, original=text) is text


def test_the_form_text_round_trips_through_the_schema():
    text = (ROOT / "content" / "alerts" / "uspto-us-attorney-rule.en.md").read_bytes().decode()
    typed, body = editing.values_from_text(text)
    typed["title"] = 'A "quoted" title: with colon'
    rebuilt = editing.text_from_values("alert", typed, body, original=text)
    again, again_body = editing.values_from_text(rebuilt)
    assert again["title"] == typed["title"] and again_body == body
    assert {key: again[key] for key in typed if key != "title"} == {key: typed[key] for key in typed if key != "title"}


def _front_matter(text):
    meta, _body = read_front_matter(text)
    return meta


@pytest.mark.parametrize("path", sorted((ROOT / "content").glob("*/*.md")), ids=lambda path: path.name)
def test_a_changed_page_keeps_every_front_matter_value(path):
    """Saving a page whose body changed rebuilds its front matter from the form: every value of
    the shipped file comes back, the sources' roles and event dates and the dated law changes too."""
    text = path.read_bytes().decode()
    typed, body = editing.values_from_text(text)
    rebuilt = editing.text_from_values(SECTIONS[path.parent.name], typed, body + "\n一句新的话。\n")
    assert rebuilt != text
    assert _front_matter(rebuilt) == _front_matter(text)


def test_sources_and_changes_as_typed_in_the_form():
    text = (ROOT / "content" / "guides" / "trademark-registration.zh.md").read_bytes().decode()
    typed, body = editing.values_from_text(text)
    assert "https://www.changtsi.com/news/insight/4174.html | 2026-12-01 | report" in typed["sources"]
    assert typed["changes"].startswith("- effective: '2027-01-01'")
    typed["sources"] += "\nUSPTO | https://www.uspto.gov/trademarks | 2026-11-30 | primary | 2026-11-29"
    typed["changes"] = "- this is: [not a list of changes"
    meta = _front_matter(editing.text_from_values("guide", typed, body))
    assert meta["sources"][-1] == {"title": "USPTO", "url": "https://www.uspto.gov/trademarks",
                                   "checked": "2026-11-30", "role": "primary", "event_date": "2026-11-29"}
    assert "role" not in meta["sources"][1]  # left empty: not written as an empty role
    assert meta["changes"] == "- this is: [not a list of changes"  # kept, so the schema names the problem


@pytest.mark.parametrize(("kind", "present", "absent"), [
    ("guide", {"request_type", "topics", "sources", "changes"}, {"date", "levels", "kind"}),
    ("alert", {"date", "risk", "severity", "sources", "changes"}, {"request_type", "levels"}),
    ("material", {"levels", "material_kind", "duration", "changes"}, {"date", "request_type"}),
    # Fixed pages cite their sources and carry topics too (content/pages/about.*.md): a save
    # through the form must not drop them.
    ("page", {"title", "summary", "updated", "sources", "topics"}, {"date", "request_type", "levels"}),
])
def test_the_form_is_built_from_the_schema(kind, present, absent):
    names = {field.name for field in editing.fields_for(kind)}
    assert present <= names and not absent & names


def test_import_export_round_trip_on_the_whole_shipped_library(tmp_path):
    app = create_app({"TESTING": True, "PORTAL_ENV": "testing", "INSTANCE_DIR": tmp_path / "instance",
                      "CONTENT_DIR": ROOT / "content", "SEARCH_INDEX_DIR": tmp_path / "index"})
    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["content", "import"], ["content", "export", str(tmp_path / "out")]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, (command, result.output)
    shipped = list(content_files(ROOT / "content"))
    assert len(shipped) > 50
    for section, slug, lang, path in shipped:
        assert (tmp_path / "out" / section / f"{slug}.{lang}.md").read_bytes() == path.read_bytes(), path
    exported = sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*.md"))
    assert exported == sorted(p.relative_to(ROOT / "content") for *_rest, p in shipped)
    assert "0 published" in runner.invoke(args=["content", "import"]).output  # a second import changes nothing
    differ = subprocess.run(["diff", "-r", "-x", "README.md", str(ROOT / "content"), str(tmp_path / "out")])
    assert differ.returncode == 0


def test_import_refuses_content_that_fails_the_checks(tmp_path):
    release = tmp_path / "release"
    shutil.copytree(ROOT / "content", release)
    guide = release / "guides" / "trademark-registration.en.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("## Fees", "## Costs"), encoding="utf-8")
    app = create_app({"TESTING": True, "PORTAL_ENV": "testing", "INSTANCE_DIR": tmp_path / "instance",
                      "CONTENT_DIR": ROOT / "content", "SEARCH_INDEX_DIR": tmp_path / "index"})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    result = runner.invoke(args=["content", "import", "--from", str(release)])
    assert result.exit_code != 0 and "guides/trademark-registration.en.md" in result.output
    assert "'Fees'" in result.output
    with app.app_context():
        assert not has_documents()  # nothing was written
