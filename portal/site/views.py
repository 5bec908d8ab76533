"""Language-neutral URLs: the root redirect, health check, sitemap and robots.txt."""

from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, url_for

from portal.content import current_catalog
from portal.content.urls import page_endpoint
from portal.i18n import HTML_LANG, language_from_accept_header
from portal.vocab import LANGUAGES

bp = Blueprint("site", __name__, template_folder="templates")


@bp.get("/")
def root():
    response = redirect(url_for("pages.home", lang=language_from_accept_header()), code=302)
    response.vary.add("Accept-Language")
    return response


@bp.get("/staff/", defaults={"area": "casework.queue"})
@bp.get("/admin/", defaults={"area": "admin.index"})
def area_root(area):
    """/staff/ and /admin/ (the addresses in e-mails and on paper) open in the browser's language."""
    response = redirect(url_for(area, lang=language_from_accept_header()), code=302)
    response.vary.add("Accept-Language")
    return response


@bp.get("/healthz")
def healthz():
    catalog = current_catalog()
    return jsonify(status="ok", content_build=catalog.build_id, pages=len(catalog))


def sitemap_entries():
    """Each page once per language, with its alternates, for search engines."""
    catalog = current_catalog()
    fixed = ["pages.home", "pages.guides_hub", "requests.new", "healthcheck.start", "alerts.index",
             "institutions.index", "indicators.index", "reports.service_report", "columns.notices", "columns.policies",
             "columns.interpretations"]
    targets = [(endpoint, {}, None) for endpoint in fixed]
    for page in catalog:
        if page.lang == LANGUAGES[0]:
            endpoint, args = page_endpoint(page)
            targets.append((endpoint, args, page.updated))
    site = current_app.config["SITE_URL"]
    for endpoint, args, updated in targets:
        urls = {lang: site + url_for(endpoint, lang=lang, **args) for lang in LANGUAGES}
        for lang in LANGUAGES:
            yield {"loc": urls[lang], "lastmod": updated,
                   "alternates": [(HTML_LANG[other], urls[other]) for other in LANGUAGES]}


@bp.get("/sitemap.xml")
def sitemap():
    xml = render_template("site/sitemap.xml", entries=list(sitemap_entries()))
    return Response(xml, mimetype="application/xml")


@bp.get("/robots.txt")
def robots():
    site = current_app.config["SITE_URL"]
    # The tracking form itself is public and holds nothing personal (answers come by POST), so
    # people can find it from a search engine; status pages carry noindex in their own head.
    # The staff area lives under each language (/zh/staff/…), and /staff/ and /admin/ redirect to it.
    private = [f"/{lang}/{area}/" for lang in LANGUAGES for area in ("staff", "admin")] + ["/staff/", "/admin/"]
    body = "User-agent: *\n" + "".join(f"Disallow: {path}\n" for path in private) + f"Sitemap: {site}/sitemap.xml\n"
    return Response(body, mimetype="text/plain")
