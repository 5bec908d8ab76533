"""The administration (/<lang>/admin/): institutions, staff accounts, routing rules, indicator
values and a requester's data, each change an audit event."""


def init_app(app):
    from portal.admin import views  # noqa: PLC0415

    app.register_blueprint(views.bp, url_prefix="/<language:lang>/admin")
