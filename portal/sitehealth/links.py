"""Link checks: every internal link and every external address on the published pages.

Collecting is pure (pages in, {address: pages it is on} out). Checking external addresses is
polite: at most LINK_CHECK_CONCURRENCY hosts at once, one request at a time per host with
LINK_CHECK_HOST_DELAY seconds (or the host's robots.txt Crawl-delay, if longer) between them, every
request with a timeout, robots.txt asked first and obeyed (a disallowed address is recorded as
such, never fetched). Redirects are followed by hand, at most MAX_REDIRECTS, so a loop is named as
one. Internal links are asked of the portal itself (the app's test client), not of the network.
"""

import re
import threading
import time
import urllib.robotparser
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

MAX_REDIRECTS = 5
# Outcomes that are not a broken link (a disallowed or skipped address was not fetched at all).
NOT_BROKEN = ("ok", "redirect", "robots", "skipped")
_HREF = re.compile(r'href="([^"]*)"')


@dataclass(frozen=True)
class Result:
    url: str
    outcome: str             # ok, redirect, broken, loop, timeout, error, robots, skipped
    status: int | None = None
    redirect_to: str | None = None
    detail: str = ""

    @property
    def broken(self):
        return self.outcome not in NOT_BROKEN


def page_links(page):
    """(internal paths, external URLs) linked from a page: its body's links and its sources."""
    internal, external = set(), set()
    for href in _HREF.findall(page.html):
        href = href.replace("&amp;", "&")
        if href.startswith("/") and not href.startswith("//"):
            internal.add(href.split("#", 1)[0] or "/")
        elif href.lower().startswith(("http://", "https://")):
            external.add(href.split("#", 1)[0])
    for source in page.sources:
        external.add(source.url.split("#", 1)[0])
    for change in getattr(page, "changes", ()) or ():
        url = getattr(change, "url", None)
        if url:
            external.add(url.split("#", 1)[0])
    return internal, external


def collect(pages):
    """({internal path: [(page path, title)]}, {external url: [(page path, title)]})."""
    internal, external = defaultdict(list), defaultdict(list)
    for page in pages:
        where = (page.path, page.title)
        links_in, links_out = page_links(page)
        for path in sorted(links_in):
            internal[path].append(where)
        for url in sorted(links_out):
            external[url].append(where)
    return dict(internal), dict(external)


def _requests():
    # Imported when links are fetched (the worker loop's site check), not with the module: the web
    # server imports this module for its names, and requests would add 5 MB to it for nothing.
    import requests

    return requests


def _outcome(status):
    return "ok" if status < 400 else "broken"


def follow(fetch, url, max_redirects=MAX_REDIRECTS):
    """Follow redirects by hand with `fetch(url) -> (status, location)`; a Result. `fetch` raises
    requests' Timeout or another exception for a request that did not complete."""
    requests = _requests()
    seen = [url]
    current = url
    for _hop in range(max_redirects + 1):
        try:
            status, location = fetch(current)
        except requests.Timeout:
            return Result(url, "timeout", detail="no answer within the time limit")
        except (requests.RequestException, OSError, ValueError) as error:
            return Result(url, "error", detail=type(error).__name__)
        if status in (301, 302, 303, 307, 308) and location:
            target = urljoin(current, location)
            if target in seen:
                return Result(url, "loop", status, target, "a redirect loop")
            seen.append(target)
            current = target
            continue
        if current != url:
            return Result(url, "redirect" if status < 400 else "broken", status, current)
        return Result(url, _outcome(status), status)
    return Result(url, "loop", None, current, f"more than {max_redirects} redirects")


class HostQueue:
    """Politeness per host: one request at a time, `delay` seconds apart."""

    def __init__(self, delay):
        self.delay = delay
        self.lock = threading.Lock()
        self.last = 0.0

    def wait(self, sleep=time.sleep, clock=time.monotonic):
        with self.lock:
            pause = self.last + self.delay - clock()
            if pause > 0:
                sleep(pause)
            self.last = clock()


class ExternalChecker:
    def __init__(self, concurrency=8, timeout=10.0, host_delay=1.0, user_agent="link-check", session_factory=None):
        self.concurrency = concurrency
        self.timeout = timeout
        self.host_delay = host_delay
        self.user_agent = user_agent
        self.session_factory = session_factory or _requests().Session

    def check(self, urls):
        """{url: Result}: each host's addresses one after another, up to `concurrency` hosts at once."""
        by_host = defaultdict(list)
        for url in sorted(set(urls)):
            parts = urlsplit(url)
            by_host[(parts.scheme, parts.netloc.lower())].append(url)
        results = {}
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            for host_results in pool.map(lambda item: self._check_host(*item), by_host.items()):
                results.update(host_results)
        return results

    def _check_host(self, host, urls):
        scheme, netloc = host
        session = self.session_factory()
        session.headers["User-Agent"] = self.user_agent
        queue = HostQueue(self.host_delay)
        try:
            robots = self._robots(session, queue, f"{scheme}://{netloc}/robots.txt")
            delay = robots.crawl_delay(self.user_agent) if robots else None
            if delay:
                queue.delay = max(self.host_delay, float(delay))

            def fetch(url):
                queue.wait()
                response = session.get(url, allow_redirects=False, timeout=(self.timeout, self.timeout), stream=True)
                response.close()  # the status and headers are the answer; the body is not read
                return response.status_code, response.headers.get("Location")

            results = {}
            for url in urls:
                if robots is not None and not robots.can_fetch(self.user_agent, url):
                    results[url] = Result(url, "robots", detail="robots.txt asks not to fetch it")
                    continue
                results[url] = follow(fetch, url)
            return results
        finally:
            session.close()

    def _robots(self, session, queue, robots_url):
        """The host's robots.txt rules; None (everything allowed) when it has none or does not answer
        (the fetch that follows then reports what is wrong with the host)."""
        requests = _requests()
        try:
            queue.wait()
            response = session.get(robots_url, timeout=(self.timeout, self.timeout), allow_redirects=True)
        except (requests.RequestException, OSError, ValueError):
            return None
        parser = urllib.robotparser.RobotFileParser()
        if response.status_code in (401, 403):
            parser.disallow_all = True  # the robots convention: a refused robots.txt means "do not crawl"
            return parser
        if response.status_code >= 400:
            return None
        parser.parse(response.text.splitlines())
        return parser


def check_internal(client, paths):
    """{path: Result} by asking the portal itself (a Flask test client), redirects followed by hand."""
    def fetch(path):
        response = client.get(path)
        try:
            location = response.headers.get("Location")
            if location:
                parts = urlsplit(location)
                location = parts.path + (f"?{parts.query}" if parts.query else "")
            return response.status_code, location
        finally:
            response.close()

    return {path: follow(fetch, path) for path in sorted(set(paths))}
