"""Submissions under load: concurrent clients against gunicorn, on SQLite and on PostgreSQL.

Each client process opens the form (as a browser does: CSRF cookie and tokens) and posts it,
in a loop, for the same time (each submission: the check page, then Send). First the same
clients against bench/bare_app.py (the same three requests, nothing behind them): the ceiling of
this harness on this machine. Prints submissions/s and p50/p95 of the two POSTs, then checks in the
database that every acknowledged submission (a 303 to its status page) is stored exactly once
with its two outbox messages. Printed, never asserted; target: >= 150 submissions/s on SQLite
without attachments, 0 lost, 0 duplicated.

    python bench/intake.py [--seconds 30] [--clients 8] [--skip-postgres]
"""

import argparse
import http.cookiejar
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import start  # noqa: E402
from tests.support import postgres  # noqa: E402
from tests.support.forms import check_page_fields, form_tokens  # noqa: E402
from tests.support.net import free_port  # noqa: E402

PDF = b"%PDF-1.4\n" + b"0" * 20_000 + b"\n%%EOF\n"
FIELDS = {"applicant_kind": "enterprise", "organisation": "压测示例公司", "credit_code": "91110000600037341L",
          "contact_name": "测试", "phone": "13803181234", "email": "bench@example.com", "county": "wuyi",
          "industry": "rubber", "description": "压力测试用的求助申请，不是真实请求，请忽略。" * 2, "consent": "y"}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def multipart(fields, files):
    boundary = "----bench" + os.urandom(8).hex()
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: application/pdf\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def client_loop(base, seconds, with_attachment):
    """One client: open the form, post it, until time is up. Returns (latencies, tokens, errors)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)
    url = f"{base}/zh/requests/new?type=general"
    latencies, tokens, errors = [], [], 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            html = opener.open(url, timeout=30).read().decode()
            fields = {**FIELDS, **form_tokens(html)}
            if with_attachment:
                body, content_type = multipart(fields, {"attachments": ("材料.pdf", PDF)})
            else:
                body, content_type = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
            started = time.perf_counter()
            request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
            try:
                # the check page (nothing saved yet), then "Send": the figure is both POSTs together
                with opener.open(request, timeout=30) as checked:
                    page = checked.read().decode()
                send = urllib.parse.urlencode(check_page_fields(page), doseq=True).encode()
                opener.open(urllib.request.Request(url, data=send), timeout=30)
                errors += 1  # a 200 means the form came back: not acknowledged
            except urllib.error.HTTPError as answer:
                if answer.code == 303:
                    latencies.append((time.perf_counter() - started) * 1000)
                    tokens.append(answer.headers["Location"].split("/status/")[1].split("?")[0])
                else:
                    errors += 1
        except OSError:
            errors += 1
    return latencies, tokens, errors


def verify(env, tokens):
    """(stored exactly once, missing, duplicated, requests without their two outbox rows)."""
    os.environ.update(env)
    from sqlalchemy import func, select

    from portal import create_app
    from portal.db import db
    from portal.models import AssistanceRequest, OutboxMessage

    app = create_app()
    with app.app_context():
        counts = dict(db.session.execute(select(AssistanceRequest.status_token, func.count())
                                         .group_by(AssistanceRequest.status_token)).all())
        outbox = dict(db.session.execute(select(AssistanceRequest.status_token, func.count(OutboxMessage.id))
                                         .join(OutboxMessage, OutboxMessage.request_id == AssistanceRequest.id)
                                         .group_by(AssistanceRequest.status_token)).all())
        db.engine.dispose()
    once = sum(1 for t in tokens if counts.get(t) == 1)
    missing = sum(1 for t in tokens if t not in counts)
    duplicated = sum(1 for t in tokens if counts.get(t, 0) > 1) + (len(tokens) - len(set(tokens)))
    without_messages = sum(1 for t in tokens if outbox.get(t) != 2)
    return once, missing, duplicated, without_messages


def run_bare(args):
    """The same clients against bench/bare_app.py: the ceiling of this harness on this machine."""
    port = free_port()
    process = start("bench.bare_app:app", port, args.workers)
    try:
        with ProcessPoolExecutor(args.clients) as pool:
            started = time.perf_counter()
            results = list(pool.map(client_loop, [f"http://127.0.0.1:{port}"] * args.clients,
                                    [args.seconds] * args.clients, [False] * args.clients))
            elapsed = time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=30)
    done = sum(len(r[1]) for r in results)
    latencies = sorted(x for r in results for x in r[0])
    print(f"  {'bare Flask, the same three requests':<38} {done / elapsed:7.1f} submissions/s  p50 "
          f"{statistics.median(latencies or [0]):6.1f} ms  errors {sum(r[2] for r in results)}")
    return done / elapsed


def run(name, database_url, with_attachment, args, bare_rate=None):
    instance = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    env = {"PORTAL_INSTANCE_DIR": str(instance), "PORTAL_SEARCH_INDEX_DIR": str(instance / "si"),
           "PORTAL_SUBMIT_RATE_LIMIT": "1000000 per hour", "DATABASE_URL": database_url, "PORTAL_LOG_LEVEL": "WARNING"}
    if database_url:
        postgres.empty_schema(database_url)
    for command in (["db", "upgrade"], ["seed", "demo"]):
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *command], cwd=ROOT, env={**os.environ, **env},
                       check=True, capture_output=True)
    port = free_port()
    os.environ.update(env)
    process = start("wsgi:app", port, args.workers)
    try:
        base = f"http://127.0.0.1:{port}"
        with ProcessPoolExecutor(args.clients) as pool:
            started = time.perf_counter()
            results = list(pool.map(client_loop, [base] * args.clients, [args.seconds] * args.clients,
                                    [with_attachment] * args.clients))
            elapsed = time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=30)
    latencies = sorted(x for r in results for x in r[0])
    tokens = [t for r in results for t in r[1]]
    errors = sum(r[2] for r in results)
    once, missing, duplicated, without_messages = verify(env, tokens)
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0
    print(f"  {name:<38} {len(tokens) / elapsed:7.1f} submissions/s  p50 {statistics.median(latencies or [0]):6.1f} ms"
          f"  p95 {p95:6.1f} ms  acknowledged {len(tokens)}, stored once {once}, lost {missing}, "
          f"duplicated {duplicated}, without both messages {without_messages}, errors {errors}"
          + (f", {100 * len(tokens) / elapsed / bare_rate:.0f} % of bare Flask" if bare_rate else ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    print(f"\n{args.clients} client processes, gunicorn.conf.py with {args.workers} workers, {args.seconds} s each, "
          f"{os.cpu_count()} cores (clients and server share them); each submission = GET form, POST "
          "(the check page), POST (Send)")
    bare = run_bare(args)
    for name, attachment in (("SQLite, no attachment", False), ("SQLite, 20 KB PDF", True)):
        run(name, "", attachment, args, bare)
    if not args.skip_postgres and postgres.available():
        with postgres.throwaway_database("portal_bench") as url:  # its own database, dropped after
            for name, attachment in (("PostgreSQL, no attachment", False), ("PostgreSQL, 20 KB PDF", True)):
                run(name, url, attachment, args, bare)
    print("target: >= 150 submissions/s on SQLite without attachments (PostgreSQL >= 120), 0 lost, 0 duplicated")


if __name__ == "__main__":
    main()
