"""Overseas risk alerts: the list, pages and Atom feeds (views), e-mail subscriptions
(subscriptions, forms, subscription_views) and the `flask alerts` commands (cli)."""

from portal.alerts.cli import alerts_group


def init_app(app, csrf):
    from portal.alerts import subscription_views, views  # noqa: PLC0415, F401 (both add routes to bp)
    from portal.alerts.blueprint import bp  # noqa: PLC0415

    # RFC 8058: the mail program POSTs "List-Unsubscribe=One-Click" with no CSRF token; the signed
    # token in the URL is what authorises it.
    csrf.exempt(subscription_views.unsubscribe)
    app.register_blueprint(bp, url_prefix="/<language:lang>")
    app.cli.add_command(alerts_group)
