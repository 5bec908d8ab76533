"""`make scan`: sqlmap and wapiti (Debian's packages) against a running portal on 127.0.0.1.

Starts gunicorn over HTTPS (a throwaway self-signed certificate, PORTAL_URL_SCHEME=https, as
production runs) on a fresh instance with demo data, a search index and one submitted request,
then runs sqlmap on every form and query string and wapiti with an explicit module list over the
whole site. Exits 1 on any finding (a sqlmap injection point, a wapiti vulnerability or anomaly),
and on a scan that did not cover what it says: a sqlmap target where no test ran, a staff session
that ended under a scanner, a wapiti crawl that reached no staff page signed in.

Staff pages: `staff_session()` signs in as a demo account and returns the session cookie.
sqlmap attacks the sign-in form anonymously and the staff queue, a request's action form and two
admin pages with a coordinator's and an administrator's cookie, signed in afresh for each target;
wapiti crawls and attacks the whole site with its own coordinator session (its cookie file),
the sign-out form excluded.

    python .ci/scan.py [--keep]     (needs: apt-get install -y sqlmap wapiti)
"""

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.seed import DEMO_PASSWORD  # noqa: E402
from tests.support.forms import REQUEST_FIELDS as FIELDS  # noqa: E402
from tests.support.forms import check_page_fields, csrf_token, form_tokens  # noqa: E402
from tests.support.net import free_port  # noqa: E402
from tests.support.server import flask, portal_env, start_gunicorn, stop  # noqa: E402

WAPITI_MODULES = ("backup,blindsql,cookieflags,crlf,csp,csrf,exec,file,htaccess,http_headers,methods,"
                  "permanentxss,redirect,sql,ssrf,xss,xxe")
# Findings examined and accepted, each with its reason; matched on (wapiti category, text in the
# finding). Anything else fails the scan. Keep this list short and re-examine it on upgrades.
ACCEPTED = {
    ("HTTP Secure Headers", "X-XSS-Protection"):
        "X-XSS-Protection is deprecated: browsers removed the XSS auditor and '1; mode=block' enabled "
        "cross-site leaks in the ones that had it. The Content-Security-Policy without 'unsafe-inline' is "
        "the protection (OWASP Secure Headers Project: do not set it, or set 0).",
}
INSECURE = ssl.create_default_context()
INSECURE.check_hostname = False
INSECURE.verify_mode = ssl.CERT_NONE  # our own throwaway certificate, on loopback only


def start_server(work):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", str(work / "key.pem"), "-out", str(work / "cert.pem")], check=True, capture_output=True)
    port = free_port()
    base = f"https://127.0.0.1:{port}"
    env = portal_env(work / "instance", PORTAL_URL_SCHEME="https", PORTAL_SITE_URL=base, PORT=port,
                     WEB_CONCURRENCY=3, PORTAL_SUBMIT_RATE_LIMIT="1000000 per hour",
                     PORTAL_TRACK_RATE_LIMIT="1000000 per hour", GUNICORN_ACCESS_LOG="",
                     # the scanners sign in once and hammer the sign-in form: no lockout, no idle end
                     PORTAL_LOGIN_RATE_LIMIT="1000000 per hour", PORTAL_RESET_RATE_LIMIT="1000000 per hour",
                     PORTAL_STAFF_IDLE_MINUTES=24 * 60)
    for command in (["db", "upgrade"], ["seed", "demo"], ["search", "build"]):
        flask(env, *command)
    process = start_gunicorn(env, port, work / "gunicorn.log", workers=3, ssl_context=INSECURE,
                             extra_args=["--certfile", str(work / "cert.pem"), "--keyfile", str(work / "key.pem")])
    return base, process


