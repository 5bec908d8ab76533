"""Guide page vs bare Flask, both under gunicorn with the project's gunicorn.conf.py.

Starts each server in turn, warms it, loads it with wrk for the same time and connections,
and prints requests/s, p50/p95/p99 latency and the ratio to the baseline. Nothing is asserted:
the figures are for people to read (target: a guide page at >= 90 % of bare Flask).

    python bench/pages.py [--seconds 10] [--connections 16] [--path /zh/guides/patent-pledge-financing]
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).with_name("percentiles.lua")
sys.path.insert(0, str(ROOT))

from tests.support.net import free_port  # noqa: E402
from tests.support.server import start_gunicorn  # noqa: E402


def start(app_spec, port, workers):
    """gunicorn serving `app_spec` (its output on ours), once / answers."""
    env = {**os.environ, "GUNICORN_ACCESS_LOG": "", "GUNICORN_LOG_LEVEL": "warning", "PYTHONPATH": str(ROOT)}
    return start_gunicorn(env, port, workers=workers, app=app_spec, ready_path="/", seconds=30)


def start_checkout(root, env, port, workers, log_path):
    """gunicorn serving another checkout's code (e.g. the main branch, to compare in one run)."""
    from tests.support.server import wait_for

    env = {**env, "PORT": str(port), "WEB_CONCURRENCY": str(workers), "PYTHONPATH": str(root),
           "GUNICORN_ACCESS_LOG": "", "GUNICORN_LOG_LEVEL": "warning"}
    with open(log_path, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(Path(root) / "gunicorn.conf.py"),
                                    "wsgi:app"], cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    wait_for(f"http://127.0.0.1:{port}/healthz", process, log_path)
    return process


def load(url, seconds, connections, threads):
    subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", "2s", url],
                   check=True, capture_output=True)  # warm-up: first renders, caches, imports
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "-s", str(LUA), url],
                         check=True, capture_output=True, text=True).stdout
    fields = dict(re.findall(r"(\w+)=([\d.]+)", out.split("RESULT", 1)[1]))
    return {"rps": int(fields["requests"]) / float(fields["seconds"]), "errors": int(fields["errors"]),
            "p50": int(fields["p50"]) / 1000, "p95": int(fields["p95"]) / 1000, "p99": int(fields["p99"]) / 1000}


def measure(app_spec, path, args):
    port = free_port()
    process = start(app_spec, port, args.workers)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as response:
            size = len(response.read())
        return {**load(f"http://127.0.0.1:{port}{path}", args.seconds, args.connections, args.threads), "bytes": size}
    finally:
        process.terminate()
        process.wait(timeout=20)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--path", default="/zh/guides/patent-pledge-financing")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")

    rows = [("bare Flask  /", measure("bench.bare_app:app", "/", args)),
            (f"portal      {args.path}", measure("wsgi:app", args.path, args))]
    base = rows[0][1]["rps"]
    print(f"\ngunicorn.conf.py, {args.workers} workers, wrk {args.threads} threads x {args.connections} "
          f"connections, {args.seconds} s each, {os.cpu_count()} cores")
    columns = ("req/s", "p50 ms", "p95 ms", "p99 ms", "bytes", "errors", "ratio")
    print(f"{'target':<48} " + " ".join(f"{column:>8}" for column in columns))
    for name, row in rows:
        print(f"{name:<48} {row['rps']:>8.0f} {row['p50']:>8.2f} {row['p95']:>8.2f} {row['p99']:>8.2f} "
              f"{row['bytes']:>8} {row['errors']:>8} {row['rps'] / base:>8.0%}")
    print("target: portal page >= 90 % of bare Flask")


if __name__ == "__main__":
    main()
