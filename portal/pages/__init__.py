"""The published pages under /<lang>/: home, the guides hub, guides and the fixed pages."""


def init_app(app):
    from portal.pages import views  # noqa: PLC0415 (only the feature's own init_app imports its views)

    app.register_blueprint(views.bp, url_prefix="/<language:lang>")
