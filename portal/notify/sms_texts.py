"""The SMS the portal sends, as templates by name with their parameters.

A provider (Alibaba Cloud, Tencent Cloud) sends only templates it has approved, under a code it
gives; the portal sends that code and the parameters. The texts below are the ones to register,
word for word (`{track}` is replaced by the portal's fixed tracking page address before
registering, `${number}` is the provider's variable); the file channel and the tests render the
same texts. They are kept here rather than in the message catalogues because a translation
changed there would no longer match the text the provider approved.

Providers reject templates with marketing or legal-service words (法律维权, 调解, 商标注册, IP
promotion, …) and links passed as variables: the texts say only the portal's name (the signature,
added by the provider), the tracking number, what happened and the fixed tracking page address.
The private status link never goes by SMS.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class SmsTemplate:
    name: str
    params: tuple  # parameter names, in the order Tencent Cloud's numbered variables take them
    zh: str
    en: str

    def text(self, lang):
        return self.zh if lang == "zh" else self.en


TEMPLATES = {t.name: t for t in (
    SmsTemplate("received", ("number",),
                "您的服务申请已收到，编号${number}。凭编号和手机号后四位在{track}查看进度。",
                "We have received your request ${number}. Follow it at {track} (number and last 4 "
                "digits of your phone)."),
    SmsTemplate("message", ("number",),
                "您的服务申请${number}有一条新消息，请凭编号和手机号后四位在{track}查看。",
                "New message on your request ${number}. Read it at {track} (number and last 4 digits "
                "of your phone)."),
    SmsTemplate("answered", ("number",),
                "您的服务申请${number}已答复，请凭编号和手机号后四位在{track}查看并评价。",
                "Your request ${number} has been answered. Read and rate it at {track} (number and "
                "last 4 digits of your phone)."),
    SmsTemplate("closed", ("number",),
                "您的服务申请${number}已办结，请凭编号和手机号后四位在{track}查看并评价。",
                "Your request ${number} has been closed. See and rate it at {track} (number and last "
                "4 digits of your phone)."),
    # A move to another kind of institution waits for the requester's consent on the status page.
    SmsTemplate("consent", ("number",),
                "您的服务申请${number}拟转给另一类机构办理，需要您同意，请凭编号和手机号后四位在{track}查看并确认。",
                "Your request ${number} would go to another kind of institution and needs your consent. "
                "See it at {track} (number and last 4 digits of your phone)."),
    # Events (portal/events): the registration number only; the private link goes by e-mail.
    SmsTemplate("event-registered", ("number",),
                "您已报名活动，报名号${number}。查看或取消报名，请用确认邮件中的链接。",
                "You are registered for the event, number ${number}. To see or cancel it, use the link in "
                "the confirmation e-mail."),
    SmsTemplate("event-waiting", ("number",),
                "活动名额已满，您已进入候补名单，报名号${number}。有空位时会通知您。",
                "The event is full: you are on the waiting list, number ${number}. We will tell you when a "
                "place comes free."),
    SmsTemplate("event-promoted", ("number",),
                "有空位了：您的候补报名${number}已确认，请按时参加。",
                "A place came free: your registration ${number} is now confirmed."),
    SmsTemplate("event-reminder", ("number",),
                "提醒：您报名的活动（报名号${number}）明天举行，时间和地点见确认邮件。",
                "Reminder: the event you registered for (number ${number}) is tomorrow; the time and place "
                "are in the confirmation e-mail."),
)}


def track_address(site_url, lang):
    """The tracking page: the same fixed address in every SMS of a language, never a variable."""
    return f"{site_url}/{lang}/requests/track"


def render(name, lang, params, site_url, signature):
    """The text as the phone shows it: 【signature】 then the template filled in."""
    text = TEMPLATES[name].text(lang).replace("{track}", track_address(site_url, lang))
    for key, value in params.items():
        text = text.replace("${" + key + "}", str(value))
    return f"【{signature}】{text}"
