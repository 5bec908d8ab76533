"""What the index holds of each catalog page, with the address the app itself builds for it."""

from flask import url_for

from portal.content.urls import page_endpoint

DATED_KINDS = ("alert", "notice", "policy", "interpretation")  # shown with their own date, not the last check


def catalog_entries(app):
    """One index entry per catalog page, with the URL the app itself builds for it."""
    catalog = app.extensions["catalog"]
    with app.test_request_context():
        for page in catalog:
            endpoint, args = page_endpoint(page)
            yield {"doc_id": f"{page.lang}/{page.section}/{page.slug}", "lang": page.lang, "kind": page.kind,
                   "topics": page.topics, "audience": page.audience, "title": page.title,
                   "summary": page.summary, "text": page.text,
                   # The date a result shows: an alert's own date (its event), else the last update,
                   # so that a 2019 rule whose page was re-checked today does not look new.
                   "updated": (page.date if page.kind in DATED_KINDS and page.date else page.updated).isoformat(),
                   "url": url_for(endpoint, lang=page.lang, **args)}
