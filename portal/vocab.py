"""The portal's shared vocabulary, each list once: counties, industries, markets, request types,
institution kinds, topics, audiences, risk types, statuses and languages.

A leaf module (it imports nothing of the portal), so every feature can use the same keys and labels:
two copies of a list drift (two lists of institution kinds once had different labels, and a kind
only one of them knew showed no label in the public directory).
"""

from flask_babel import lazy_gettext as _l

# The portal's languages, Chinese first (the default); each page exists in both.
LANGUAGES = ("zh", "en")

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

# What a published page is, as search results and facets name it.
KIND_LABELS = {
    "guide": _l("Guide"),
    "page": _l("Information page"),
    "alert": _l("Overseas risk alert"),
    "material": _l("Teaching material"),
    "event": _l("Event"),
}

TOPICS = {
    "pledge-financing": _l("Pledge financing"),
    "patent": _l("Patents"),
    "trademark": _l("Trademarks"),
    "geographical-indication": _l("Geographical indications"),
    "copyright": _l("Copyright"),
    "software": _l("Software"),
    "overseas-risk": _l("Overseas IP risk"),
    "rights-protection": _l("Rights protection"),
    "education": _l("IP education"),
}

AUDIENCES = {
    "enterprise": _l("Enterprises"),
    "school": _l("Schools and teachers"),
    "institution": _l("Service institutions"),
    "individual": _l("Individuals"),
}

# Markets abroad, shared by the overseas alerts (filters, subscriptions) and the health check's
# "where do you sell" question, so a health-check answer can open the alerts filtered to it.
REGIONS = {
    "us": _l("United States"),
    "eu": _l("European Union"),
    "uk": _l("United Kingdom"),
    "japan": _l("Japan"),
    "korea": _l("South Korea"),
    "asean": _l("Southeast Asia (ASEAN)"),
    "india": _l("India"),
    "middle-east": _l("Middle East"),
    "russia-central-asia": _l("Russia and Central Asia"),
    "africa": _l("Africa"),
    "latin-america": _l("Latin America"),
    "global": _l("Several markets or worldwide"),
}

# What kind of overseas risk an alert reports: its filter on /<lang>/alerts and in subscriptions.
RISK_TYPES = {
    "litigation": _l("Lawsuits and litigation waves"),
    "section-337": _l("US Section 337 investigations"),
    "trademark-squatting": _l("Trademark squatting"),
    "customs": _l("Customs seizures"),
    "trade-fair": _l("Trade-fair enforcement"),
    "rule-change": _l("Rule changes abroad"),
}

# How soon an exporter in the named industries and markets should act on an alert.
SEVERITIES = {
    "high": _l("High: act now"),
    "medium": _l("Medium: check your position"),
    "low": _l("Low: for information"),
}

# The assistance request each guide's "get help with this" link opens (the form: issue 4).
REQUEST_TYPES = {
    "pledge-financing": _l("Patent or trademark pledge financing"),
    "trademark-gi": _l("Trademark registration or geographical indication"),
    "copyright-software": _l("Copyright or software registration"),
    "overseas-risk": _l("Overseas IP dispute or risk"),
    "rights-protection": _l("Infringement complaint and rights protection"),
    "patent-advice": _l("Patent filing and patent navigation advice (planning with patent information)"),
    "school-visit": _l("Expert visit to a school"),
    "general": _l("General enquiry"),
}

# The labels an alert's tags are shown with (alert pages, the home page's latest alerts, feeds).
ALERT_LABELS = {"industries": INDUSTRIES, "regions": REGIONS, "risks": RISK_TYPES, "severities": SEVERITIES}

# A request's statuses; the open ones still wait for an institution's answer.
OPEN_STATUSES = ("received", "assigned", "accepted")
ALL_STATUSES = ("received", "assigned", "accepted", "answered", "closed")

STATUS_LABELS = {
    "received": _l("Received"),
    "assigned": _l("Assigned to an institution"),
    "accepted": _l("Accepted by the institution"),
    "answered": _l("Answered"),
    "closed": _l("Closed"),
}

EVENT_LABELS = {
    "received": _l("Your request was received."),
    "assigned": _l("It was passed to the institution that handles this kind of request."),
    "accepted": _l("The institution accepted it."),
    "replied": _l("The institution sent you a message:"),
    "called": _l("The institution called you."),
    "answered": _l("The institution answered it."),
    "closed": _l("It was closed."),
    "reopened": _l("It was reopened."),
    "sms-stopped": _l("You stopped SMS about this request."),
    "requester-message": _l("You wrote to the institution:"),
    "requester-resolved": _l("You said the matter is resolved."),
    "rated": _l("You rated how your request was handled."),
    "consent-asked": _l("It would be passed to another kind of institution: your consent was asked."),
    "consent-given": _l("You agreed that it is passed to the other institution."),
}


# 好差评 (国办发〔2019〕51号): the five levels, best first; the top three count as satisfied.
RATING_LEVELS = ("very-satisfied", "satisfied", "basically-satisfied", "dissatisfied", "very-dissatisfied")
SATISFIED_LEVELS = frozenset(RATING_LEVELS[:3])
