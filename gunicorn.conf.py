"""gunicorn settings for the portal: `gunicorn -c gunicorn.conf.py wsgi:app`.

preload_app loads the app (content catalog, translations, later jieba's dictionary) once in
the master, so forked workers share that memory instead of each loading their own.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
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


def pre_fork(server, worker):
    # Move everything the preloaded app made (catalog, jieba's dictionary, translations) out of
    # the garbage collector's reach: a collection in a worker writes to every object it visits,
    # which copies the shared page into that worker. Frozen, the pages stay shared (PSS drops).
    import gc

    gc.freeze()
