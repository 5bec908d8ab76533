"""A browser-like HTTP client over urllib (one cookie jar, no automatic redirects) for real servers."""

import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request

from tests.support.forms import REQUEST_FIELDS, check_page_fields, form_tokens


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """One browser: a cookie jar, no automatic redirects."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect)

    def open_form(self, lang="zh", request_type="general"):
        """The request form's fields as a browser would post them: a valid request and the tokens."""
        html = self.opener.open(f"{self.base}/{lang}/requests/new?type={request_type}", timeout=30).read().decode()
        return {**REQUEST_FIELDS, **form_tokens(html)}

    def post(self, path, fields, keep_page=False):
        """(status, Location or None) for a form post; with keep_page, (status, the page's HTML)."""
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        request = urllib.request.Request(self.base + path, data=body,
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode() if keep_page else None
        except urllib.error.HTTPError as answer:
            answer.close()
            return answer.code, answer.headers.get("Location")

    def check(self, fields, lang="zh", request_type="general"):
        """The form's own button: (status, the check page's HTML when 200)."""
        return self.post(f"/{lang}/requests/new?type={request_type}", fields, keep_page=True)

    def send(self, check_page, lang="zh", request_type="general"):
        """Press "Send" on a check page (the named recipient agreed to): the status token of the saved
        request (303), or the HTTP status it got."""
        status, location = self.post(f"/{lang}/requests/new?type={request_type}", check_page_fields(check_page))
        if status == 303 and "/status/" in (location or ""):
            return location.split("/status/")[1].split("?")[0]
        return status

    def submit(self, fields, lang="zh", request_type="general"):
        """Check, then send: the status token of an acknowledged (303) submission, or the HTTP status
        the first step that was not a success got."""
        status, page = self.check(fields, lang, request_type)
        if status != 200:
            return status
        return self.send(page, lang, request_type)
