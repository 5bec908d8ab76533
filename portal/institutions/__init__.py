"""Service institutions: the public directory, the routing rules' pure core (routing) and the
placement of a request with an institution (assignment), used by intake and casework alike."""


def init_app(app):
    from portal.institutions import views  # noqa: PLC0415

    app.register_blueprint(views.bp, url_prefix="/<language:lang>")
