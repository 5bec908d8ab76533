"""`flask seed demo`: a demo network of service institutions and routing rules.

Every institution is marked as demo in its name and in the is_demo flag, has an e-mail address
under the reserved .invalid domain, and no phone number or street address: the portal must
never show invented contact details for a real organisation. Administrators replace this data
with the real network.
"""

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from portal.accounts.passwords import hash_password
from portal.db import db
from portal.events.demo import load_demo as load_demo_events
from portal.institutions.assignment import forget_routing_tables
from portal.models import Institution, RoutingRule, User
from portal.vocab import COUNTIES, REQUEST_TYPES

# Demo accounts (README lists them): one password for all, never loaded in production.
DEMO_PASSWORD = "hengshui-demo-2026"  # noqa: S105 (published on purpose; demo data only)
# e-mail, name, role, institution slug
DEMO_USERS = [
    ("admin@demo.invalid", "演示管理员 Demo administrator", "admin", None),
    ("coordinator@demo.invalid", "演示协调员 Demo coordinator", "coordinator", "center"),
    ("staff-center@demo.invalid", "演示中心工作人员 Demo centre staff", "staff", "center"),
    ("staff-taocheng@demo.invalid", "演示工作站人员 Demo Taocheng staff", "staff", "workstation-taocheng"),
    ("staff-bank-a@demo.invalid", "演示银行人员 Demo bank staff", "staff", "bank-a"),
    ("editor@demo.invalid", "演示编辑 Demo editor", "editor", None),
    ("reviewer@demo.invalid", "演示审核员 Demo reviewer", "reviewer", None),
]

COUNTY_NAMES_ZH = {
    "taocheng": "桃城区", "jizhou": "冀州区", "zaoqiang": "枣强县", "wuyi": "武邑县", "wuqiang": "武强县",
    "raoyang": "饶阳县", "anping": "安平县", "gucheng": "故城县", "jingxian": "景县", "fucheng": "阜城县",
    "shenzhou": "深州市", "high-tech-zone": "衡水高新区", "binhu": "滨湖新区",
}
COUNTY_NAMES_EN = {
    "taocheng": "Taocheng District", "jizhou": "Jizhou District", "zaoqiang": "Zaoqiang County",
    "wuyi": "Wuyi County", "wuqiang": "Wuqiang County", "raoyang": "Raoyang County", "anping": "Anping County",
    "gucheng": "Gucheng County", "jingxian": "Jing County", "fucheng": "Fucheng County",
    "shenzhou": "Shenzhou City", "high-tech-zone": "High-tech Zone", "binhu": "Binhu New Area",
}

# slug, kind, zh name, en name, services
DEMO_INSTITUTIONS = [
    ("center", "center", "衡水市知识产权促进和保护中心", "Hengshui IP Promotion and Protection Center",
     list(REQUEST_TYPES)),
    ("bank-a", "bank", "示例银行甲 衡水分行", "Example Bank A, Hengshui branch", ["pledge-financing"]),
    ("bank-b", "bank", "示例银行乙 衡水分行", "Example Bank B, Hengshui branch", ["pledge-financing"]),
    ("brand-station", "brand-station", "商标品牌指导站", "Trademark brand guidance station", ["trademark-gi"]),
    ("copyright-point", "copyright-point", "版权登记服务点", "Copyright registration service point",
     ["copyright-software"]),
    ("patent-agency", "agency", "示例专利代理机构", "Example patent agency", ["patent-advice"]),
    ("tisc", "tisc", "技术与创新支持中心（TISC）", "Technology and Innovation Support Center (TISC)",
     ["overseas-risk", "patent-advice"]),
    ("arbitration", "arbitration", "仲裁机构", "Arbitration institution", ["rights-protection"]),
    ("notary", "notary", "公证机构", "Notary office", ["rights-protection"]),
]

# (priority, request type, county, industry, institution slug)
DEMO_RULES = [
    (10, "pledge-financing", None, None, "bank-a"),
    (10, "pledge-financing", None, None, "bank-b"),
    (10, "trademark-gi", None, None, "brand-station"),
    (10, "copyright-software", None, None, "copyright-point"),
    (10, "patent-advice", None, None, "patent-agency"),
    (10, "overseas-risk", None, None, "center"),
    (30, "overseas-risk", None, "rubber", "tisc"),
    (30, "overseas-risk", None, "advanced-equipment", "tisc"),
    (10, "rights-protection", None, None, "center"),
    (10, "school-visit", None, None, "center"),
] + [(20, kind, county, None, f"workstation-{county}") for county in COUNTIES
     for kind in ("rights-protection", "general")]


def seed_demo():
    """Load the demo network unless institutions already exist. Returns how many were added."""
    if db.session.scalar(select(Institution).limit(1)):
        return 0
    if current_app.config["PORTAL_ENV"] == "production":
        raise click.ClickException("demo data (with published passwords) is not loaded in production")
    institutions = {}
    for slug, kind, name_zh, name_en, services in DEMO_INSTITUTIONS:
        institutions[slug] = Institution(slug=slug, kind=kind, name_zh=f"{name_zh}（演示）",
                                         name_en=f"{name_en} (demo)", services=services, counties=[],
                                         email=f"{slug}@demo.invalid", is_demo=True)
    for county in COUNTIES:
        slug = f"workstation-{county}"
        institutions[slug] = Institution(
            slug=slug, kind="workstation", name_zh=f"{COUNTY_NAMES_ZH[county]}知识产权保护服务工作站（演示）",
            name_en=f"{COUNTY_NAMES_EN[county]} IP protection workstation (demo)",
            services=["rights-protection", "general"], counties=[county], email=f"{slug}@demo.invalid",
            is_demo=True)
    db.session.add_all(institutions.values())
    db.session.flush()
    for priority, request_type, county, industry, slug in DEMO_RULES:
        db.session.add(RoutingRule(priority=priority, request_type=request_type, county=county, industry=industry,
                                   institution_id=institutions[slug].id, note="demo"))
    password_hash = hash_password(DEMO_PASSWORD)
    for email, name, role, slug in DEMO_USERS:
        db.session.add(User(email=email, name=name, role=role, password_hash=password_hash, is_demo=True,
                            institution_id=institutions[slug].id if slug else None))
    db.session.commit()
    forget_routing_tables()
    return len(institutions)


seed_group = AppGroup("seed", help="Load demo data.")

@seed_group.command("demo", help="Load the demo institutions and routing rules (marked as demo).")
def demo_command():
    added = seed_demo()
    click.echo(f"{added} demo institutions added" if added else "institutions exist already; nothing added")
    current_app.logger.info("demo seed: %s institutions", added)
    if current_app.config["PORTAL_ENV"] != "production":  # (load_demo_events refuses production itself)
        click.echo(load_demo_events())  # after `flask content import`: a financing day, a training, a school


def init_app(app):
    app.cli.add_command(seed_group)
