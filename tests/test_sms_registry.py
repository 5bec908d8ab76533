"""The SMS templates the portal sends match what is registered with the provider (issue 16).

docs/sms-templates.md is the registry: each template's current revision, word for word, and the
superseded ones. A text changed in portal/notify/sms_texts.py without a new revision in the registry
fails here; a deployment whose SMS_TEMPLATE_CODES names an older revision does not start; and what
reaches the provider is the code given for the current revision.
"""

import re

import pytest

from portal import create_app
from portal.config import ROOT, ConfigError
from portal.notify import deliver_once, sms_codes, sms_texts
from portal.requests import tracking
from tests.conftest import submit
from tests.sms_providers import KEY_ID, KEY_SECRET, FakeProvider

REGISTRY = ROOT / "docs" / "sms-templates.md"
ROW = re.compile(r"^\| `([\w-]+)` \| (\d+) \| (.+?) \|(?: (.+?) \|)?(?: (.+?) \|)?(?: (.+?) \|)?$")


def table(heading):
    """The rows of the registry's table under `heading`: [(name, revision, cells...)]."""
    text = REGISTRY.read_text(encoding="utf-8")
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return [(m[1], int(m[2]), *[cell for cell in m.groups()[2:] if cell is not None])
            for m in (ROW.match(line) for line in section.splitlines()) if m]


def current_codes():
    return ",".join(f"{t.key}=SMS_{100 + i}" for i, t in enumerate(sms_texts.TEMPLATES.values()))


def test_every_template_is_registered_word_for_word_at_its_current_revision():
    registered = {name: (revision, zh, en) for name, revision, zh, en in table("Current revisions")}
    assert set(registered) == set(sms_texts.TEMPLATES)
    for name, template in sms_texts.TEMPLATES.items():
        assert registered[name] == (template.revision, template.zh, template.en), name


def test_each_superseded_revision_is_listed_and_older_than_the_current_one():
    superseded = table("Superseded revisions: register the current ones again")
    for name, template in sms_texts.TEMPLATES.items():
        older = sorted(revision for n, revision, *_rest in superseded if n == name)
        assert older == list(range(1, template.revision)), name  # every earlier revision, none missing
    current_zh = {t.zh for t in sms_texts.TEMPLATES.values()}
    assert all(row[-1] not in current_zh for row in superseded)  # a superseded text is not a current one


def test_answered_and_closed_ask_for_the_rating_and_every_text_names_the_digits_tracking_asks_for():
    for name in ("answered", "closed"):
        template = sms_texts.TEMPLATES[name]
        assert "评价" in template.zh and "rate" in template.en and template.revision >= 2
    # Every request text points to the tracking page; event texts carry only the registration number
    # (their private link goes by e-mail), so they name no digits.
    for template in (t for t in sms_texts.TEMPLATES.values() if "{track}" in t.zh):
        assert f"后{'六' if tracking.DIGITS == 6 else tracking.DIGITS}位" in template.zh
        assert f"last {tracking.DIGITS} digits" in template.en


def settings(tmp_path, codes):
    return {"TESTING": True, "CONTENT_DIR": ROOT / "content", "INSTANCE_DIR": tmp_path,
            "SEARCH_INDEX_DIR": tmp_path / "si", "SMS_PROVIDER": "aliyun", "SMS_ACCESS_KEY_ID": KEY_ID,
            "SMS_ACCESS_KEY_SECRET": KEY_SECRET, "SMS_TEMPLATE_CODES": codes}


def test_codes_registered_for_older_texts_refuse_to_start_naming_what_changed(tmp_path):
    # What a deployment configured before the texts changed: names without a revision (revision 1).
    old = "received=SMS_1,message=SMS_2,answered=SMS_3,closed=SMS_4"
    with pytest.raises(ConfigError) as refused:
        create_app(settings(tmp_path, old))
    message = str(refused.value)
    assert "answered@3, closed@3" in message and "changed since its code was registered" in message
    assert "no provider code for consent@2" in message and "docs/sms-templates.md" in message


def test_the_provider_receives_the_code_registered_for_the_current_revision(app, client, monkeypatch):
    codes = current_codes()
    assert sms_codes({"SMS_PROVIDER": "aliyun", "SMS_TEMPLATE_CODES": codes + ",answered@2=SMS_OLD"}) == {
        t.name: f"SMS_{100 + i}" for i, t in enumerate(sms_texts.TEMPLATES.values())}
    assert submit(client, "zh", "general", sms_consent="y").status_code == 303
    with FakeProvider("aliyun") as provider:
        # The session's app, for this test only (monkeypatch puts every setting back).
        for key, value in (("SMS_PROVIDER", "aliyun"), ("SMS_ACCESS_KEY_ID", KEY_ID),
                           ("SMS_ACCESS_KEY_SECRET", KEY_SECRET), ("SMS_ENDPOINT", provider.endpoint),
                           ("SMS_TEMPLATE_CODES", codes)):
            monkeypatch.setitem(app.config, key, value)
        monkeypatch.delitem(app.extensions, "sms_channel", raising=False)
        with app.app_context():
            (_mail, (sent, not_sent)) = deliver_once(app)
        app.extensions.pop("sms_channel", None)  # the file channel is built again by the next test
    assert (sent, not_sent) == (1, 0)
    [call] = provider.received
    assert call["template"] == f"SMS_{100 + list(sms_texts.TEMPLATES).index('received')}"
