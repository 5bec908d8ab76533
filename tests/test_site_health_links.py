"""Link checks against real HTTP servers on 127.0.0.1: a working page, 404, 500, a redirect that
works, a redirect loop, a server that never answers in time, a slow one that does, robots.txt
obeyed; at most N hosts at once and one request at a time per host; results stored per run."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from portal.db import db
from portal.sitehealth import links, service
from portal.sitehealth.models import LinkResult, SiteCheckRun


class Handler(BaseHTTPRequestHandler):
    routes = {
        "/ok": (200, None, 0),
        "/missing": (404, None, 0),
        "/error": (500, None, 0),
        "/moved": (301, "/ok", 0),
        "/moved-to-missing": (302, "/missing", 0),
        "/loop-a": (302, "/loop-b", 0),
        "/loop-b": (302, "/loop-a", 0),
        "/slow": (200, None, 0.3),     # slower than usual, well within the time limit
        "/hang": (200, None, 3.0),     # longer than the time limit
        "/private/page": (200, None, 0),
    }

    def do_GET(self):  # noqa: N802 (http.server's name)
        server = self.server
        with server.lock:
            server.active += 1
            server.peak = max(server.peak, server.active)
            server.seen.append(self.path)
            server.shared["active"] += 1
            server.shared["peak"] = max(server.shared["peak"], server.shared["active"])
        finished = False

        def finish():
            # Counted as done before the headers go out: the checker reads only them and may ask its
            # next question at once, before this thread runs on (then it showed as two at once).
            nonlocal finished
            if not finished:
                finished = True
                with server.lock:
                    server.active -= 1
                    server.shared["active"] -= 1

        try:
            if self.path == "/robots.txt":
                body = server.robots.encode()
                self.send_response(200 if server.robots else 404)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                finish()
                self.end_headers()
                self.wfile.write(body)
                return
            status, location, pause = self.routes.get(self.path, (404, None, 0))
            time.sleep(pause)
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Length", "2")
            finish()
            self.end_headers()
            self.wfile.write(b"ok")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the checker gave up on /hang, as it should
        finally:
            finish()

    def log_message(self, *args):
        pass


def start(robots="", shared=None):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.robots, server.lock, server.active, server.peak, server.seen = robots, shared["lock"], 0, 0, []
    server.shared = shared
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture()
def servers():
    shared = {"lock": threading.Lock(), "active": 0, "peak": 0}
    running = []

    def make(robots=""):
        server = start(robots, shared)
        running.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}", server

    make.shared = shared
    yield make
    for server in running:
        server.shutdown()
        server.server_close()


def checker(**overrides):
    settings = {"concurrency": 4, "timeout": 1.0, "host_delay": 0, "user_agent": "PortalLinkCheck"}
    settings.update(overrides)
    return links.ExternalChecker(**settings)


def test_each_kind_of_answer_is_named(servers):
    base, _server = servers("User-agent: *\nDisallow: /private\n")
    urls = [f"{base}{path}" for path in ("/ok", "/missing", "/error", "/moved", "/moved-to-missing", "/loop-a",
                                         "/slow", "/hang", "/private/page")]
    results = checker().check(urls)
    outcome = {url.removeprefix(base): (r.outcome, r.status) for url, r in results.items()}
    assert outcome == {
        "/ok": ("ok", 200), "/missing": ("broken", 404), "/error": ("broken", 500), "/moved": ("redirect", 200),
        "/moved-to-missing": ("broken", 404), "/loop-a": ("loop", 302), "/slow": ("ok", 200),
        "/hang": ("timeout", None), "/private/page": ("robots", None)}
    assert results[f"{base}/moved"].redirect_to == f"{base}/ok"
    assert results[f"{base}/loop-a"].redirect_to == f"{base}/loop-a"
    assert [r.broken for r in (results[f"{base}/ok"], results[f"{base}/hang"], results[f"{base}/private/page"])] \
        == [False, True, False]


def test_robots_txt_is_obeyed_and_asked_first(servers):
    base, server = servers("User-agent: *\nDisallow: /\n")
    results = checker().check([f"{base}/ok", f"{base}/missing"])
    assert {r.outcome for r in results.values()} == {"robots"}
    assert server.seen == ["/robots.txt"]  # nothing else was fetched


def test_an_unreachable_host_is_an_error_not_a_crash():
    from tests.support.net import free_port

    results = checker().check([f"http://127.0.0.1:{free_port()}/anything"])
    assert [r.outcome for r in results.values()] == ["error"]


def test_one_request_at_a_time_per_host_and_at_most_n_hosts_at_once(servers):
    hosts = [servers() for _ in range(4)]
    urls = [f"{base}/slow" for base, _s in hosts] + [f"{base}/ok" for base, _s in hosts]
    checker(concurrency=2).check(urls)
    assert all(server.peak == 1 for _base, server in hosts)  # politeness: never two at once on a host
    assert servers.shared["peak"] <= 2                       # the bound on hosts at once
    assert all("/slow" in server.seen and "/ok" in server.seen for _base, server in hosts)


def test_the_pause_between_requests_to_one_host():
    waits = []
    clock = iter([0.0, 0.0, 0.2, 0.2, 5.0, 5.0]).__next__
    queue = links.HostQueue(1.5)
    for _ in range(3):
        queue.wait(sleep=waits.append, clock=clock)
    assert waits == [1.5, 1.3]  # the first at once, the second after the delay, the third had waited enough


def test_a_robots_crawl_delay_longer_than_the_setting_is_kept(servers):
    base, _server = servers("User-agent: *\nCrawl-delay: 7\n")
    pauses = []
    original = links.HostQueue.wait

    def spy(self, sleep=time.sleep, clock=time.monotonic):
        pauses.append(self.delay)
        return original(self, sleep=lambda seconds: None, clock=clock)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(links.HostQueue, "wait", spy)
        checker(host_delay=0.5).check([f"{base}/ok"])
    assert pauses[-1] == 7.0


def test_a_run_stores_internal_and_external_results_with_their_pages(app, servers, monkeypatch):
    base, _server = servers()
    with app.app_context():
        catalog = app.extensions["catalog"]
        page = next(p for p in catalog if p.section == "guides" and p.lang == "zh")
        real_collect = links.collect

        def collect(pages):
            internal, external = real_collect(pages)
            internal["/zh/guides/no-such-guide"] = [(page.path, page.title)]
            return internal, {f"{base}/missing": [(page.path, page.title)], f"{base}/ok": [(page.path, page.title)]}

        monkeypatch.setattr(links, "collect", collect)
        run = service.run_link_check(checker=checker())
        rows = {row.url: row for row in db.session.scalars(select(LinkResult).where(LinkResult.run_id == run.id))}
        assert rows[f"{base}/missing"].outcome == "broken" and rows[f"{base}/missing"].status == 404
        assert rows[f"{base}/missing"].pages == [[page.path, page.title]]
        assert rows["/zh/guides/no-such-guide"].outcome == "broken" and rows["/zh/guides/no-such-guide"].internal
        assert rows["/zh/guides/"].outcome == "ok"
        assert run.broken == 2 and run.finished_at is not None
        ordered = service.link_rows(run)
        assert {ordered[0].outcome, ordered[1].outcome} == {"broken"}  # broken ones first
        for _ in range(4):
            service.run_link_check(checker=checker())
        assert len(db.session.scalars(select(SiteCheckRun)).all()) == service.KEEP_RUNS


def test_the_dashboard_reads_stored_results_and_never_checks(app, monkeypatch):
    from tests.staff_helpers import login

    def refuse(*args, **kwargs):
        raise AssertionError("the dashboard must not check links")

    monkeypatch.setattr(links.ExternalChecker, "check", refuse)
    monkeypatch.setattr(links, "check_internal", refuse)
    client = app.test_client()
    assert login(client, "editor@demo.invalid").status_code == 303
    response = client.get("/zh/staff/site-health")
    assert response.status_code == 200
    assert "尚未运行检查" in response.get_data(as_text=True)
