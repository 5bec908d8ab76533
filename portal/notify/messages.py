"""The e-mails the portal sends, composed in the reader's language.

Institution notices carry no personal data beyond the tracking number: staff read the request
itself in their workspace, behind a login.
"""

from flask_babel import force_locale
from flask_babel import gettext as _

from portal.vocab import COUNTIES, REQUEST_TYPES


def acknowledgement(request, status_url):
    with force_locale(request.lang):
        institution = request.institution.name(request.lang) if request.institution else None
        subject = _("Your request %(number)s has been received", number=request.tracking_number)
        lines = [
            _("Dear %(name)s,", name=request.contact_name),
            "",
            _("We have received your request for help (%(type)s).", type=REQUEST_TYPES[request.request_type]),
            _("Tracking number: %(number)s", number=request.tracking_number),
            _("Follow it here: %(url)s", url=status_url),
            _("To answer the institution or add documents, use that page: this e-mail address does not read "
              "replies."),
            "",
        ]
        if institution:
            lines.append(_("It has been passed to %(institution)s, which will contact you.", institution=institution))
        lines += [
            _("You can also check progress on the portal with the tracking number and the last six digits of "
              "your phone number."),
            "",
            _("Hengshui IP Service Portal"),
        ]
        return subject, "\n".join(str(line) for line in lines)


def tracking_locked(request, minutes, status_url):
    """To the requester: someone gave wrong phone digits for their tracking number several times."""
    with force_locale(request.lang):
        subject = _("Tracking of your request %(number)s is locked for a while", number=request.tracking_number)
        lines = [
            _("Dear %(name)s,", name=request.contact_name),
            "",
            _("Someone gave the wrong phone digits or e-mail address for tracking number %(number)s several times "
              "on the portal's tracking page, so tracking by this number is locked for %(minutes)s minutes.",
              number=request.tracking_number, minutes=minutes),
            _("If that was you, wait and try again, or use your own link, which always works: %(url)s", url=status_url),
            _("If it was not you, you need do nothing: nobody can see your request without the right digits or "
              "address."),
            "",
            _("Hengshui IP Service Portal"),
        ]
        return subject, "\n".join(str(line) for line in lines)


def tracking_link(request, status_url):
    """To the requester, who asked on the tracking page with their tracking number and this address."""
    with force_locale(request.lang):
        subject = _("The status link of your request %(number)s", number=request.tracking_number)
        lines = [
            _("Dear %(name)s,", name=request.contact_name),
            "",
            _("Someone asked on the portal's tracking page for the status link of request %(number)s, giving "
              "this e-mail address. Here it is: %(url)s", number=request.tracking_number, url=status_url),
            _("Keep it to yourself: anyone with this link can see the request. If you did not ask, you need do "
              "nothing."),
            "",
            _("Hengshui IP Service Portal"),
        ]
        return subject, "\n".join(str(line) for line in lines)


def institution_notice(request, institution, site_url):
    parts = []
    for lang in ("zh", "en"):
        with force_locale(lang):
            parts.append("\n".join(str(line) for line in (
                _("A new request has been assigned to %(institution)s.", institution=institution.name(lang)),
                _("Tracking number: %(number)s", number=request.tracking_number),
                _("Type: %(type)s", type=REQUEST_TYPES[request.request_type]),
                _("County or district: %(county)s", county=COUNTIES.get(request.county, request.county)),
                _("Open the staff workspace to read and answer it: %(url)s", url=f"{site_url}/staff/"),
            )))
    with force_locale("zh"):
        subject = _("New request %(number)s", number=request.tracking_number)
    return subject, "\n\n----\n\n".join(parts)


def reply(request, message, status_url):
    """A message from the institution to the requester, in the requester's language."""
    with force_locale(request.lang):
        institution = request.institution.name(request.lang) if request.institution else ""
        subject = _("A reply to your request %(number)s", number=request.tracking_number)
        lines = [
            _("Dear %(name)s,", name=request.contact_name),
            "",
            _("%(institution)s has replied to your request:", institution=institution),
            "",
            message,
            "",
            _("Follow your request and read every reply here: %(url)s", url=status_url),
            _("To answer, or to add documents, use that page: this e-mail address does not read replies."),
            "",
            _("Hengshui IP Service Portal"),
        ]
        return subject, "\n".join(str(line) for line in lines)


def requester_wrote(request, institution, site_url):
    """To the institution: the requester wrote on the status page. No personal data: staff read it
    in the workspace."""
    parts = []
    for lang in ("zh", "en"):
        with force_locale(lang):
            parts.append("\n".join(str(line) for line in (
                _("The requester of %(number)s has written to %(institution)s.", number=request.tracking_number,
                  institution=institution.name(lang)),
                _("Read it in the staff workspace: %(url)s", url=f"{site_url}/{lang}/staff/requests/{request.id}"),
            )))
    with force_locale("zh"):
        subject = _("New message on request %(number)s", number=request.tracking_number)
    return subject, "\n\n----\n\n".join(parts)


