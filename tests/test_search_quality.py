"""Search quality over the labelled query set in tests/search_quality/queries.yaml."""

from pathlib import Path

import yaml

from portal.search import current_search
from portal.search.quality import evaluate

CASES_FILE = Path(__file__).parent / "search_quality" / "queries.yaml"


def load_cases():
    with open(CASES_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def test_the_query_set_is_big_and_balanced():
    cases = load_cases()
    assert len(cases) >= 40
    languages = [case["lang"] for case in cases]
    assert abs(languages.count("zh") - languages.count("en")) <= 4


def test_recall_at_3_and_mrr(app):
    with app.app_context():
        search = current_search()
        report = evaluate(lambda q, lang: [hit.url for hit in search.search(q, lang).hits], load_cases())
    assert report.recall_at_3 >= 0.9, report.misses
    assert report.mrr >= 0.8, report.misses
