"""The tokens a page's forms carry, scraped as a browser would submit them, and a valid request."""

import html
import re

# Flask-WTF's hidden field as the portal's forms render it.
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
FORM_TOKEN = re.compile(r'name="form_token" type="hidden" value="([^"]+)"')
# Any <input name="csrf_token">, whatever the order of its attributes (button forms write their own).
_CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
_VALUE = re.compile(r'value="([^"]+)"')

# The fields of a valid general request (the form tokens come from the page).
REQUEST_FIELDS = {"applicant_kind": "enterprise", "organisation": "并发测试示例公司",
                  "credit_code": "91110000600037341L", "contact_name": "测试", "phone": "13803181234",
                  "email": "live@example.com", "county": "wuyi", "industry": "rubber",
                  "description": "多实例与故障测试用的求助申请，不是真实请求。", "consent": "y"}


def csrf_token(html):
    """The CSRF token of the first form on the page; AssertionError naming the page when there is none."""
    found = _CSRF_INPUT.search(html)
    assert found, "no csrf_token field on the page:\n" + html[:500]
    return _VALUE.search(found.group(0)).group(1)


def form_tokens(html):
    """{"csrf_token", "form_token"} of the request form on the page."""
    csrf, form = CSRF.search(html), FORM_TOKEN.search(html)
    assert csrf and form, "not the request form (no csrf_token or form_token):\n" + html[:500]
    return {"csrf_token": csrf.group(1), "form_token": form.group(1)}


_HIDDEN_INPUT = re.compile(r'<input[^>]*type="hidden"[^>]*>')
_NAME = re.compile(r'name="([^"]+)"')
_ANY_VALUE = re.compile(r'value="([^"]*)"')


def hidden_fields(page):
    """[(name, value)] of every hidden input on the page, unescaped, in order (a name may repeat)."""
    found = []
    for tag in _HIDDEN_INPUT.findall(page):
        name, value = _NAME.search(tag), _ANY_VALUE.search(tag)
        if name:
            found.append((html.unescape(name.group(1)), html.unescape(value.group(1)) if value else ""))
    return found


def check_page_fields(page, step="send", recipient_consent=True):
    """What the check page's form posts when its button `step` is pressed (and the consent ticked):
    {name: value or [values]}."""
    assert 'value="send"' in page, "not the check page:\n" + page[:500]
    fields = {}
    for name, value in hidden_fields(page):
        if name in fields:
            fields[name] = [*(fields[name] if isinstance(fields[name], list) else [fields[name]]), value]
        else:
            fields[name] = value
    fields["step"] = step
    if recipient_consent:
        fields["recipient_consent"] = "y"
    return fields
