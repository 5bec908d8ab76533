"""The plan's indicators: the numbers shown are the numbers in the data file (and in the plan),
latest values only as entered, validated; CSV and an accessible SVG chart."""

import csv
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from portal.db import db
from portal.indicators.latest import InvalidIndicatorValue, set_latest, validate
from portal.indicators.plan import load_plan

# The plan's published text, in the shared seed folder beside the repository (../shared/seed/),
# as on this machine and in CI (a fresh clone with a copy of shared/ next to it).
SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "hengshui-ip-plan-2021-2025.txt"
ROW = re.compile(r'<tr id="indicator-([a-z0-9-]+)">(.*?)</tr>', re.S)
CELL = re.compile(r'<td data-value="(\w+)">\s*([^<\s]*)')


def shown_cells(html):
    return {key: dict(CELL.findall(row)) for key, row in ROW.findall(html)}


def test_the_data_file_holds_the_plans_table():
    plan = load_plan()
    assert [i.key for i in plan.indicators] == ["high-value-invention-patents-per-10k", "invention-patents-per-10k",
                                                "ip-pledge-financing-amount", "ip-service-brand-institutions"]
    assert [(i.baseline_2020, i.target_2025) for i in plan.indicators] == [
        ("0.56", "1.17"), ("2.09", "3.85"), ("2", "3"), ("2", "4")]


def test_the_data_file_matches_the_plans_text():
    if not SEED.exists():
        pytest.skip(f"the plan's source text is not at {SEED} (shared/seed/ beside the repository is absent)")
    table = SEED.read_text(encoding="utf-8").split("主要预期性指标", 1)[1]
    for indicator in load_plan().indicators:
        name_and_unit, baseline, target, department = table.split(indicator.name_zh, 1)[1].split()[:4]
        assert name_and_unit == f"({indicator.unit_zh})"
        assert (baseline, target) == (indicator.baseline_2020, indicator.target_2025), indicator.key
        assert department.replace(",", "，") == indicator.department_zh


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_shows_the_files_numbers_and_not_yet_published(app, client, lang):
    html = client.get(f"/{lang}/indicators").get_data(as_text=True)
    cells = shown_cells(html)
    assert list(cells) == [i.key for i in load_plan().indicators]
    for indicator in load_plan().indicators:
        assert cells[indicator.key]["baseline"] == indicator.baseline_2020
        assert cells[indicator.key]["target"] == indicator.target_2025
        assert indicator.name(lang) in html and indicator.department(lang) in html
    assert html.count({"zh": "尚未公布", "en": "not yet published"}[lang]) == 4
    assert '<th scope="col">' in html and '<th scope="row">' in html and "<caption>" in html


def test_an_entered_value_is_shown_with_its_date_and_source(app, client):
    with app.app_context():
        set_latest("ip-pledge-financing-amount", "2.5", "2024-12-31", "Example bulletin",
                   "https://example.org/bulletin", "test")
        set_latest("ip-pledge-financing-amount", "2.1", "2023-12-31", "Older bulletin",
                   "https://example.org/older", "test")  # entered later, but describes an earlier date
        db.session.commit()
    html = client.get("/en/indicators").get_data(as_text=True)
    cells = shown_cells(html)
    assert cells["ip-pledge-financing-amount"]["latest"] == "2.5"
    assert "December 31, 2024" in html and 'href="https://example.org/bulletin"' in html
    assert html.count("not yet published") == 3
    rows = list(csv.reader(io.StringIO(client.get("/en/indicators.csv").get_data(as_text=True).lstrip("\ufeff"))))
    pledge = next(r for r in rows if r[0] == "Registered IP pledge financing")
    assert pledge[2:6] == ["2", "3", "2.5", "2024-12-31"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_csv_has_the_files_numbers(app, client, lang):
    response = client.get(f"/{lang}/indicators.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 1 + len(load_plan().indicators)
    for row, indicator in zip(rows[1:], load_plan().indicators, strict=True):
        assert row[:4] == [indicator.name(lang), indicator.unit(lang), indicator.baseline_2020, indicator.target_2025]


def test_chart_is_an_accessible_svg_with_the_same_figures(app, client):
    html = client.get("/en/indicators").get_data(as_text=True)
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'role="img"' in svg and 'aria-labelledby="chart-svg-title chart-svg-desc"' in svg
    assert '<title id="chart-svg-title">' in svg and '<desc id="chart-svg-desc">' in svg
    values = re.findall(r'class="chart-value">([^<]+)<', svg)
    expected = [v for i in load_plan().indicators for v in (i.baseline_2020, i.target_2025)]
    assert values == expected


@pytest.mark.parametrize(("args", "field"), [
    (("nope", "1", "2024-01-01", "T", "https://x.example/"), "indicator"),
    (("ip-pledge-financing-amount", "-1", "2024-01-01", "T", "https://x.example/"), "value"),
    (("ip-pledge-financing-amount", "abc", "2024-01-01", "T", "https://x.example/"), "value"),
    (("ip-pledge-financing-amount", "NaN", "2024-01-01", "T", "https://x.example/"), "value"),
    (("ip-pledge-financing-amount", "1", "2027-01-01", "T", "https://x.example/"), "as_of"),
    (("ip-pledge-financing-amount", "1", "2019-12-31", "T", "https://x.example/"), "as_of"),
    (("ip-pledge-financing-amount", "1", "31/12/2024", "T", "https://x.example/"), "as_of"),
    (("ip-pledge-financing-amount", "1", "2024-01-01", " ", "https://x.example/"), "source_title"),
    (("ip-pledge-financing-amount", "1", "2024-01-01", "T", "javascript:alert(1)"), "source_url"),
])
def test_validation_refuses_what_cannot_be_published(app, args, field):
    with app.app_context(), pytest.raises(InvalidIndicatorValue) as error:
        validate(*args, today=date(2026, 11, 26))
    assert field in error.value.problems


def test_validation_keeps_exact_decimals(app):
    with app.app_context():
        assert validate("invention-patents-per-10k", "3.1", "2025-12-31", "T", "https://x.example/",
                        today=date(2026, 11, 26))[1] == Decimal("3.1000")


def test_cli_sets_and_lists_and_refuses(app, runner):
    result = runner.invoke(args=["indicators", "set", "invention-patents-per-10k", "3.02", "--as-of", "2025-12-31",
                                 "--source-title", "Bulletin", "--source-url", "https://example.org/b"])
    assert result.exit_code == 0 and "3.02 as of 2025-12-31 recorded" in result.output
    listed = runner.invoke(args=["indicators", "list"]).output
    assert "invention-patents-per-10k: 2020 2.09, 2025 target 3.85, latest 3.02 (2025-12-31)" in listed
    assert listed.count("not yet published") == 3
    bad = runner.invoke(args=["indicators", "set", "invention-patents-per-10k", "x", "--as-of", "2025-12-31",
                              "--source-title", "B", "--source-url", "https://example.org/b"])
    assert bad.exit_code != 0 and "value: must be a number" in bad.output


@pytest.mark.parametrize(("lang", "ended"), [("zh", "实施期已经结束"), ("en", "its period has ended")])
def test_page_says_the_plan_period_has_ended_and_links_the_plan_itself(client, lang, ended):
    html = client.get(f"/{lang}/indicators").get_data(as_text=True)
    notice = html.split('id="plan-period"', 1)[1].split("</p>", 1)[0]
    assert ended in notice and "2025" in notice
    assert 'href="https://www.hengshui.gov.cn/art/2022/11/7/art_10442_449490.html"' in html
    assert 'href="https://www.hengshui.gov.cn/"' not in html
