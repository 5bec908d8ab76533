"""Mixed traffic against gunicorn (4 workers) on SQLite and on PostgreSQL, then the database.

For --seconds (60) a pool of client processes sends one of two mixes, over keep-alive connections:
"browse", 70 % guide pages, 20 % searches and 10 % submissions (each a real one: open the form
for its CSRF and form tokens, post it to the check page, then press Send); and "attack", the
requests that cost the server most, an attacker's choice: 45 % searches (half of them made-up
words with no hits, which ask for a "did you mean"), 45 % submissions, 10 % guide pages. The rate
limits are set out of reach, so the figures show the cost of the work the limits would otherwise
refuse.
Prints throughput, p50/p95/p99 per kind and errors; then checks the
database: every acknowledged submission (303) stored exactly once with its two e-mails, nothing
extra. Meanwhile it samples the memory of the whole gunicorn process tree (master + workers):
RSS summed (counts the pages the preloaded app shares between workers once per process, so it
overstates) and PSS summed (shares them out: the memory the tree really costs), and prints each
process's PSS at the sample where the sum peaked. Printed, never asserted; targets: 0 errors,
0 lost, PSS sum <= 250 MB with 4 workers.

    python bench/load.py [--seconds 60] [--clients 8] [--mix browse|attack|both] [--skip-postgres]
                         [--before /work/main]
"""

import argparse
import http.client
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.intake import verify  # noqa: E402 (the same check as the intake benchmark)
from bench.pages import start_checkout  # noqa: E402
from tests.support import postgres  # noqa: E402
from tests.support.forms import REQUEST_FIELDS, check_page_fields, form_tokens  # noqa: E402
from tests.support.net import free_port  # noqa: E402
from tests.support.server import flask, portal_env, start_gunicorn, stop  # noqa: E402

MIXES = {"browse": (("guide", 70), ("search", 20), ("submit", 10)),
         "attack": (("guide", 10), ("search", 45), ("submit", 45))}
KINDS = ("guide", "search", "submit")
QUERIES = {"zh": ["商标", "专利质押融资", "地理标志", "维权援助", "软件著作权登记", "海外纠纷"],
           "en": ["trademark", "patent pledge", "geographical indication", "copyright software", "customs"]}
COOKIE = re.compile(r"session=([^;]+)")


def guide_paths():
    return [f"/{lang}/guides/{path.name.split('.')[0]}" for path in sorted((ROOT / "content" / "guides").glob("*.md"))
            for lang in [path.name.split(".")[1]]]


class Client:
    """One keep-alive connection and one cookie, like a browser tab."""

    def __init__(self, port):
        self.port, self.cookie, self.connection = port, None, None

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = f"session={self.cookie}"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
            except (ConnectionError, http.client.HTTPException):
                self.connection.close()
                self.connection = None
                if attempt == 2 or method == "POST":  # a POST is never silently resent
                    raise
                continue
            found = COOKIE.search(response.getheader("Set-Cookie") or "")
            if found:
                self.cookie = found[1]
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = None
            return response.status, response.getheader("Location"), data
        raise AssertionError("unreachable")


def made_up_word(rng):
    return "".join(rng.choice("abcdefghijklmnoprstuvw") for _ in range(rng.randint(5, 11)))


def client_loop(port, seconds, seed, mix):
    rng = random.Random(seed)
    guides = guide_paths()
    kinds = [kind for kind, weight in MIXES[mix] for _ in range(weight)]
    client = Client(port)
    latencies = {kind: [] for kind in KINDS}
    errors = {kind: 0 for kind in KINDS}
    tokens = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        kind = rng.choice(kinds)
        lang = rng.choice(("zh", "en"))
        started = time.perf_counter()
        try:
            if kind == "guide":
                ok = client.request("GET", rng.choice(guides))[0] == 200
            elif kind == "search":
                word = made_up_word(rng) if mix == "attack" and rng.random() < 0.5 else rng.choice(QUERIES[lang])
                query = urllib.parse.quote(word)
                ok = client.request("GET", f"/{lang}/search?q={query}")[0] == 200
            else:
                path = f"/{lang}/requests/new?type=general"
                status, _location, html = client.request("GET", path)
                html = html.decode()
                fields = {**REQUEST_FIELDS, **form_tokens(html)}
                form_type = {"Content-Type": "application/x-www-form-urlencoded"}
                # the check page (nothing saved yet), then "Send", as a person goes through the form
                status, _location, page = client.request("POST", path, urllib.parse.urlencode(fields), form_type)
                status, location, _body = client.request(
                    "POST", path, urllib.parse.urlencode(check_page_fields(page.decode()), doseq=True), form_type)
                ok = status == 303 and "/status/" in (location or "")
                if ok:
                    tokens.append(location.split("/status/")[1].split("?")[0])
        except (OSError, http.client.HTTPException, AssertionError):  # AssertionError: not the form
            ok = False
        if ok:
            latencies[kind].append((time.perf_counter() - started) * 1000)
        else:
            errors[kind] += 1
    return latencies, errors, tokens


