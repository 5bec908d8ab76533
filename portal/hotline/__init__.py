"""12345 tickets: a coordinator records a case that came by the 12345 hotline; it becomes a request
routed like a web request (tracking number, the same clock), and a CSV says what to report back."""


def init_app(app):
    from portal.hotline import views  # noqa: PLC0415

    app.register_blueprint(views.bp, url_prefix="/<language:lang>/staff/hotline")
