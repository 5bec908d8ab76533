"""The fixed lists the request form offers, in both languages."""

from flask_babel import lazy_gettext as _l

# Hengshui's eleven county-level divisions, then the two zones with their own administrations.
COUNTIES = {
    "taocheng": _l("Taocheng District"),
    "jizhou": _l("Jizhou District"),
    "zaoqiang": _l("Zaoqiang County"),
    "wuyi": _l("Wuyi County"),
    "wuqiang": _l("Wuqiang County"),
    "raoyang": _l("Raoyang County"),
    "anping": _l("Anping County"),
    "gucheng": _l("Gucheng County"),
    "jingxian": _l("Jing County"),
    "fucheng": _l("Fucheng County"),
    "shenzhou": _l("Shenzhou City"),
    "high-tech-zone": _l("Hengshui High-tech Zone"),
    "binhu": _l("Binhu New Area"),
}

# The industries the city plan names (先进装备制造、新材料、食品及生物制品, the rubber industry
# platform, 节能环保, agriculture and GI products, the copyright industry), plus other.
INDUSTRIES = {
    "advanced-equipment": _l("Advanced equipment manufacturing"),
    "new-materials": _l("New materials"),
    "food-biotech": _l("Food and biological products"),
    "rubber": _l("Rubber and rubber products"),
    "energy-saving": _l("Energy saving and environmental protection"),
    "agriculture": _l("Agriculture and local specialty products"),
    "culture-copyright": _l("Culture, creative and copyright industries"),
    "education": _l("Education"),
    "other": _l("Other"),
}

APPLICANT_KINDS = {
    "enterprise": _l("An enterprise or self-employed business"),
    "school": _l("A school"),
    "other": _l("Another organisation or a person"),
}

# What kind of service institution it is (the directory and the administration show these).
INSTITUTION_KINDS = {
    "center": _l("Municipal IP protection centre"),
    "workstation": _l("County IP protection workstation"),
    "bank": _l("Bank"),
    "agency": _l("Patent or trademark agency"),
    "brand-station": _l("Trademark brand guidance station"),
    "copyright-point": _l("Copyright registration service point"),
    "tisc": _l("Technology and Innovation Support Center (TISC)"),
    "arbitration": _l("Arbitration institution"),
    "notary": _l("Notary office"),
    "other": _l("Other service institution"),
}
