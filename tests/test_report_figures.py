"""The service report counted in SQL gives the figures the Python definition (`aggregate`, on every
row read into Python as the report did before) gives, on SQLite and PostgreSQL; the public pages
computed from the database are kept for the rest of the current minute."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from portal import create_app
from portal.config import ROOT
from portal.db import db
from portal.models import Institution
from portal.reports.aggregates import service_report
from tests.support import postgres
from tests.support.report_data import python_report, seed_requests

NOW = datetime(2026, 11, 20, 3, 30, tzinfo=UTC)

def same_figures():
    for year in (2025, 2026, 2027):
        expected = python_report(year, NOW)
        assert service_report(year, NOW)[0] == expected, year
    rows = python_report(2026, NOW)
    # The data exercised every column: medians, late and on-time answers, ratings and follow-ups.
    assert len(rows) > 40 and any(row.median_hours for row in rows)
    assert sum(row.on_time for row in rows) and sum(row.decided - row.on_time for row in rows)
    assert sum(row.rated for row in rows) and sum(row.bad_on_time for row in rows)
    assert {row.month for row in rows} >= {"2026-01", "2026-06", "2026-07", "2026-12"}
    return rows


def test_sql_figures_equal_the_python_definition_on_sqlite(app):
    with app.app_context():
        seed_requests()
        same_figures()
        edge = {row.month for row in python_report(2025, NOW)}
        assert edge == {"2025-12"}  # 15:59:59 UTC on 31 December is still 2025 in Beijing


@pytest.mark.skipif(not postgres.available(), reason=postgres.UNAVAILABLE)
def test_sql_figures_equal_the_python_definition_on_postgresql(tmp_path, postgres_url):
    postgres.empty_schema(postgres_url)
    app = create_app({"TESTING": True, "CONTENT_DIR": ROOT / "content", "INSTANCE_DIR": tmp_path,
                      "SEARCH_INDEX_DIR": tmp_path / "si", "DATABASE_URL": postgres_url})
    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["seed", "demo"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output
    try:
        with app.app_context():
            seed_requests()
            same_figures()
    finally:
        with app.app_context():
            db.engine.dispose()


def test_report_and_directory_are_kept_until_the_minute_ends(app, client, monkeypatch):
    app.config["DB_PAGES_CACHE_SECONDS"] = 60
    clock = [1_800_000_000.0]  # a whole minute since the epoch
    monkeypatch.setattr("portal.page_cache.time.time", lambda: clock[0])
    app.extensions["timed_pages"].clear()
    try:
        first = client.get("/en/service-report")
        assert first.status_code == 200 and "No requests were received" in first.get_data(as_text=True)
        assert first.headers["Cache-Control"] == "public, no-cache"  # browsers ask again (ETag)
        directory = client.get("/en/institutions?county=wuyi").get_data(as_text=True)
        assert "Notary office (demo)" in directory
        with app.app_context():
            seed_requests(count=30)
            db.session.scalar(select(Institution).where(Institution.slug == "notary")).active = False
            db.session.commit()
        clock[0] += 59
        later = client.get("/en/service-report")
        assert later.data == first.data
        assert "Notary office (demo)" in client.get("/en/institutions?county=wuyi").get_data(as_text=True)
        assert client.get("/en/service-report", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
        # Other spellings of the same choices share the entry; nothing unknown is stored.
        client.get("/en/institutions?county=wuyi&junk=1")
        client.get("/en/institutions?county=atlantis")
        assert sorted(key[2] for key in app.extensions["timed_pages"]) == ["", "county=wuyi"]
        clock[0] += 1  # the next minute
        kept = app.extensions["timed_pages"][("http", "/en/service-report", "", False)]
        kept.refresh_started = clock[0]  # as if another thread were rendering the new minute's page
        assert client.get("/en/service-report").data == first.data  # this one serves the last page
        kept.refresh_started = clock[0] - 31  # that render failed or hangs: the next request renders
        assert "Requests received in" in client.get("/en/service-report").get_data(as_text=True)
        assert "Notary office (demo)" not in client.get("/en/institutions?county=wuyi").get_data(as_text=True)
    finally:
        app.config["DB_PAGES_CACHE_SECONDS"] = 0
        app.extensions["timed_pages"].clear()
