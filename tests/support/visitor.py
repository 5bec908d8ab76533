"""A browser-like HTTP client over urllib (one cookie jar, no automatic redirects) for real servers."""

import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request

from tests.support.forms import REQUEST_FIELDS, form_tokens


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

    def post(self, path, fields):
        """(status, Location or None) for a form post."""
        body = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.base + path, data=body,
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, None
        except urllib.error.HTTPError as answer:
            answer.close()
            return answer.code, answer.headers.get("Location")

    def submit(self, fields, lang="zh", request_type="general"):
        """The status token of an acknowledged (303) submission, or the HTTP status it got."""
        status, location = self.post(f"/{lang}/requests/new?type={request_type}", fields)
        if status == 303 and "/status/" in (location or ""):
            return location.split("/status/")[1].split("?")[0]
        return status
