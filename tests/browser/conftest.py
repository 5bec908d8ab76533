"""Browser fixtures: a real gunicorn serving the portal, and Debian's chromium driven by Playwright.

Playwright's own browser download is never used (it cannot be fetched here and would be a
second browser to trust): the launch names /usr/bin/chromium.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.support.net import free_port
from tests.support.server import flask, start_gunicorn, stop

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def server_env(tmp_path_factory, seeded_instance):
    """The environment the test server runs with, so that a test can run `flask` commands
    (outbox, digests) against the same instance folder: migrated and seeded, with the session's
    search index."""
    port, instance = free_port(), tmp_path_factory.mktemp("instance")
    # A copy of the session's index: publishing in the browser re-indexes pages, and other tests
    # read the session's index as built from the shipped files.
    search_index = tmp_path_factory.mktemp("browser") / "search_index"
    shutil.copytree(seeded_instance(instance), search_index, symlinks=True)
    return {**os.environ, "PORT": str(port), "WEB_CONCURRENCY": "2", "PORTAL_ENV": "testing",
            "PORTAL_INSTANCE_DIR": str(instance), "PORTAL_SEARCH_INDEX_DIR": str(search_index),
            "PORTAL_SITE_URL": f"http://127.0.0.1:{port}", "GUNICORN_ACCESS_LOG": "",
            # Every journey posts the request form from one address (a submission is two posts,
            # the check page and Send): the per-address limit is tested elsewhere, not here.
            "PORTAL_SUBMIT_RATE_LIMIT": "10000 per hour",
            # every browser test signs in from 127.0.0.1 to one server: the sign-in limit is not under test here
            "PORTAL_LOGIN_RATE_LIMIT": "1000 per minute"}


@pytest.fixture(scope="session")
def server(tmp_path_factory, server_env):
    env, port = server_env, server_env["PORT"]
    flask(env, "content", "import")  # served from the content store, as `make run` does
    process = start_gunicorn(env, port, tmp_path_factory.mktemp("gunicorn") / "server.log",
                             workers=env["WEB_CONCURRENCY"])
    yield f"http://127.0.0.1:{port}"
    stop(process)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (bash .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _navigated_away(request):
    """The favicon fetch the browser cancels when the test moves to the next page at once: the
    browser's own doing, not a failure of the page (every other failed request still fails the test)."""
    return "/static/favicon" in request.url and request.failure == "net::ERR_ABORTED"


@pytest.fixture()
def page(browser, server):
    """A fresh page that records console errors and failed requests; the test fails on any."""
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: None if _navigated_away(request)
            else problems.append(f"request failed: {request.url} ({request.failure})"))
    yield page
    context.close()
    assert problems == []


def run_axe(page):
    """axe-core's WCAG 2.1 A and AA rules on the current page; returns the violations.

    axe is evaluated through the DevTools protocol rather than added as a <script>: the
    portal's Content-Security-Policy rightly blocks injected inline scripts."""
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }""")
