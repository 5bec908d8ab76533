"""Language-neutral addresses: the root redirect, /staff/ and /admin/, /healthz, the sitemap and
robots.txt."""


def init_app(app):
    from portal.site import views  # noqa: PLC0415

    app.register_blueprint(views.bp)
