"""The search index, the query path and the /search page, on the real content."""

import os
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.search import current_search
from portal.search.indexer import CURRENT, current_build, is_stale


@pytest.fixture()
def search(app):
    with app.app_context():
        yield current_search()


def urls(results):
    return [hit.url for hit in results.hits]


def test_build_writes_one_document_per_page_per_language(app, catalog):
    folder, info = current_build(app.config["SEARCH_INDEX_DIR"])
    assert info["documents"] == len(catalog)
    assert info["content_build"] == catalog.build_id
    assert not is_stale(app.config["SEARCH_INDEX_DIR"], catalog.build_id)
    assert is_stale(app.config["SEARCH_INDEX_DIR"], "another-build")


def test_build_if_stale_skips_an_up_to_date_index(runner):
    result = runner.invoke(args=["search", "build", "--if-stale"])
    assert result.exit_code == 0 and "up to date" in result.output


def test_a_new_build_is_switched_in_atomically_and_picked_up_without_restart(app, runner, search):
    root = app.config["SEARCH_INDEX_DIR"]
    before = search.opened().build
    assert os.readlink(os.path.join(root, CURRENT)) == before
    time.sleep(0.01)  # build names carry the time to the microsecond
    assert runner.invoke(args=["search", "build"]).exit_code == 0
    after = os.readlink(os.path.join(root, CURRENT))
    assert after != before
    assert search.search("商标", "zh").total > 0
    assert search.opened().build == after  # the next search reopened the new build
    builds = [name for name in os.listdir(root) if name.startswith("build-")]
    assert set(builds) == {before, after}  # the previous build is kept for a rollback


@pytest.mark.parametrize(("query", "lang", "first"), [
    ("专利怎么质押贷款", "zh", "/zh/guides/patent-pledge-financing"),
    ("地理标志产品怎么申请", "zh", "/zh/guides/geographical-indications"),
    ("软件著作权登记要多久", "zh", "/zh/guides/software-copyright-registration"),
    ("美国337调查", "zh", "/zh/guides/overseas-ip-risk"),
    ("someone registered our trademark abroad", "en", "/en/guides/overseas-ip-risk"),
])
def test_the_issue_examples_find_the_right_guide_first(search, query, lang, first):
    assert urls(search.search(query, lang))[0] == first


def test_results_stay_in_the_page_language(search):
    assert all(url.startswith("/en/") for url in urls(search.search("trademark", "en")))
    assert all(url.startswith("/zh/") for url in urls(search.search("商标", "zh")))


def test_other_language_results_are_offered_when_none_match(search):
    results = search.search("Madrid Protocol", "zh", other_lang="en")  # English words, Chinese pages
    assert results.total == 0 and results.hits == ()
    assert "/en/guides/overseas-ip-risk" in [hit.url for hit in results.other_language]  # where Madrid is
    # A phrase only the English pages use (the Chinese overseas guide says 保护函); "freedom-to-operate"
    # no longer qualifies: the Chinese 337 alert names "GM Global Technology Operations LLC".
    english_only = search.search("protective letter", "zh", other_lang="en")
    assert english_only.total == 0
    assert english_only.other_language and english_only.other_language[0].url.startswith("/en/")


def catalog_pages(lang):
    from flask import current_app
    return current_app.extensions["catalog"].in_section("guides", lang)


def test_facets_count_and_filter(search):
    everything = search.search("商标", "zh")
    topics = dict(everything.facets["topics"])
    narrowed = search.search("商标", "zh", {"topics": "geographical-indication"})
    assert narrowed.total == topics["geographical-indication"] < everything.total
    # exactly the pages that carry the topic and mention the word (guides, and since issue 14 policy
    # files and interpretations), all on the first page
    from flask import current_app
    with_topic = [f"/zh/{page.section}/{page.slug}" for page in current_app.extensions["catalog"]
                  if page.lang == "zh" and page.section in ("guides", "policies", "interpretations")
                  and "geographical-indication" in page.topics and "商标" in page.title + page.text]
    assert with_topic and sorted(urls(narrowed)) == sorted(with_topic) and len(with_topic) == narrowed.total
    guides_mentioning = [page for page in catalog_pages("zh") if "商标" in page.title + page.text]
    assert dict(everything.facets["kind"])["guide"] == len(guides_mentioning)


def test_snippets_mark_the_query_words_and_escape_the_text(search):
    hit = search.search("质押", "zh").hits[0]
    assert "<mark>质押</mark>" in str(hit.snippet)
    assert "<script" not in str(search.search("<script>alert(1)</script>", "en").hits[:1])


def test_pages_are_clamped_to_the_valid_range(search):
    results = search.search("商标", "zh", page=999)
    assert results.page == results.pages
    assert search.search("商标", "zh", page=-5).page == 1


def test_did_you_mean_for_misspelt_english(search):
    assert search.search("trademrk registraton", "en").suggestion == "trademark registration"
    assert search.search("trademark registration", "en").suggestion is None


def test_search_page_in_both_languages(client):
    html = client.get("/zh/search?q=专利怎么质押贷款").get_data(as_text=True)
    assert '<html lang="zh-Hans">' in html
    assert re.search(r'<a href="/zh/guides/patent-pledge-financing">[^<]*<mark>', html)
    assert 'name="robots" content="noindex"' in html
    english = client.get("/en/search?q=geographical+indication").get_data(as_text=True)
    assert "/en/guides/geographical-indications" in english
    # the language switch keeps the query
    assert 'class="language-switch" href="/zh/search?q=geographical+indication"' in english


