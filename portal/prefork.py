"""What gunicorn's master does once before it forks the workers (gunicorn.conf.py, pre_fork), so
that the workers share the result instead of each making its own copy.

A forked worker shares the master's memory until it writes to a page; then that page is copied
into the worker. CPython 3.11 writes to an object whenever it takes a reference to it, and to a
function's code the first times the function runs (it counts the calls, then rewrites the
bytecode for the types it has seen). So each worker used to copy most of the code that serves a
page on its first pages, and load the message catalogs and Babel's locale data on its first page
in each language. Done here first:
- every template compiled;
- the catalogs and locale data loaded (portal.i18n.load_before_fork);
- the common pages served a few times through the test client: each guide, the home page, a few
  searches and the request form with its check page in each language, so that code is already
  rewritten when the workers inherit it. (bench/load.py: about 9 MB less copied per worker.)
Nothing is written: the check page saves nothing, rate limits are off only while this runs, and
the database connections and this process's searcher are closed before the fork (a connection or
a searcher must never cross a fork).
"""

import logging
import re

from portal.content import current_catalog
from portal.i18n import load_before_fork
from portal.limits import limiter
from portal.search import SearchUnavailable
from portal.vocab import LANGUAGES

WARM_QUERIES = {"zh": ("商标注册", "专利质押融资", "zzqxv"), "en": ("trademark registration", "patent pledge", "zzqxv")}
# Answers that reach the check page (nothing is saved before "Send"), as tests/support/forms.py.
CHECKED_ANSWERS = {"applicant_kind": "enterprise", "organisation": "示例公司", "credit_code": "91110000600037341L",
                   "contact_name": "示例",
                   "phone": "13803181234", "email": "warm@example.com", "county": "wuyi", "industry": "rubber",
                   "description": "服务启动前的预热请求，不会保存，也不会发送。", "consent": "y"}
TOKENS = {name: re.compile(f'name="{name}" type="hidden" value="([^"]+)"') for name in ("csrf_token", "form_token")}
ROUNDS = 3  # CPython rewrites a function's code after it has run a few times


def prepare(app):
    environment = app.jinja_env
    for name in environment.list_templates():
        environment.get_template(name)
    if "babel" not in app.extensions:
        return  # not the portal (bench/bare_app.py under the same gunicorn.conf.py)
    load_before_fork(app)
    _serve_common_pages(app)


def _serve_common_pages(app):
    saved = limiter.enabled
    limiter.enabled = False
    # Not visits, and not the place to report a problem: an instance not yet migrated or indexed
    # (a test server, a first start) would log an incident for each of them; its first real
    # visitor's request reports what is wrong.
    logging.disable(logging.CRITICAL)
    try:
        client = app.test_client()
        with app.app_context():
            catalog = current_catalog()
        searchable = _has_index(app)
        for _round in range(ROUNDS):
            for lang in LANGUAGES:
                client.get(f"/{lang}/")
                for page in catalog.guides(lang):
                    client.get(f"/{lang}/guides/{page.slug}")
                for query in WARM_QUERIES[lang] if searchable else ():
                    client.get(f"/{lang}/search", query_string={"q": query})
                form = f"/{lang}/requests/new?type=general"
                page = client.get(form).get_data(as_text=True)
                tokens = {name: found[1] for name, pattern in TOKENS.items() if (found := pattern.search(page))}
                client.post(form, data={**CHECKED_ANSWERS, **tokens})
    finally:
        logging.disable(logging.NOTSET)
        limiter.enabled = saved
        _close_before_fork(app)


def _has_index(app):
    """False before the first `flask search build` (tests, a new instance): the search page would
    only log that it is unavailable, once per warm-up search."""
    try:
        app.extensions["search"].opened()
    except SearchUnavailable:
        return False
    return True


def _close_before_fork(app):
    from portal.db import db

    with app.app_context():
        db.engine.dispose()
    search = app.extensions.get("search")
    if search is not None:
        search.close()
