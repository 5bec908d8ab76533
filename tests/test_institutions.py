"""The institution directory: active institutions from the database, filters, request links."""

import re

import pytest
from sqlalchemy import select

from portal.db import db
from portal.models import Institution

CARD = re.compile(r'<li class="card">\s*<h3>([^<]+)</h3>')


def names(html):
    return CARD.findall(html)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_directory_lists_every_active_institution_in_both_names(app, client, lang):
    with app.app_context():
        active = db.session.scalars(select(Institution).where(Institution.active.is_(True))).all()
        expected = {i.name(lang) for i in active}
        other = {i.name("en" if lang == "zh" else "zh") for i in active}
    html = client.get(f"/{lang}/institutions").get_data(as_text=True)
    assert set(names(html)) == expected
    assert all(name in html for name in other)


def test_inactive_institutions_are_not_listed(app, client):
    with app.app_context():
        notary = db.session.scalar(select(Institution).where(Institution.slug == "notary"))
        notary.active = False
        db.session.commit()
    try:
        assert "Notary office (demo)" not in client.get("/en/institutions").get_data(as_text=True)
    finally:
        with app.app_context():
            db.session.scalar(select(Institution).where(Institution.slug == "notary")).active = True
            db.session.commit()
    assert "Notary office (demo)" in client.get("/en/institutions").get_data(as_text=True)


def test_county_filter_keeps_citywide_and_that_countys_institutions(client):
    shown = names(client.get("/en/institutions?county=wuyi").get_data(as_text=True))
    assert "Wuyi County IP protection workstation (demo)" in shown
    assert "Hengshui IP Promotion and Protection Center (demo)" in shown
    assert not any("Jizhou" in name for name in shown)


def test_service_filter_and_request_links(client):
    html = client.get("/en/institutions?service=pledge-financing").get_data(as_text=True)
    assert set(names(html)) == {"Example Bank A, Hengshui branch (demo)", "Example Bank B, Hengshui branch (demo)",
                                "Hengshui IP Promotion and Protection Center (demo)"}
    assert 'href="/en/requests/new?type=pledge-financing"' in html
    assert 'option value="pledge-financing" selected' in html


def test_both_filters_together(client):
    shown = names(client.get("/zh/institutions?county=jizhou&service=rights-protection").get_data(as_text=True))
    assert "冀州区知识产权保护服务工作站（演示）" in shown and not any("武邑" in name for name in shown)


@pytest.mark.parametrize(("lang", "message"), [("zh", "已忽略"), ("en", "is not a known choice")])
def test_unknown_filter_values_get_a_message(client, lang, message):
    response = client.get(f"/{lang}/institutions?county=atlantis&service=magic")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and "atlantis" in html and "magic" in html
    assert len(names(html)) > 10  # the whole directory is still shown
