"""SMS: queueing a templated message for a requester, and the channels that deliver it.

`SMS_PROVIDER` chooses the channel: `file` (the default: each message written as a text file
under instance/sms/, like e-mail under instance/mail/), `aliyun` (Alibaba Cloud SMS, SendSms
2017-05-25, through `alibabacloud-dysmsapi20170525`) or `tencent` (Tencent Cloud SMS, SendSms
2021-01-11, through `tencentcloud-sdk-python-sms`). The SDKs are imported only when chosen.

A channel's send() returns the provider's message id or raises SmsRefused (the provider will
never take this message: a number it calls invalid or on its do-not-disturb list, a template or
signature it refuses; never retried) or SmsFailed (anything else: retried with backoff).
"""

import json
from pathlib import Path
from urllib.parse import urlsplit

from portal import validators
from portal.db import db
from portal.models import OutboxMessage
from portal.notify import sms_texts


class SmsFailed(Exception):
    """A send that may work later (provider down, throttled, a key being fixed)."""


class SmsRefused(SmsFailed):
    """A send the provider will never accept as it is: recorded, not retried."""


def queue(request, name, purpose, site_url, signature):
    """Add the SMS `name` about `request` to the session when the requester agreed to SMS, has not
    stopped them and gave a mobile number; returns the row or None. Does not commit."""
    if not request.sms_consent_version or request.sms_stopped_at:
        return None
    phone = validators.mobile_e164(request.phone)
    if phone is None:
        return None
    params = {"number": request.tracking_number}
    row = OutboxMessage(request_id=request.id, channel="sms", purpose=purpose, recipient=phone, subject="",
                        template=name, params=params,
                        body=sms_texts.render(name, request.lang, params, site_url, signature))
    db.session.add(row)
    return row


class FileSms:
    """Writes each SMS as a text file: the embedded default, and what the tests read."""

    def __init__(self, folder):
        self.folder = Path(folder)

    def send(self, message, template_code):
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{message.id:08d}-{message.purpose}.txt"
        path.write_text(f"To: {message.recipient}\nTemplate: {template_code}\n\n{message.body}\n", encoding="utf-8")
        return path.name


# Alibaba Cloud SendSms answers HTTP 200 with Code "OK" or a business error code; these are the
# documented ones a retry cannot cure (help.aliyun.com/zh/sms/developer-reference/api-error-codes).
ALIYUN_REFUSALS = frozenset({
    "isv.MOBILE_NUMBER_ILLEGAL", "isv.DOMESTIC_NUMBER_NOT_SUPPORTED", "isv.SMS_TEMPLATE_ILLEGAL",
    "isv.SMS_SIGNATURE_ILLEGAL", "isv.SMS_SIGN_ILLEGAL", "isv.SMS_CONTENT_ILLEGAL", "isv.TEMPLATE_MISSING_PARAMETERS",
    "isv.INVALID_PARAMETERS", "isv.PARAM_LENGTH_LIMIT", "isv.SMS_SIGNATURE_SCENE_ILLEGAL",
})
# Tencent Cloud SendSms: per number in SendStatusSet[].Code ("Ok" on success), or for the call in
# Response.Error.Code (cloud.tencent.com/document/api/382/52075).
TENCENT_REFUSALS = frozenset({
    "InvalidParameterValue.IncorrectPhoneNumber", "FailedOperation.PhoneNumberInBlacklist",
    "UnsupportedOperation.UnsupportedRegion", "FailedOperation.TemplateIncorrectOrUnapproved",
    "FailedOperation.SignatureIncorrectOrUnapproved", "FailedOperation.ContainSensitiveWord",
    "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter", "InvalidParameterValue.ContentLengthLimit",
    "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber",
})


def _endpoint(url, default_host):
    """(scheme, host[:port]) from SMS_ENDPOINT, or the provider's public endpoint over HTTPS."""
    if not url:
        return "https", default_host
    parts = urlsplit(url if "://" in url else f"https://{url}")
    return parts.scheme, parts.netloc


