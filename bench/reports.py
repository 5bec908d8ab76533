"""The public pages computed from the database: /zh/service-report and /zh/institutions.

A fresh instance (migrated, demo institutions) with --requests synthetic requests over this
Beijing year (tests/support/report_data.py, marked demo), then under gunicorn.conf.py with wrk:
bare Flask, each page kept for its minute (the default), and each page computed on every
request (PORTAL_DB_PAGES_CACHE_SECONDS=0, what every request cost before). Also, in this process,
the report counted in SQL against every row read into Python (the old way). Printed, never
asserted; target: each page >= 4x what it was.

    python bench/reports.py [--requests 5000] [--seconds 10] [--connections 16] [--before /work/main]

--before DIR also serves the pages from another checkout (e.g. the main branch, before this
change) on the same database, in the same run.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import load, start, start_checkout  # noqa: E402
from tests.support.net import free_port  # noqa: E402
from tests.support.server import flask, portal_env, start_gunicorn, stop  # noqa: E402

PATHS = ("/zh/service-report", "/zh/institutions")


def seed(env, count):
    from portal import create_app
    from portal.db import db
    from tests.support.report_data import seed_requests

    with mock.patch.dict(os.environ, env, clear=True):
        app = create_app()
    with app.app_context():
        year = datetime.now(UTC).year
        seed_requests(count=count, start=datetime(year, 1, 1, tzinfo=UTC), days=330)
        db.engine.dispose()
    return app


def time_in_process(app, repeats=20):
    """ms per report: counted in SQL, and every row read into Python (as before)."""
    from portal.reports.aggregates import service_report
    from tests.support.report_data import python_report

    year, now = datetime.now(UTC).year, datetime.now(UTC)
    with app.app_context():
        results = {}
        for name, run in (("SQL (now)", lambda: service_report(year, now)[0]),
                          ("rows into Python (before)", lambda: python_report(year, now))):
            run()
            started = time.perf_counter()
            for _ in range(repeats):
                rows = run()
            results[name] = ((time.perf_counter() - started) * 1000 / repeats, len(rows))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--before", type=Path, help="another checkout to measure on the same data")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    instance = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    try:
        env = portal_env(instance, GUNICORN_LOG_LEVEL="warning")
        for command in (["db", "upgrade"], ["seed", "demo"]):
            flask(env, *command, timeout=600)
        app = seed(env, args.requests)
        print(f"\nThe report in this process ({args.requests} requests this year):")
        for name, (ms, rows) in time_in_process(app).items():
            print(f"  {name:<28} {ms:7.1f} ms ({rows} rows)")

        rows = []
        port = free_port()
        server = start("bench.bare_app:app", port, args.workers)
        try:
            rows.append(("bare Flask /", load(f"http://127.0.0.1:{port}/", args.seconds, args.connections, 2)))
        finally:
            stop(server)
        runs = [("before", f"{args.before} (before)")] if args.before else []
        runs += [("0", "in SQL, computed on every request"), ("60", "in SQL, kept for the minute (now)")]
        for seconds, label in runs:
            port = free_port()
            if seconds == "before":
                server = start_checkout(args.before, env, port, args.workers, instance / "before.log")
            else:
                server = start_gunicorn({**env, "PORTAL_DB_PAGES_CACHE_SECONDS": seconds}, port,
                                        instance / "gunicorn.log", workers=args.workers)
            try:
                for path in PATHS:
                    rows.append((f"{path} {label}",
                                 load(f"http://127.0.0.1:{port}{path}", args.seconds, args.connections, 2)))
            finally:
                stop(server)
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    base = rows[0][1]["rps"]
    print(f"\ngunicorn.conf.py, {args.workers} workers, wrk 2 threads x {args.connections} connections, "
          f"{args.seconds} s each, {os.cpu_count()} cores")
    print(f"  {'':<58} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7} {'vs bare':>8}")
    for name, row in rows:
        print(f"  {name:<58} {row['rps']:>8.0f} {row['p50']:>8.2f} {row['p95']:>8.2f} {row['errors']:>7} "
              f"{row['rps'] / base:>8.0%}")
    by_name = {name: row["rps"] for name, row in rows}
    for path in PATHS:
        now = by_name[f"{path} in SQL, kept for the minute (now)"]
        before = by_name.get(f"{path} {args.before} (before)") or by_name[f"{path} in SQL, computed on every request"]
        print(f"  {path}: {now / before:.1f}x the {'other checkout' if args.before else 'uncached page'} "
              "(target >= 4x)")
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
