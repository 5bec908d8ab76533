"""Assistance requests: forms, validators, uploads, the submission service and tracking."""

from flask import current_app
from wtforms.fields.core import UnboundField

from portal import tasks
from portal.requests import drafts
from portal.requests.cli import requests_group
from portal.vocab import EVENT_LABELS, STATUS_LABELS


def detail_labels():
    """{request type: {field name: (label, {value: label})}} for each type's own fields, read from the
    form classes: staff screens (casework) show these words, never the field names, without
    importing this feature (app.extensions["request_detail_labels"])."""
    from portal.requests.forms import BASE_FIELDS, FORMS  # noqa: PLC0415

    table = {}
    for request_type, form_class in FORMS.items():
        fields = {}
        for name in dir(form_class):
            unbound = getattr(form_class, name)
            if name in BASE_FIELDS or not isinstance(unbound, UnboundField):
                continue
            label = unbound.args[0] if unbound.args else unbound.kwargs.get("label", name)
            fields[name] = (label, {choice.value: choice.label for choice in unbound.kwargs.get("choices") or []})
        table[request_type] = fields
    return table


def discard_unsent_drafts():
    """The check page's drafts never sent within drafts.DRAFT_HOURS: their documents are removed."""
    return drafts.discard_expired(current_app.config["UPLOAD_DIR"])


def init_app(app):
    app.extensions["request_detail_labels"] = detail_labels()
    tasks.every(app, "discard unsent request drafts", 3600, discard_unsent_drafts)
    app.cli.add_command(requests_group)

    @app.context_processor
    def request_labels():
        return {"status_labels": STATUS_LABELS, "event_labels": EVENT_LABELS}

    from portal.requests import views  # noqa: PLC0415

    app.register_blueprint(views.bp, url_prefix="/<language:lang>/requests")
