"""Stand-ins for the SMS providers' endpoints on 127.0.0.1, for the SDKs to talk to.

Each checks the request's signature as the provider documents it, with the key it was given, and
answers as the documented API does, errors included:
- Alibaba Cloud SendSms (2017-05-25), the V3 signature ACS3-HMAC-SHA256 the SDK uses by default:
  canonical request = method, path, sorted and RFC 3986-encoded query, the signed headers
  (lower-case name:trimmed value), their names, the hex SHA-256 of the body; the signature is the
  hex HMAC-SHA256 of "ACS3-HMAC-SHA256\\n" + hex SHA-256 of that request
  (help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature).
  Wrong signature: HTTP 400 SignatureDoesNotMatch; unknown key: 404 InvalidAccessKeyId.NotFound;
  a business refusal: HTTP 200 with its Code.
- Tencent Cloud SendSms (2021-01-11), TC3-HMAC-SHA256: the canonical request over content-type
  and host, the string to sign with the timestamp and credential scope date/sms/tc3_request, the
  key derived from "TC3" + secret through the date, the service and "tc3_request"
  (cloud.tencent.com/document/api/382/52072). Errors answer HTTP 200 with Response.Error.
"""

import hashlib
import hmac
import json
import threading
import time
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit

KEY_ID, KEY_SECRET = "LTAI-test-key-id", "test-secret-not-real"


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def _hmac(key, text):
    return hmac.new(key, text.encode(), hashlib.sha256)