def demo_request(base):
    """Submit one request as a browser would; returns its status URL and tracking number."""
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=INSECURE),
                                         urllib.request.HTTPCookieProcessor())
    url = f"{base}/zh/requests/new?type=general"
    html = opener.open(url).read().decode()
    fields = {**FIELDS, **form_tokens(html)}
    # over HTTPS, Flask-WTF also wants a same-site Referer on a form post, as browsers send it
    post = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), headers={"Referer": url})
    with opener.open(post) as response:  # the check page: nothing saved yet
        fields = check_page_fields(response.read().decode())
    post = urllib.request.Request(url, data=urllib.parse.urlencode(fields, doseq=True).encode(),
                                  headers={"Referer": url})
    with opener.open(post) as response:
        page = response.read().decode()
        number = re.search(r"HS\d{4}-\d{6}", page)[0]
        return response.url, number


def staff_session(base, email):
    """Sign in as a demo account as a browser would; returns the new session cookie's value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=INSECURE),
                                         urllib.request.HTTPCookieProcessor(jar))
    url = f"{base}/zh/staff/login"
    html = opener.open(url).read().decode()
    fields = {"csrf_token": csrf_token(html), "email": email, "password": DEMO_PASSWORD}
    post = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), headers={"Referer": url})
    with opener.open(post) as response:
        if "/staff/login" in response.url:
            raise SystemExit(f"could not sign in as {email} for the scan")
    return next(cookie.value for cookie in jar if cookie.name == "session")


COORDINATOR, ADMIN = "coordinator@demo.invalid", "admin@demo.invalid"
AS_COORDINATOR, AS_ADMIN = ("--cookie", COORDINATOR), ("--cookie", ADMIN)  # signed in just before the target


def sqlmap_targets(base, status_url, number):
    """(name, sqlmap arguments) for each form and query string; the CSRF token is refetched from
    the form's page for every request (sqlmap's --csrf-token). Staff targets carry their cookie."""
    login = f"{base}/zh/staff/login"
    detail = f"{base}/zh/staff/requests/1"  # the demo request; a coordinator sees every request
    requesters = f"{base}/zh/admin/requesters"
    form = f"{base}/zh/requests/new?type=general"
    # no form_token: each probe is then a new submission, so every payload reaches the INSERT
    body = urllib.parse.urlencode({**FIELDS, "csrf_token": "x"})
    return [
        ("search", ["-u", f"{base}/zh/search?q=%E5%95%86%E6%A0%87&kind=guide&topic=trademark"
                          "&audience=enterprise&page=1"]),
        ("guides hub", ["-u", f"{base}/en/guides/?topic=trademark&audience=enterprise"]),
        ("guide slug", ["-u", f"{base}/en/guides/trademark-registration*"]),
        ("request form (GET)", ["-u", f"{base}/en/requests/new?type=general&topic=school"]),
        ("request form (POST)", ["-u", form, "--data", body, "--csrf-token", "csrf_token", "--csrf-url", form,
                                 "-p", "organisation,contact_name,phone,email,county,industry,description,"
                                       "credit_code,applicant_kind"]),
        # "Send" from the check page: the form token's lookup and the draft token
        ("request form, send (POST)", ["-u", form, "--data", body + "&step=send&recipient_consent=y&draft=x",
                                       "--csrf-token", "csrf_token", "--csrf-url", form, "-p", "form_token,draft"]),
        # wrong digits (six, as the form asks) answer 404 "not found", which sqlmap would take for a
        # missing page and stop before its first test; after five misses the number is locked
        ("tracking (POST)", ["-u", f"{base}/en/requests/track",
                             "--data", urllib.parse.urlencode({"csrf_token": "x", "number": number,
                                                               "digits": "123456"}),
                             "--csrf-token", "csrf_token", "--csrf-url", form, "-p", "number,digits",
                             "--ignore-code", "404"]),
        ("status token", ["-u", status_url.split("?")[0] + "*"]),
        ("staff sign-in (POST)", ["-u", login, "--data", urllib.parse.urlencode(
            {"csrf_token": "x", "email": "nobody@example.com", "password": "not-the-password", "next": "/zh/"}),
            "--csrf-token", "csrf_token", "--csrf-url", login, "-p", "email,password,next",
            "--ignore-code", "401"]),  # a refused sign-in answers 401, which sqlmap would take for HTTP auth
        ("staff queue", ["-u", f"{base}/zh/staff/?status=open&type=general&county=wuyi&overdue=y&page=1",
                         *AS_COORDINATOR]),
        ("staff action (POST)", ["-u", detail, "--data", urllib.parse.urlencode(
            {"csrf_token": "x", "action": "note", "seen_status": "assigned", "text": "scan note", "institution": "1"}),
            "--csrf-token", "csrf_token", "--csrf-url", detail, "-p", "action,seen_status,text,institution",
            *AS_COORDINATOR]),
        ("admin rule preview", ["-u", f"{base}/zh/admin/rules/try?request_type=general&county=wuyi&industry=other",
                                *AS_ADMIN]),
        ("admin requester lookup (POST)", ["-u", requesters, "--data", urllib.parse.urlencode(
            {"csrf_token": "x", "email": "zhang@example.com", "operation": "find"}),
            "--csrf-token", "csrf_token", "--csrf-url", requesters, "-p", "email,operation", *AS_ADMIN]),
    ]


def run_sqlmap(base, status_url, number, work, thorough):
    findings = []
    # Default: every parameter with boolean, error, UNION and stacked-query payloads (minutes).
    # --thorough adds level 3 / risk 2 and time-based blind payloads (an hour or more on 2 cores).
    depth = ["--level", "3", "--risk", "2", "--technique", "BEUST", "--time-sec", "2"] if thorough \
        else ["--level", "1", "--risk", "1", "--technique", "BEUS"]
    for name, args in sqlmap_targets(base, status_url, number):
        # A fresh session for each staff target: the requester lookup needs a confirmation of the
        # last five minutes (signing in is one), and no target inherits another's signed-out session.
        cookie = staff_session(base, args[-1]) if args[-2:-1] == ["--cookie"] else None
        if cookie:
            args = [*args[:-1], f"session={cookie}"]
        out = work / "sqlmap" / re.sub(r"\W+", "-", name)
        command = ["sqlmap", "--batch", "--flush-session", "--disable-coloring", "--output-dir", str(out),
                   *depth,
                   "--random-agent", "--skip-waf", "--referer", f"{base}/", *args]
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=1800)
        text = result.stdout + result.stderr
        vulnerable = "identified the following injection point" in text \
            or re.search(r"parameter '.*' is vulnerable", text)
        tested = len(re.findall(r"testing '", text))
        print(f"  sqlmap {name}: {'INJECTION FOUND' if vulnerable else 'no injection'} ({tested} tests)")
        if vulnerable or result.returncode not in (0,) or not tested:
            # no test run is no result: the target refused sqlmap's first request (a 404, a redirect)
            findings.append(f"sqlmap {name}: exit {result.returncode}, {tested} tests\n" + text[-3000:])
        if cookie and not still_signed_in(base, cookie):
            findings.append(f"sqlmap {name}: its staff session ended, so what followed was tested signed out")
    return findings


EXPIRED = ("This form has expired", "表单已过期")  # the CSRF refusal page's title, in en and zh


def csrf_enforced(base, path):
    """Check a wapiti CSRF finding ourselves. wapiti 3.0.4's own unmodified request already fails
    the check (over HTTPS Flask-WTF also wants a same-site Referer, which wapiti does not send), so
    its altered requests get the same page and it reports the token as unchecked. Here: a real
    token with the session cookie and Referer must not get the CSRF refusal page; a forged token
    must. True when both hold."""
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=INSECURE),
                                         urllib.request.HTTPCookieProcessor())
    lang = "en" if path.startswith("/en/") else "zh"
    html = opener.open(f"{base}/{lang}/staff/login").read().decode()  # any page with a form: same token
    token = csrf_token(html)

    def post(value):
        request = urllib.request.Request(f"{base}{path}", headers={"Referer": f"{base}{path}"},
                                         data=urllib.parse.urlencode({"csrf_token": value}).encode())
        try:
            with opener.open(request) as response:
                return response.read().decode()
        except urllib.error.HTTPError as error:
            return error.read().decode()

    real, forged = post(token), post(token[:-4] + "AAAA")
    return not any(title in real for title in EXPIRED) and any(title in forged for title in EXPIRED)


def cross_site_refused(base, path):
    """The care-mode switch (关怀版) has no token: the pages carrying it are cached for everyone. A
    post from another site must be refused by its Origin header, and one from this site accepted."""
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=INSECURE))

    def status(origin):
        request = urllib.request.Request(f"{base}{path}", headers={"Origin": origin},
                                         data=urllib.parse.urlencode({"on": "1"}).encode())
        try:
            with opener.open(request) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    return status("https://evil.example") == 403 and status(base) in (200, 303)


# wapiti 3.0.4 (Debian bookworm) compiles its -x patterns with the inline flags last ("…\Z(?ms)"),
# which Python 3.11 refuses, so -x fails. Without -x its crawler submits the "Sign out" form on the
# first staff page and crawls and attacks the rest of the staff area signed out. Run it by its own
# interpreter with that one function corrected (flags first); nothing else of it changes.
WAPITI_LAUNCHER = """
import re, sys
import wapitiCore.net.crawler as crawler
def wildcard_translate(pattern):
    return re.compile("(?ms)" + "".join(".*" if c == "*" else re.escape(c) for c in pattern) + r"\\Z")
