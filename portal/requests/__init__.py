"""Assistance requests: forms, validators, uploads, the submission service and tracking."""

from portal.vocab import EVENT_LABELS, STATUS_LABELS


def init_app(app):
    @app.context_processor
    def request_labels():
        return {"status_labels": STATUS_LABELS, "event_labels": EVENT_LABELS}

    from portal.requests import views  # noqa: PLC0415

    app.register_blueprint(views.bp, url_prefix="/<language:lang>/requests")
