"""The migrations build the schema the models describe: `flask db upgrade` on an empty database,
then Alembic's comparison of the result with the models finds nothing (tables, columns, types,
nullability, indexes, unique and foreign keys), and `flask db check` agrees. On SQLite and on
this run's PostgreSQL database.

Server defaults are not compared (Alembic's default): its comparison of them is not reliable
here ('' against "''" on SQLite, no json = text operator on PostgreSQL). Migration 0003 leaves
server defaults on four columns on purpose, to fill the rows that existed before them."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal import create_app
from portal.db import db
from tests.support import postgres


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        return ""
    url = request.getfixturevalue("postgres_url")  # skips when PostgreSQL is not there
    postgres.empty_schema(url)
    return url


def test_upgrade_to_head_gives_the_schema_of_the_models(tmp_path, empty_database):
    app = create_app({"TESTING": True, "INSTANCE_DIR": tmp_path, "SEARCH_INDEX_DIR": tmp_path / "si",
                      "DATABASE_URL": empty_database})
    runner = app.test_cli_runner()
    try:
        result = runner.invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output
        with app.app_context(), db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], "models and migrations differ; add a migration:\n" + "\n".join(
            map(str, differences))
        check = runner.invoke(args=["db", "check"])  # Alembic's own check, through migrations/env.py
        assert check.exit_code == 0, check.output
    finally:
        with app.app_context():
            db.engine.dispose()