crawler.wildcard_translate = wildcard_translate
from wapitiCore.main.wapiti import wapiti_main
sys.argv[0] = "wapiti"
sys.exit(wapiti_main())
"""


def wapiti_command():
    script = Path(shutil.which("wapiti"))
    interpreter = script.read_text(errors="replace").splitlines()[0].removeprefix("#!").strip().split()
    return [*interpreter, "-c", WAPITI_LAUNCHER]


def crawled(work):
    """(resources wapiti crawled, staff-area pages among them that answered 200), from its session."""
    database = next((work / "wapiti-session").glob("*.db"), None)
    if database is None:
        return 0, 0
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as connection:
        # evil = 0: not an attack; headers: fetched (the rest is what the crawl left to browse)
        rows = connection.execute("SELECT path, http_status FROM paths "
                                  "WHERE evil = 0 AND headers IS NOT NULL").fetchall()
    return len(rows), sum(1 for path, status in rows if "/staff/" in path and status == 200)


def run_wapiti(base, work, cookie):
    report = work / "wapiti.json"
    command = [*wapiti_command(), "-u", f"{base}/", "--scope", "folder", "-m", WAPITI_MODULES, "--no-bugreport",
               "--flush-session", "--store-session", str(work / "wapiti-session"), "-f", "json", "-o", str(report),
               # Signed in, every action a staff page offers is a form, and each one sent gives the page
               # new ones (its version moves): at most 40 resources per folder and 8 minutes of crawl,
               # or the crawl grows past 8,000 resources and no module gets past the first few.
               "-d", "4", "--max-links-per-page", "40", "--max-files-per-dir", "40", "--max-scan-time", "480",
               "--max-attack-time", "60",
               "-s", f"{base}/zh/requests/new?type=general", "-s", f"{base}/en/requests/new?type=general",
               "-s", f"{base}/zh/search?q=%E5%95%86%E6%A0%87", "-s", f"{base}/en/requests/track",
               "-s", f"{base}/zh/staff/", "-s", f"{base}/en/staff/requests/1",
               # signing out would end the session for the rest of the crawl and the attacks
               "-x", f"{base}/*/staff/logout*",
               "-v", "1"]
    if cookie:
        cookies = work / "cookies.json"
        # wapiti 3.0.4's cookie file: an IP address is its own key (no leading dot), and each cookie
        # needs its version, expiry and port
        cookies.write_text(json.dumps({"127.0.0.1": {"/": {"session": {
            "value": cookie, "secure": True, "version": 0, "expires": None, "port": None}}}}))
        command += ["-c", str(cookies)]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=2400)
    if not report.exists():
        return [f"wapiti produced no report (exit {result.returncode}):\n"
                f"{result.stdout[-3000:]}{result.stderr[-2000:]}"]
    data = json.loads(report.read_text())
    findings = []
    for section in ("vulnerabilities", "anomalies"):
        for kind, items in data.get(section, {}).items():
            print(f"  wapiti {section} {kind}: {len(items)}")
            for item in items:
                finding = f"wapiti {kind}: {item.get('method')} {item.get('path')} " \
                          f"{item.get('parameter', '')}: {item.get('info', '')}"
                reason = next((why for (category, text), why in ACCEPTED.items()
                               if category == kind and text in finding), None)
                if (kind == "Cross Site Request Forgery" and item.get("path", "").endswith("/care-mode")
                        and cross_site_refused(base, item["path"])):
                    reason = ("checked again here: the care-mode switch carries no token (its pages are cached "
                              "for everyone); a post with another site's Origin gets 403, this site's is accepted")
                elif kind == "Cross Site Request Forgery" and csrf_enforced(base, item.get("path", "")):
                    reason = ("checked again here: a real token with cookie and Referer is accepted, a forged "
                              "one gets the CSRF refusal page (wapiti's own request lacks the Referer)")
                if reason:
                    print(f"    accepted: {finding}\n      because {reason}")
                else:
                    findings.append(finding)
    resources, staff_pages = crawled(work)
    print(f"  wapiti: {resources} resources crawled, {staff_pages} of them staff pages signed in; additional "
          f"notes: {sum(len(v) for v in data.get('additionals', {}).values())}")
    if cookie and not staff_pages:
        findings.append("wapiti crawled no staff page signed in: its session ended or was never used")
    if cookie and not still_signed_in(base, cookie):
        findings.append("wapiti's staff session ended during the scan: the staff area was attacked signed out")
    return findings


def still_signed_in(base, cookie):
    """Whether the session cookie still opens a page every staff role has."""
    request = urllib.request.Request(f"{base}/zh/staff/account", headers={"Cookie": f"session={cookie}"})
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=INSECURE), NoRedirect())
    try:
        with opener.open(request) as response:
            return response.status == 200
    except urllib.error.HTTPError:
        return False


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect to the sign-in page is the answer itself


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", action="store_true", help="keep the work folder (reports, logs)")
    parser.add_argument("--only", choices=["sqlmap", "wapiti"])
    parser.add_argument("--thorough", action="store_true", help="sqlmap level 3, risk 2, time-based too; slow")
    args = parser.parse_args()
    missing = [tool for tool in ("sqlmap", "wapiti", "openssl") if not shutil.which(tool)]
    if missing:
        raise SystemExit(f"missing: {', '.join(missing)} (apt-get install -y sqlmap wapiti openssl)")
    work = Path(tempfile.mkdtemp(prefix="portal-scan-"))
    base, server = start_server(work)
    findings = []
    try:
        status_url, number = demo_request(base)
        print(f"scanning {base} (work folder {work})")
        if args.only != "wapiti":
            findings += run_sqlmap(base, status_url, number, work, args.thorough)
        if args.only != "sqlmap":
            # its own session: wapiti may press "Sign out", which must not end sqlmap's
            findings += run_wapiti(base, work, staff_session(base, COORDINATOR))
        errors = [line for line in (work / "gunicorn.log").read_text(errors="replace").splitlines()
                  if "incident" in line or "Traceback" in line]
        if errors:
            findings.append("server errors during the scan:\n" + "\n".join(errors[:20]))
    finally:
        stop(server)
        if not args.keep and not findings:
            shutil.rmtree(work, ignore_errors=True)
    if findings:
        print(f"\n{len(findings)} finding(s); reports in {work}:")
        for finding in findings:
            print(" -", finding)
        raise SystemExit(1)
    print("\nscan clean: no findings")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    main()