def test_facet_links_work_without_javascript(client):
    html = client.get("/zh/search?q=商标").get_data(as_text=True)
    link = re.search(r'href="(/zh/search\?[^"]*topic=geographical-indication[^"]*)"', html).group(1)
    narrowed = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert 'aria-current="true"' in narrowed


def test_zero_results_page_points_to_the_hubs_and_the_request_form(client):
    html = client.get("/en/search?q=xyzzyqqq").get_data(as_text=True)
    assert "No results" in html
    assert 'href="/en/guides/?topic=trademark"' in html and 'href="/en/requests/new"' in html


def test_search_box_is_in_the_header_of_every_page(client):
    for path in ("/zh/", "/en/guides/trademark-registration", "/zh/about"):
        html = client.get(path).get_data(as_text=True)
        assert 'role="search"' in html and 'name="q"' in html


def test_opensearch_description(client):
    response = client.get("/zh/opensearch.xml")
    assert response.mimetype == "application/opensearchdescription+xml"
    assert "https://portal.example/zh/search?q={searchTerms}" in response.get_data(as_text=True)
    assert 'rel="search" type="application/opensearchdescription+xml"' in client.get("/zh/").get_data(as_text=True)


NASTY = ["", " ", "x" * 10240, 'AND OR NOT ((( "', "*", "a*", "~2", "title:x", "\x00\x1f\x7f", "%E0%A4%A",
         "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀", "\u202e\u200b", "q=1&page=2", "<script>alert(1)</script>", "' OR 1=1 --"]


@pytest.mark.parametrize("query", NASTY)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_search_page_never_fails(client, lang, query):
    started = time.perf_counter()
    response = client.get(f"/{lang}/search", query_string={"q": query, "page": "x", "topic": "<b>"})
    assert response.status_code == 200
    assert time.perf_counter() - started < 5  # generous; the bench measures the real figures
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/zh/search?q=%E0%A4%A", "/zh/search?q=%ff%fe", "/en/search?q=%",
                                  "/en/search?page=%00"])
def test_invalid_percent_encoding_is_not_an_error(client, path):
    assert client.get(path).status_code == 200


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300), st.sampled_from(["zh", "en"]), st.integers(min_value=-10, max_value=10**6))
def test_any_text_goes_through_the_query_path(search, text, lang, page):
    results = search.search(text, lang, page=page, other_lang="en" if lang == "zh" else "zh")
    assert results.page >= 1 and results.page <= results.pages
    assert results.total >= len(results.hits)


def test_unavailable_index_says_so_and_the_site_carries_on(tmp_path):
    from portal import create_app
    from portal.config import ROOT

    app = create_app({"TESTING": True, "CONTENT_DIR": ROOT / "content", "INSTANCE_DIR": tmp_path / "i",
                      "SEARCH_INDEX_DIR": tmp_path / "no-index"})
    client = app.test_client()
    response = client.get("/zh/search?q=商标")
    assert response.status_code == 503
    assert "搜索暂时不可用" in response.get_data(as_text=True)
    assert client.get("/zh/guides/trademark-registration").status_code == 200
    # a corrupt build: the link points at a folder with no index in it
    (tmp_path / "no-index").mkdir()
    (tmp_path / "no-index" / "build-broken").mkdir()
    os.symlink("build-broken", tmp_path / "no-index" / CURRENT)
    assert client.get("/en/search?q=trademark").status_code == 503


def test_threads_of_one_worker_search_at_once_with_the_answers_of_one_at_a_time(app):
    """gthread workers search from many threads at once: the reader's files are shared, and
    unlocked reads mixed two threads' bytes (a 500)."""
    from concurrent.futures import ThreadPoolExecutor

    from portal.search.service import SearchIndex

    queries = [(q, lang) for q in ("商标注册", "专利质押融资", "地理标志", "维权援助", "软件著作权", "海关备案",
                                   "trademark registration", "patent pledge", "geographical indication",
                                   "customs recordation", "copyright", "mediation")
               for lang in ("zh", "en")]
    root = app.config["SEARCH_INDEX_DIR"]

    def answers(search, query_lang):
        outcome = search.search(*query_lang, other_lang="en")
        return outcome.total, [hit.url for hit in outcome.hits], [str(hit.snippet) for hit in outcome.hits]

    alone = SearchIndex(root)
    expected = [answers(alone, case) for case in queries]
    for _round in range(5):
        shared = SearchIndex(root)  # cold caches: every thread reads postings and stored fields
        with ThreadPoolExecutor(max_workers=8) as pool:
            assert list(pool.map(answers, [shared] * len(queries) * 2, queries * 2)) == expected * 2


def test_a_search_asked_again_is_answered_from_the_worker_until_the_index_changes(app, client, monkeypatch):
    address = "/en/search?q=trademark+registration&topic=trademark"
    first = client.get(address)
    assert first.status_code == 200 and "Narrow the results" in first.get_data(as_text=True)
    with app.app_context():
        search = current_search()
        real, calls = search.search, []
        monkeypatch.setattr(search, "search", lambda *args, **kwargs: calls.append(args) or real(*args, **kwargs))
        assert client.get(address).data == first.data and calls == []  # from the worker's pages
        assert client.get(address + "&page=2").status_code == 200 and len(calls) == 1  # another page
        monkeypatch.setattr(app.extensions["search_pages"], "stamp", ("another build", 0))  # the index changed
        assert client.get(address).data == first.data and len(calls) == 2  # searched again
