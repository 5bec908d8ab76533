"""Staff accounts: sign-in with session versions and idle timeout (auth), the password policy and
one-time links (passwords, links), the sign-in pages (views) and `flask users`."""

from portal.accounts import auth
from portal.accounts.cli import users


def init_app(app):
    from portal.accounts import views  # noqa: PLC0415

    auth.init_app(app)
    app.register_blueprint(views.bp, url_prefix="/<language:lang>/staff")
    app.cli.add_command(users)
