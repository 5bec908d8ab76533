"""/<lang>/service-report: how the institutions keep the service clock, in aggregates only."""


def init_app(app):
    from portal.reports import views  # noqa: PLC0415

    app.register_blueprint(views.bp, url_prefix="/<language:lang>")
