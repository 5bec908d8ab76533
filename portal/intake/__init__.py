"""Assistance requests: forms, validators, uploads, the submission service and tracking."""

from portal.intake.statuses import EVENT_LABELS, STATUS_LABELS


def init_app(app):
    @app.context_processor
    def request_labels():
        return {"status_labels": STATUS_LABELS, "event_labels": EVENT_LABELS}