def process_memory(master_pid):
    """[(name, RSS MB, PSS MB)] of the master and each of its children (the workers)."""
    pids = [master_pid]
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    if children.exists():
        pids += [int(pid) for pid in children.read_text().split()]
    found = []
    for number, pid in enumerate(pids):
        rss = pss = 0
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
        except OSError:
            continue  # a worker being replaced
        found.append(("master" if number == 0 else f"worker {number}", rss / 1024, pss / 1024))
    return found


def tree_memory(master_pid):
    """(RSS, PSS) in MB of the master and its children, summed."""
    found = process_memory(master_pid)
    return sum(rss for _n, rss, _p in found), sum(pss for _n, _r, pss in found)


def percentile(values, share):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(name, database_url, args, mix):
    instance = Path(tempfile.mkdtemp(prefix="bench-load-"))
    env = portal_env(instance, DATABASE_URL=database_url, PORTAL_SUBMIT_RATE_LIMIT="10000000 per hour",
                     PORTAL_SEARCH_RATE_LIMIT="10000000 per hour",
                     GUNICORN_LOG_LEVEL="warning")
    for command in (["db", "upgrade"], ["seed", "demo"], ["search", "build"]):
        flask(env, *command, timeout=600)
    port = free_port()
    if args.before:
        server = start_checkout(args.before, env, port, args.workers, instance / "gunicorn.log")
    else:
        server = start_gunicorn(env, port, instance / "gunicorn.log", workers=args.workers)
    peak = [0.0, 0.0, []]  # RSS sum, PSS sum, the processes at the PSS peak
    sampling = True

    def sample():
        while sampling:
            found = process_memory(server.pid)
            rss, pss = sum(row[1] for row in found), sum(row[2] for row in found)
            peak[0] = max(peak[0], rss)
            if pss > peak[1]:
                peak[1], peak[2] = pss, found
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    try:
        warm = Client(port)
        for path in guide_paths():
            warm.request("GET", path)
        warm.request("GET", "/zh/search?q=" + urllib.parse.quote("商标"))
        sampler.start()
        started = time.monotonic()
        with ProcessPoolExecutor(args.clients) as pool:
            results = list(pool.map(client_loop, [port] * args.clients, [args.seconds] * args.clients,
                                    range(args.clients), [mix] * args.clients))
        elapsed = time.monotonic() - started
    finally:
        sampling = False
        stop(server)
    latencies = {kind: [v for r in results for v in r[0][kind]] for kind in KINDS}
    errors = {kind: sum(r[1][kind] for r in results) for kind in KINDS}
    tokens = [t for r in results for t in r[2]]
    once, missing, duplicated, without = verify(env, tokens)
    total = sum(len(v) for v in latencies.values())
    if args.before:
        name += f" ({args.before})"
    print(f"\n{name}, {mix} mix: {args.workers} workers, {args.clients} clients, {elapsed:.0f} s, "
          f"{total / elapsed:.0f} requests/s ok ({sum(errors.values())} errors); "
          f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"  {'kind':<8} {'count':>7} {'per s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for kind in KINDS:
        values = latencies[kind]
        median = statistics.median(values) if values else float("nan")
        print(f"  {kind:<8} {len(values):>7} {len(values) / elapsed:>7.1f} {median:>8.1f}"
              f" {percentile(values, .95):>8.1f} {percentile(values, .99):>8.1f} {errors[kind]:>7}")
    print("  (a submission is its form GET, the check page's POST and Send's POST, timed together)")
    print(f"  database: {len(tokens)} acknowledged, {once} stored exactly once, {missing} lost, "
          f"{duplicated} duplicated, {without} without their two e-mails")
    print(f"  memory of the gunicorn tree (master + {args.workers} workers), peak: RSS sum {peak[0]:.0f} MB, "
          f"PSS sum {peak[1]:.0f} MB (target <= 250 MB)")
    print("  PSS per process at that peak: " + ", ".join(f"{who} {pss:.0f} MB (RSS {rss:.0f})"
                                                       for who, rss, pss in peak[2]))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--mix", choices=(*MIXES, "both"), default="both")
    parser.add_argument("--before", type=Path, help="serve another checkout's code instead (e.g. /work/main)")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; the load generator runs on the same machine (its CPU is shared with the server); "
          f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    mixes = tuple(MIXES) if args.mix == "both" else (args.mix,)
    for mix in mixes:
        run("SQLite", "", args, mix)
    if args.skip_postgres:
        return
    if not postgres.available():
        print(f"\nPostgreSQL: skipped ({postgres.UNAVAILABLE})")
        return
    for mix in mixes:
        with postgres.throwaway_database("portal_bench") as database_url:  # its own, dropped after
            run(f"PostgreSQL ({database_url.rsplit('/', 1)[1]})", database_url, args, mix)


if __name__ == "__main__":
    main()
