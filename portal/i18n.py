"""Languages: the language lives in the URL (/zh/…, /en/…), Chinese first.

A URL that names its language can be cached, shared and indexed per language, so the
language is never kept in a cookie or the session. Pages outside a language prefix (the
root redirect, error pages for unknown paths) fall back to Accept-Language, then Chinese.

The catalogs are looked up once, not per phrase: a template's `_()` uses the catalog its render
began with (template_gettext), and WTForms' own messages a per-process copy (PortalRequest).
"""

from babel import support
from flask import Request, abort, current_app, g, request, url_for
from flask_babel import Babel, get_locale, get_translations
from jinja2 import pass_eval_context
from markupsafe import Markup
from werkzeug.routing import AnyConverter, IntegerConverter
from werkzeug.utils import cached_property
from wtforms.i18n import messages_path

from portal.config import ROOT
from portal.vocab import LANGUAGES

DEFAULT_LANGUAGE = "zh"
# BCP 47 tags for <html lang> and hreflang: the Chinese text is written in simplified characters.
HTML_LANG = {"zh": "zh-Hans", "en": "en"}
# Each language's own name, shown on the switch in that language (never translated).
NATIVE_NAME = {"zh": "中文", "en": "English"}

babel = Babel()


class LanguageConverter(AnyConverter):
    """`<language:lang>` matches only the portal's languages, so /fr/… or /nope is a plain 404
    at routing time (no redirect to /nope/ first)."""

    def __init__(self, url_map):
        super().__init__(url_map, *LANGUAGES)


def other_language(lang):
    return "en" if lang == "zh" else "zh"


def language_from_accept_header():
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)


def current_language():
    """The page's language: from the URL when it has one, else the browser's preference."""
    lang = g.get("lang")
    if lang:
        return lang
    path_lang = request.path.strip("/").split("/", 1)[0] if request else ""
    if path_lang in LANGUAGES:
        return path_lang
    return language_from_accept_header()


def _pull_language(endpoint, values):
    if values and "lang" in values:
        lang = values.pop("lang")
        if lang not in LANGUAGES:
            abort(404)
        g.lang = lang


def _push_language(endpoint, values):
    # url_for() inside a page keeps that page's language unless told otherwise; error pages
    # outside a language prefix link in the visitor's language.
    if "lang" not in values and current_app.url_map.is_endpoint_expecting(endpoint, "lang"):
        values["lang"] = current_language()


def alternate_url(lang, external=False):
    """The current page in `lang`: same endpoint and arguments, plus the query arguments the
    view declared meaningful in g.keep_args (never the raw query string, which may hold
    anything). External URLs use SITE_URL, never the request's Host header."""
    endpoint = request.endpoint
    args = dict(request.view_args or {})
    if not endpoint or not current_app.url_map.is_endpoint_expecting(endpoint, "lang"):
        endpoint, args = "pages.home", {}  # error pages and language-neutral URLs
    args.update(g.get("keep_args", {}))
    args["lang"] = lang
    path = url_for(endpoint, **args)
    return current_app.config["SITE_URL"] + path if external else path


def template_gettext(translations):
    """`gettext` and `ngettext` for one render, bound to that render's catalog. Flask-Babel's own
    Jinja callables look up the request context, the locale and the catalog again on every `_()`
    (seventy-odd times a page); these do it once, when the context processor runs, so a template
    rendered inside force_locale() still speaks that locale. They behave as Jinja's new-style
    callables do: the translation is escaped-aware Markup under autoescape and always a format
    string (so "%%" is "%" with or without variables). Templates rendered without the app's
    context processors (get_template().render()) keep Flask-Babel's globals."""

    @pass_eval_context
    def gettext(eval_ctx, string, /, **variables):
        text = translations.ugettext(string)
        return (Markup(text) if eval_ctx.autoescape else text) % variables  # noqa: S704 (our catalog, as Jinja does)

    @pass_eval_context
    def ngettext(eval_ctx, singular, plural, num, /, **variables):
        variables.setdefault("num", num)
        text = translations.ungettext(singular, plural, num)
        return (Markup(text) if eval_ctx.autoescape else text) % variables  # noqa: S704 (our catalog, as Jinja does)

    return {"gettext": gettext, "ngettext": ngettext}


_WTFORMS_CATALOGS = {}


def wtforms_catalog(locale):
    """WTForms' own messages ("Not a valid choice." …) in `locale`, read from its .mo once per
    process and language (the catalogs never change while the app runs)."""
    key = str(locale)
    catalog = _WTFORMS_CATALOGS.get(key)
    if catalog is None:
        catalog = _WTFORMS_CATALOGS[key] = support.Translations.load(messages_path(), [locale], domain="wtforms")
    return catalog


class PortalRequest(Request):
    """Flask-WTF keeps WTForms' catalog in `request.wtforms_translations` but reads and parses the
    .mo file again for each request that builds a form; here the attribute comes, on first use and
    in the locale of that moment as before, from the per-process copy."""

    @cached_property
    def wtforms_translations(self):
        return wtforms_catalog(get_locale())


class RowIdConverter(IntegerConverter):
    """`<int:…>` as the portal's keys are: 1 to 2**31 - 1 (PostgreSQL's integer). A larger number
    is a plain 404 at routing time, never an overflow in the database driver (a 500)."""

    def __init__(self, url_map, fixed_digits=0, min=1, max=2**31 - 1, signed=False):  # noqa: A002 (Werkzeug's names)
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app):
    app.request_class = PortalRequest
    app.url_map.converters["language"] = LanguageConverter
    app.url_map.converters["int"] = RowIdConverter  # before any blueprint adds its rules
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(ROOT / "translations"))
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai")  # times shown as Hengshui reads them
    babel.init_app(app, locale_selector=current_language)
    app.url_value_preprocessor(_pull_language)
    app.url_defaults(_push_language)

    @app.context_processor
    def language_context():
        lang = current_language()
        return {
            "lang": lang,
            "html_lang": HTML_LANG[lang],
            "other_lang": other_language(lang),
            "native_name": NATIVE_NAME,
            "languages": LANGUAGES,
            "html_lang_of": HTML_LANG,
            "alternate_url": alternate_url,
            **template_gettext(get_translations()),
        }


def load_before_fork(app):
    """Load what the first page in each language would load on demand: the message catalogs and
    Babel's locale data (dates, numbers, the time zone). Called in gunicorn's master before it forks
    (portal/prefork.py), so the workers share one copy instead of each reading its own (about 5 MB
    per worker)."""
    from datetime import UTC, datetime

    from flask_babel import format_date, format_datetime, format_decimal, get_translations

    for lang in LANGUAGES:
        with app.test_request_context(f"/{lang}/"):
            get_translations()
            moment = datetime.now(UTC)
            format_date(moment.date())
            format_date(moment.date(), "long")
            format_datetime(moment)
            format_datetime(moment, "short")
            format_decimal(1234.5)
