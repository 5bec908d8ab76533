"""gunicorn settings for the portal: `gunicorn -c gunicorn.conf.py wsgi:app`.

preload_app loads the app (content catalog, translations, jieba's dictionary file) once in the
master, so forked workers share that memory instead of each loading their own.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Threads, not sync workers: a sync worker is held by one client that trickles its headers or
# body, so a dozen slow connections left everyone else unanswered. gthread (in gunicorn itself,
# no gevent) parks idle connections in a poller and gives each request a thread; a thread that
# waits on a slow client costs a small stack, not a worker. 5 workers x 32 threads outlast 100
# hostile connections; for more, a buffering proxy in front (docs/deploy.md, nginx) reads every
# request completely before gunicorn sees it. The app keeps no per-request state between threads
# (Markdown is made per render, the search service locks its searcher).
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "32"))
# A worker accepts no more connections than it has threads, so one that slow clients fill stops
# taking new ones and the other workers answer; kept-alive connections would count against that,
# so responses close the connection (a proxy in front keeps its own connections to clients).
worker_connections = threads
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 0  # see worker_connections
# Bounded request sizes: a request line or header past these is refused before Flask sees it.
limit_request_line = 8190
limit_request_fields = 100
# Recycle workers now and then so a slow leak can never take a host down. Not too often: at a few
# hundred requests a second per worker, 5,000 meant a restart every few seconds, and each restart
# showed as a latency tail of hundreds of milliseconds (bench/pages.py).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))  # 0: never
max_requests_jitter = max_requests // 10

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# %(U)s is the path without the query string: tracking numbers, search terms and tokens in
# query strings are personal or secret, so they never reach the access log. No client IP
# either (%(h)s): the portal does not need it to operate.
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
# X-Forwarded-Proto/-For are believed exactly when PORTAL_PROXY_HOPS says a proxy is in front
# (then from FORWARDED_ALLOW_IPS, loopback by default); gunicorn's own default trusts loopback always.
forwarded_allow_ips = (os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
                       if int(os.environ.get("PORTAL_PROXY_HOPS", "0") or 0) > 0 else "")
# Status, password and alert links carry their secret in the path: redacted in every log line.
logger_class = "portal.logs.RedactingLogger"


_prepared = False


def pre_fork(server, worker):
    # Once per master: compile the templates, load the catalogs and serve the common pages, so the
    # workers inherit all that instead of each doing it again into pages of its own (portal/prefork.py).
    global _prepared  # noqa: PLW0603 (once per master)
    if not _prepared:
        from portal.prefork import prepare

        prepare(server.app.wsgi())
        _prepared = True
    # Move everything the preloaded app made (catalog, jieba's dictionary, translations, the
    # compiled templates) out of the garbage collector's reach: a collection in a worker writes to
    # every object it visits, which copies the shared page into that worker. Frozen, the pages
    # stay shared (PSS drops).
    import gc

    gc.freeze()


def post_worker_init(worker):
    # Each worker opens its own searcher after the fork and warms it before taking requests.
    from portal.search import warm

    warm(worker.wsgi)


def on_starting(server):
    # A per-process rate-limit store (memory://) with several workers is refused here rather than
    # in the app: this hook sees the number of workers actually in force (this file, -w,
    # GUNICORN_CMD_ARGS), runs once before any socket is bound, and its ConfigError ends the start
    # with gunicorn's one-line "Error: …". With preload_app the app is already built: wsgi() only
    # returns it.
    from portal.limits import check_workers

    check_workers(server.app.wsgi().config, server.cfg.workers)
