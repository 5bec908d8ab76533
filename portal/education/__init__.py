"""The schools' education hub (/<lang>/education/) and its teaching materials."""


def init_app(app):
    from portal.education import views  # noqa: PLC0415

    app.register_blueprint(views.bp, url_prefix="/<language:lang>/education")