def move_refused(request, institution, site_url):
    """To the institution that has the request: the requester did not agree to a move to another
    kind of institution, so it stays with this one. No personal data: staff read it in the workspace."""
    parts = []
    for lang in ("zh", "en"):
        with force_locale(lang):
            parts.append("\n".join(str(line) for line in (
                _("The requester of %(number)s did not agree that it goes to another kind of institution: it "
                  "stays with %(institution)s, on a new service clock.", number=request.tracking_number,
                  institution=institution.name(lang)),
                _("Read it in the staff workspace: %(url)s", url=f"{site_url}/{lang}/staff/requests/{request.id}"),
            )))
    with force_locale("zh"):
        subject = _("Request %(number)s stays with you", number=request.tracking_number)
    return subject, "\n\n----\n\n".join(parts)


def rating_invitation(request, rate_url):
    """To the requester: their request was answered or closed; how satisfied are they (好差评)?"""
    with force_locale(request.lang):
        subject = _("How was your request %(number)s handled?", number=request.tracking_number)
        lines = [
            _("Dear %(name)s,", name=request.contact_name),
            "",
            _("Your request %(number)s has been answered or closed. Please tell us how satisfied you are: "
              "five levels, from very satisfied to very dissatisfied, and a comment if you like (never published).",
              number=request.tracking_number),
            _("Rate it here (no sign-in needed): %(url)s", url=rate_url),
            _("You can change your rating for 7 days. If you are not satisfied, the city's coordinators follow "
              "it up within 15 working days."),
            "",
            _("Hengshui IP Service Portal"),
        ]
        return subject, "\n".join(str(line) for line in lines)


def consent_needed(request, institution, status_url):
    """To the requester: a move to another kind of institution waits for their consent."""
    with force_locale(request.lang):
        name = institution.name(request.lang)
        subject = _("Your consent is needed: request %(number)s would go to %(institution)s",
                    number=request.tracking_number, institution=name)
        lines = [
            _("Dear %(name)s,", name=request.contact_name),
            "",
            _("Your request %(number)s would be passed to %(institution)s, a different kind of institution from "
              "the one that has it now. It receives your request and contact details only if you agree.",
              number=request.tracking_number, institution=name),
            _("See who it is and agree, or not, here: %(url)s", url=status_url),
            "",
            _("Hengshui IP Service Portal"),
        ]
        return subject, "\n".join(str(line) for line in lines)


def moved(request, status_url):
    """To the requester: their request is now with another institution (declined or reassigned)."""
    with force_locale(request.lang):
        institution = request.institution.name(request.lang) if request.institution else ""
        subject = _("Your request %(number)s is now handled by %(institution)s", number=request.tracking_number,
                    institution=institution)
        lines = [
            _("Dear %(name)s,", name=request.contact_name),
            "",
            _("Your request %(number)s has been passed to %(institution)s, which handles it from now on.",
              number=request.tracking_number, institution=institution),
        ]
        if request.institution and request.institution.phone:
            lines.append(_("Its public telephone: %(phone)s", phone=request.institution.phone))
        lines += [
            "",
            _("Follow your request here: %(url)s", url=status_url),
            _("Messages from the institution appear on that page, and you can answer there."),
            "",
            _("Hengshui IP Service Portal"),
        ]
        return subject, "\n".join(str(line) for line in lines)


def escalation(request, coordinator, site_url):
    """To a coordinator: a request has had no first response by its due time. No personal data."""
    with force_locale(coordinator.lang):
        subject = _("Overdue: request %(number)s has no response", number=request.tracking_number)
        institution = request.institution.name(coordinator.lang) if request.institution else ""
        lines = (
            _("Request %(number)s has had no first response by its due time.", number=request.tracking_number),
            _("Handled by: %(institution)s", institution=institution),
            _("Type: %(type)s", type=REQUEST_TYPES[request.request_type]),
            _("Open it in the staff workspace: %(url)s",
              url=f"{site_url}/{coordinator.lang}/staff/requests/{request.id}"),
        )
        return subject, "\n".join(str(line) for line in lines)


def account_link(user, purpose, url):
    """An invitation to the staff workspace, or a password reset link."""
    with force_locale(user.lang):
        if purpose == "invite":
            subject = _("Your account on the Hengshui IP Service Portal")
            lines = [
                _("Hello %(name)s,", name=user.name),
                "",
                _("An administrator has created a staff account for you. Choose your password here "
                  "(the link works once, for 7 days):"),
                url,
            ]
        else:
            subject = _("Reset your password")
            lines = [
                _("Hello %(name)s,", name=user.name),
                "",
                _("Someone asked to reset the password of your account. If it was you, choose a new "
                  "password here (the link works once, for 1 hour):"),
                url,
                "",
                _("If it was not you, ignore this message: your password stays as it is."),
            ]
        lines += ["", _("Hengshui IP Service Portal")]
        return subject, "\n".join(str(line) for line in lines)