class AliyunSms:
    def __init__(self, key_id, key_secret, sign_name, endpoint="", timeout=10):
        from alibabacloud_dysmsapi20170525.client import Client  # noqa: PLC0415 (only when chosen)
        from alibabacloud_tea_openapi.utils_models import Config  # noqa: PLC0415
        scheme, host = _endpoint(endpoint, "dysmsapi.aliyuncs.com")
        self.client = Client(Config(access_key_id=key_id, access_key_secret=key_secret, endpoint=host,
                                    protocol=scheme, read_timeout=timeout * 1000, connect_timeout=timeout * 1000))
        self.sign_name = sign_name

    def send(self, message, template_code):
        from alibabacloud_dysmsapi20170525.models import SendSmsRequest  # noqa: PLC0415
        from alibabacloud_tea_openapi.exceptions import AlibabaCloudException  # noqa: PLC0415
        from darabonba.exceptions import UnretryableException  # noqa: PLC0415
        from darabonba.runtime import RuntimeOptions  # noqa: PLC0415
        request = SendSmsRequest(phone_numbers=aliyun_number(message.recipient), sign_name=self.sign_name,
                                 template_code=template_code, out_id=str(message.id),
                                 template_param=json.dumps(message.params, ensure_ascii=False))
        try:
            body = self.client.send_sms_with_options(request, RuntimeOptions(autoretry=False)).body
        except AlibabaCloudException as error:  # HTTP 4xx/5xx: signature, throttling, the service
            raise SmsFailed(f"aliyun {getattr(error, 'code', '')}: {getattr(error, 'message', error)}") from error
        except (UnretryableException, OSError) as error:  # the SDK's wrapper for a network failure
            raise SmsFailed(f"aliyun unreachable: {type(error).__name__}") from error
        if body.code != "OK":
            failure = SmsRefused if body.code in ALIYUN_REFUSALS else SmsFailed
            raise failure(f"aliyun {body.code}: {body.message}")
        return body.biz_id


def aliyun_number(e164):
    """Alibaba Cloud takes mainland numbers as 11 digits and others with their country code, no '+'."""
    return e164[3:] if e164.startswith("+86") else e164.lstrip("+")


class TencentSms:
    def __init__(self, key_id, key_secret, sign_name, app_id, region="ap-guangzhou", endpoint="", timeout=10):
        from tencentcloud.common import credential  # noqa: PLC0415 (only when chosen)
        from tencentcloud.common.profile.client_profile import ClientProfile  # noqa: PLC0415
        from tencentcloud.common.profile.http_profile import HttpProfile  # noqa: PLC0415
        from tencentcloud.sms.v20210111 import sms_client  # noqa: PLC0415
        scheme, host = _endpoint(endpoint, "sms.tencentcloudapi.com")
        profile = ClientProfile(httpProfile=HttpProfile(protocol=scheme, endpoint=host, reqTimeout=timeout))
        self.client = sms_client.SmsClient(credential.Credential(key_id, key_secret), region, profile)
        self.sign_name, self.app_id = sign_name, app_id

    def send(self, message, template_code):
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import (  # noqa: PLC0415
            TencentCloudSDKException,
        )
        from tencentcloud.sms.v20210111 import models  # noqa: PLC0415
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [message.recipient]
        request.SmsSdkAppId, request.SignName, request.TemplateId = self.app_id, self.sign_name, template_code
        template = sms_texts.TEMPLATES[message.template]
        request.TemplateParamSet = [str(message.params[name]) for name in template.params]
        request.SessionContext = str(message.id)
        try:
            response = self.client.SendSms(request)
        except TencentCloudSDKException as error:
            code = error.get_code() or ""
            failure = SmsRefused if code in TENCENT_REFUSALS else SmsFailed
            raise failure(f"tencent {code}: {error.get_message()}") from error
        except OSError as error:
            raise SmsFailed(f"tencent unreachable: {type(error).__name__}") from error
        if not response.SendStatusSet:
            raise SmsFailed("tencent answered without a send status")
        status = response.SendStatusSet[0]
        if status.Code != "Ok":
            failure = SmsRefused if status.Code in TENCENT_REFUSALS else SmsFailed
            raise failure(f"tencent {status.Code}: {status.Message}")
        return status.SerialNo


def template_codes(text):
    """SMS_TEMPLATE_CODES, `received@2=SMS_1,message@2=SMS_2,…`: the provider's code for each
    template revision, keyed `name@revision` (a name without `@` is its first revision, the form
    this setting had before templates had revisions)."""
    pairs = (item.split("=", 1) for item in text.split(",") if "=" in item)
    codes = {}
    for key, code in pairs:
        key = key.strip()
        codes[key if "@" in key else f"{key}@1"] = code.strip()
    return codes


def current_codes(text):
    """{template name: the provider's code for its current revision}, for the templates that have one."""
    codes = template_codes(text)
    return {name: codes[t.key] for name, t in sms_texts.TEMPLATES.items() if t.key in codes}


def channel_from_config(config):
    provider = config["SMS_PROVIDER"]
    if provider == "aliyun":
        return AliyunSms(config["SMS_ACCESS_KEY_ID"], config["SMS_ACCESS_KEY_SECRET"], config["SMS_SIGN_NAME"],
                         config["SMS_ENDPOINT"])
    if provider == "tencent":
        return TencentSms(config["SMS_ACCESS_KEY_ID"], config["SMS_ACCESS_KEY_SECRET"], config["SMS_SIGN_NAME"],
                          config["SMS_TENCENT_APP_ID"], config["SMS_TENCENT_REGION"], config["SMS_ENDPOINT"])
    return FileSms(Path(config["INSTANCE_DIR"]) / "sms")
