"""Search is counted per client address (PORTAL_SEARCH_RATE_LIMIT), once per host however many
workers answer, and a refused search says why in the visitor's language, keeping the query."""

import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from tests.support import server as portal_server
from tests.support.net import free_port

SEARCHES = 40
LIMIT = 10  # per minute, set for the gunicorn test


def test_over_the_limit_the_page_says_so_in_both_languages_and_keeps_the_query(app, client):
    app.config["SEARCH_RATE_LIMIT"] = "3 per minute"
    try:
        query = urllib.parse.quote("商标 注册")
        answers = [client.get(f"/zh/search?q={query}") for _ in range(3)]
        assert [answer.status_code for answer in answers] == [200, 200, 200]
        assert "结果" in answers[0].get_data(as_text=True)  # a real search was answered
        refused_zh = client.get(f"/zh/search?q={query}")
        refused_en = client.get("/en/search?q=trademark")
    finally:
        app.config["SEARCH_RATE_LIMIT"] = "100000 per hour"
    assert refused_zh.status_code == refused_en.status_code == 429
    assert refused_zh.headers["Retry-After"] == "60"
    zh, en = refused_zh.get_data(as_text=True), refused_en.get_data(as_text=True)
    assert "您在短时间内搜索了很多次" in zh and "请等一分钟再搜索" in zh
    assert "You have searched many times in a short while." in en and "wait a minute" in en
    assert 'value="商标 注册"' in zh and 'value="trademark"' in en  # what was typed is still there
    assert 'href="/zh/guides/"' in zh and 'href="/en/guides/"' in en  # and the guides are a click away


def test_five_workers_answer_exactly_the_configured_number_of_searches(tmp_path, seeded_instance):
    index = seeded_instance(tmp_path / "instance")
    env = portal_server.portal_env(tmp_path / "instance", PORTAL_SEARCH_INDEX_DIR=index,
                                   PORTAL_SEARCH_RATE_LIMIT=f"{LIMIT} per minute")
    port = free_port()
    server = portal_server.start_gunicorn(env, port, tmp_path / "gunicorn.log", workers=5)

    def search(number):
        url = f"http://127.0.0.1:{port}/en/search?q=trademark+{number}"
        try:
            with urllib.request.urlopen(url, timeout=30) as answer:
                return answer.status
        except urllib.error.HTTPError as refused:
            refused.close()
            return refused.code

    try:
        # Ten at a time: concurrent connections are accepted by different workers.
        with ThreadPoolExecutor(max_workers=10) as pool:
            statuses = list(pool.map(search, range(SEARCHES)))
    finally:
        portal_server.stop(server)
    assert sorted(set(statuses)) == [200, 429]
    assert statuses.count(200) == LIMIT
