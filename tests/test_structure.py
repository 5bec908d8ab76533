"""The package's shape and the bugs it hid: imports point down, no cycles, views imported by their
own feature only, one list of institution kinds, a domain exception for "not visible", formula-safe
CSV everywhere, and robots.txt naming the real staff paths."""

import csv
import io
import subprocess
import sys
from pathlib import Path

import grimp
import pytest
from sqlalchemy import select

from portal.casework import service, workflow
from portal.config import ROOT
from portal.db import db
from portal.indicators.latest import set_latest
from portal.models import Institution
from portal.spreadsheet import safe_cell
from portal.vocab import INSTITUTION_KINDS
from tests.staff_helpers import COORDINATOR, act, login, make_request


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("portal")


def test_the_import_contracts_hold():
    lint_imports = Path(sys.executable).parent / "lint-imports"  # installed beside this Python
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def strongly_connected(graph):
    """Tarjan's algorithm over the module graph: every group of modules that import each other."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == module:
                    break
            groups.append(group)

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return groups


def test_no_module_of_the_portal_is_part_of_an_import_cycle(graph):
    cycles = [sorted(group) for group in strongly_connected(graph) if len(group) > 1]
    assert cycles == []


def test_the_cycle_finder_finds_a_cycle():
    class Toy:
        modules = {"a", "b", "c"}

        @staticmethod
        def find_modules_directly_imported_by(module):
            return {"a": {"b"}, "b": {"c"}, "c": {"a"}}[module]

    assert [sorted(group) for group in strongly_connected(Toy) if len(group) > 1] == [["a", "b", "c"]]


def test_view_modules_are_imported_by_their_own_feature_only(graph):
    views = [m for m in graph.modules if m.rsplit(".", 1)[-1] in ("views", "subscription_views")]
    assert len(views) >= 14
    for module in views:
        feature = module.rsplit(".", 1)[0]
        importers = graph.find_modules_that_directly_import(module)
        assert importers <= {feature}, (module, importers)


def test_every_feature_registers_a_blueprint_named_like_its_package(app):
    packages = {name.split(".")[0] for name in app.blueprints}
    for name in app.blueprints:
        assert (ROOT / "portal" / name / "__init__.py").is_file(), name
    assert packages == set(app.blueprints)


def test_one_list_of_institution_kinds_and_every_kind_is_shown(app, client):
    # Bug: the directory had its own list, without "other", so such an institution showed no kind.
    with app.app_context():
        notary = db.session.scalar(select(Institution).where(Institution.slug == "notary"))
        kind_before = notary.kind
        notary.kind = "other"
        db.session.commit()
    try:
        for lang, name in (("en", "Notary office (demo)"), ("zh", "公证机构（演示）")):
            with app.test_request_context(f"/{lang}/"):
                label = str(INSTITUTION_KINDS["other"])
            html = client.get(f"/{lang}/institutions").get_data(as_text=True)
            card = html.split(name, 1)[1].split("</li>", 1)[0]
            assert label in card, (lang, label)
    finally:
        with app.app_context():
            db.session.scalar(select(Institution).where(Institution.slug == "notary")).kind = kind_before
            db.session.commit()
    assert set(INSTITUTION_KINDS) >= {"center", "workstation", "bank", "agency", "other"}


def test_a_bug_inside_an_action_is_an_error_not_a_silent_404(app, client, monkeypatch):
    # Bug: the view caught LookupError to mean "not yours", so a KeyError from a bug became a 404.
    request_id = make_request(app, client, "center", request_type="general")
    staff = app.test_client()
    login(staff, COORDINATOR)

    def broken(*_args):
        raise KeyError("a bug")

    monkeypatch.setattr(workflow, "allowed", broken)
    assert act(staff, request_id, "accept", "assigned").status_code == 500
    monkeypatch.undo()
    assert act(staff, request_id + 100000, "accept", "assigned").status_code == 404
    assert issubclass(service.NotVisible, Exception) and not issubclass(service.NotVisible, LookupError)


@pytest.mark.parametrize(("value", "shown"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("plain", "plain"), ("", ""), (None, ""), (12, "12"), ("a=b", "a=b"),
])
def test_safe_cell(value, shown):
    assert safe_cell(value) == shown


def test_the_public_indicators_csv_guards_against_formulas(app, client):
    # Bug: administrator-entered text went into the public CSV without the formula guard.
    with app.app_context():
        set_latest("ip-pledge-financing-amount", "2.5", "2024-12-31", "@SUM(1+1)*cmd|' /C calc'!A0",
                   "https://example.org/bulletin", "test")
        db.session.commit()
    text = client.get("/en/indicators.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    source = next(r for r in rows if r[0] == "Registered IP pledge financing")[6]
    assert source.startswith("'@SUM(1+1)")
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


def test_robots_names_the_real_staff_and_admin_paths(client):
    # Bug: it disallowed /staff/ and /admin/, but those pages live at /<lang>/staff/….
    lines = client.get("/robots.txt").get_data(as_text=True).splitlines()
    for path in ("/zh/staff/", "/en/staff/", "/zh/admin/", "/en/admin/"):
        assert f"Disallow: {path}" in lines
    assert client.get("/en/staff/login").status_code == 200  # the paths named are the real ones
