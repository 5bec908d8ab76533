"""E-mails of the editorial workflow, queued in the outbox in the same transaction as the action
they report, each in its reader's language. They name the page and link the staff workspace;
the text itself is read there, behind a login."""

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.db import db
from portal.models import OutboxMessage


def _page_name(document):
    return f"{document.section}/{document.slug}"


def _link(document, lang):
    # Built by hand: the worker loop has no request to build a URL from (the address is the
    # publishing.document route's).
    return f"{current_app.config['SITE_URL']}/{lang}/staff/content/{document.section}/{document.slug}/"


def _queue(users, purpose, compose):
    for user in users:
        with force_locale(user.lang):
            subject, lines = compose(user.lang)
            db.session.add(OutboxMessage(purpose=purpose, recipient=user.email, subject=str(subject),
                                         body="\n".join(str(line) for line in lines)))


def queue_turn(document, reviewers):
    _queue(reviewers, "content-review", lambda lang: (
        _("Your review is needed: %(page)s", page=_page_name(document)),
        [_("A change to %(page)s is waiting for your review.", page=_page_name(document)),
         _("Open it here: %(url)s", url=_link(document, lang)), "", _("Hengshui IP Service Portal")]))


def queue_returned(document, authors, comment):
    _queue(authors, "content-returned", lambda lang: (
        _("Returned to you: %(page)s", page=_page_name(document)),
        [_("The reviewer returned your change to %(page)s with this comment:", page=_page_name(document)),
         "", comment, "", _("Open it here: %(url)s", url=_link(document, lang))]))


def queue_published(document, authors, late=None):
    _queue(authors, "content-published", lambda lang: (
        _("Published: %(page)s", page=_page_name(document)),
        [_("Your change to %(page)s is now live.", page=_page_name(document)),
         *([_("It was scheduled earlier and published %(minutes)s minutes late.", minutes=late)] if late else []),
         _("Open it here: %(url)s", url=_link(document, lang))]))


def queue_late(document, editors, minutes):
    _queue(editors, "content-late", lambda lang: (
        _("Published late: %(page)s", page=_page_name(document)),
        [_("The scheduled change to %(page)s was published %(minutes)s minutes after its time, because no "
           "worker ran in between. Please check that the worker loop is running.",
           page=_page_name(document), minutes=minutes),
         _("Open it here: %(url)s", url=_link(document, lang))]))
