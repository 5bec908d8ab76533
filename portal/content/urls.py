"""The one map from a catalog page to its address, used by the views, the sitemap, the search
index, e-mails and the content checker's link test. The endpoints are names, not imports, so the
content package stays below the features that serve its pages."""

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from portal.vocab import LANGUAGES

# Section -> the endpoint that serves one page of it by slug.
SECTION_ENDPOINTS = {"guides": "pages.guide", "alerts": "alerts.detail", "education": "education.material",
                     "events": "events.detail"}
# Pages of the "pages" section served at an address of their own; the rest at pages.<slug>.
SPECIAL_PAGES = {"education": "education.hub"}  # its text introduces the hub


def page_endpoint(page):
    """(endpoint, view args) of a catalog page."""
    if page.section in SECTION_ENDPOINTS:
        return SECTION_ENDPOINTS[page.section], {"slug": page.slug}
    if page.slug in SPECIAL_PAGES:
        return SPECIAL_PAGES[page.slug], {}
    return f"pages.{page.slug}", {}


def link_resolver(app, pages):
    """A function telling whether a site path is a real, canonical page of this portal."""
    adapter = app.url_map.bind("localhost")
    page_keys = {(page.section, page.slug, page.lang) for page in pages}
    sections = {endpoint: section for section, endpoint in SECTION_ENDPOINTS.items()}

    def resolve(path):
        try:
            endpoint, args = adapter.match(path, method="GET")
        except (NotFound, MethodNotAllowed, RequestRedirect):
            return False  # a redirect counts as broken: content should link the canonical URL
        if "lang" in args and args["lang"] not in LANGUAGES:
            return False
        if endpoint in sections:
            return (sections[endpoint], args["slug"], args["lang"]) in page_keys
        return True

    return resolve