def aliyun_signature_error(method, target, headers, body, key_id, secret):
    """None when the request carries a valid ACS3-HMAC-SHA256 signature for key_id/secret, else
    (status, code) as the gateway answers."""
    authorization = headers.get("authorization", "")
    algorithm, _, fields = authorization.partition(" ")
    parts = dict(part.split("=", 1) for part in fields.split(",") if "=" in part)
    if algorithm != "ACS3-HMAC-SHA256" or not {"Credential", "SignedHeaders", "Signature"} <= set(parts):
        return 400, "IncompleteSignature"
    if parts["Credential"] != key_id:
        return 404, "InvalidAccessKeyId.NotFound"
    signed = parts["SignedHeaders"].split(";")
    if not {"host", "x-acs-action", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce"} <= set(signed):
        return 400, "IncompleteSignature"
    if headers.get("x-acs-content-sha256") != _sha256(body):
        return 400, "SignatureDoesNotMatch"
    url = urlsplit(target)
    query = sorted(parse_qsl(url.query, keep_blank_values=True))
    canonical_query = "&".join(f"{quote(k, safe='~')}={quote(v, safe='~')}" for k, v in query)
    canonical_headers = "".join(f"{name}:{headers.get(name, '').strip()}\n" for name in signed)
    canonical = "\n".join((method, url.path or "/", canonical_query, canonical_headers, ";".join(signed),
                           headers["x-acs-content-sha256"]))
    expected = _hmac(secret.encode(), f"ACS3-HMAC-SHA256\n{_sha256(canonical.encode())}").hexdigest()
    if not hmac.compare_digest(expected, parts["Signature"]):
        return 400, "SignatureDoesNotMatch"
    return None


def tencent_signature_error(method, target, headers, body, key_id, secret, now=None):
    """None when the request carries a valid TC3-HMAC-SHA256 signature, else the error code."""
    authorization = headers.get("authorization", "")
    algorithm, _, fields = authorization.partition(" ")
    parts = dict(part.strip().split("=", 1) for part in fields.split(",") if "=" in part)
    if algorithm != "TC3-HMAC-SHA256" or not {"Credential", "SignedHeaders", "Signature"} <= set(parts):
        return "AuthFailure.InvalidAuthorization"
    credential = parts["Credential"].split("/")
    if len(credential) != 4 or credential[3] != "tc3_request":
        return "AuthFailure.InvalidAuthorization"
    secret_id, date, service = credential[:3]
    if secret_id != key_id:
        return "AuthFailure.SecretIdNotFound"
    timestamp = int(headers.get("x-tc-timestamp", "0") or 0)
    if abs((now or time.time()) - timestamp) > 300:
        return "AuthFailure.SignatureExpire"
    if datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d") != date:
        return "AuthFailure.SignatureFailure"
    signed = parts["SignedHeaders"].split(";")
    canonical_headers = "".join(f"{name}:{headers.get(name, '').strip().lower()}\n" for name in signed)
    url = urlsplit(target)
    canonical = "\n".join((method, url.path or "/", url.query, canonical_headers, ";".join(signed), _sha256(body)))
    scope = f"{date}/{service}/tc3_request"
    to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{_sha256(canonical.encode())}"
    key = _hmac(_hmac(_hmac(f"TC3{secret}".encode(), date).digest(), service).digest(), "tc3_request").digest()
    if not hmac.compare_digest(_hmac(key, to_sign).hexdigest(), parts["Signature"]):
        return "AuthFailure.SignatureFailure"
    return None


class FakeProvider:
    """A provider endpoint: `kind` is "aliyun" or "tencent". `refused` holds numbers it refuses
    as invalid; `received` lists every accepted message (the provider's view of what was sent);
    `down` answers every call with a server error."""

    def __init__(self, kind, key_id=KEY_ID, secret=KEY_SECRET):
        self.kind, self.key_id, self.secret = kind, key_id, secret
        self.refused, self.received, self.rejected = set(), [], []
        self.down = False
        self.lock = threading.Lock()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("content-length", 0) or 0))
                headers = {name.lower(): value for name, value in self.headers.items()}
                status, answer = provider.answer(self.command, self.path, headers, body)
                data = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(status)
                # As each API answers (the Tencent SDK reads errors only under exactly this type).
                self.send_header("Content-Type", "application/json;charset=utf-8" if provider.kind == "aliyun"
                                 else "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def answer(self, method, target, headers, body):
        request_id = str(uuid.uuid4())
        if self.kind == "aliyun":
            return self._aliyun(method, target, headers, body, request_id)
        return self._tencent(method, target, headers, body, request_id)

    def _aliyun(self, method, target, headers, body, request_id):
        if self.down:
            return 503, {"Code": "ServiceUnavailable", "Message": "The request has failed due to a temporary "
                         "failure of the server.", "RequestId": request_id}
        error = aliyun_signature_error(method, target, headers, body, self.key_id, self.secret)
        if error:
            self.rejected.append(error[1])
            return error[0], {"Code": error[1], "Message": "Specified signature is not matched with our "
                              "calculation.", "RequestId": request_id}
        query = dict(parse_qsl(urlsplit(target).query))
        if headers.get("x-acs-action") != "SendSms" or headers.get("x-acs-version") != "2017-05-25":
            return 404, {"Code": "InvalidAction.NotFound", "Message": "Specified api is not found",
                         "RequestId": request_id}
        if query.get("PhoneNumbers") in self.refused:
            return 200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号", "RequestId": request_id}
        with self.lock:
            self.received.append({"phone": query["PhoneNumbers"], "template": query["TemplateCode"],
                                  "out_id": query.get("OutId"),
                                  "sign": query["SignName"], "params": json.loads(query["TemplateParam"])})
        return 200, {"Code": "OK", "Message": "OK", "BizId": f"{len(self.received)}^0", "RequestId": request_id}

    def _tencent(self, method, target, headers, body, request_id):
        def error(code, message):
            return 200, {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": request_id}}
        if self.down:
            return error("InternalError", "An internal error has occurred. Retry your request.")
        problem = tencent_signature_error(method, target, headers, body, self.key_id, self.secret)
        if problem:
            self.rejected.append(problem)
            return error(problem, "The provided credentials could not be validated.")
        if headers.get("x-tc-action") != "SendSms" or headers.get("x-tc-version") != "2021-01-11":
            return error("InvalidAction", "The requested action does not exist.")
        call = json.loads(body)
        statuses = []
        for phone in call["PhoneNumberSet"]:
            if phone in self.refused:
                statuses.append({"SerialNo": "", "PhoneNumber": phone, "Fee": 0, "SessionContext": "",
                                 "Code": "InvalidParameterValue.IncorrectPhoneNumber",
                                 "Message": "incorrect phone number", "IsoCode": ""})
                continue
            with self.lock:
                self.received.append({"phone": phone, "template": call["TemplateId"], "sign": call["SignName"],
                                      "params": call.get("TemplateParamSet", []), "app": call["SmsSdkAppId"],
                                      "out_id": call.get("SessionContext")})
            statuses.append({"SerialNo": str(uuid.uuid4()), "PhoneNumber": phone, "Fee": 1,
                             "SessionContext": call.get("SessionContext", ""), "Code": "Ok",
                             "Message": "send success", "IsoCode": "CN"})
        return 200, {"Response": {"SendStatusSet": statuses, "RequestId": request_id}}
