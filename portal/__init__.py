"""The portal's application factory: settings, then each feature's init_app, in order.

Below the features lies shared, feature-free code (vocab, config, db, models, i18n, security,
errors, page_cache, limits, web, forms, validators, sla, tasks); the features sit on it and on
each other only through the layers declared in pyproject.toml's import contracts. Each feature
registers its own blueprint, templates and commands; nothing else imports its views.
"""

import logging

from flask_wtf.csrf import CSRFProtect

from portal import (
    accounts,
    admin,
    alerts,
    assets,
    backup,
    casework,
    columns,
    content,
    db,
    education,
    errors,
    events,
    healthcheck,
    hotline,
    i18n,
    indicators,
    institutions,
    limits,
    logs,
    notify,
    page_cache,
    pages,
    privacy,
    publishing,
    ratings,
    reports,
    requests,
    search,
    secret_key,
    security,
    seed,
    site,
    sitehealth,
    tasks,
    translations,
)
from portal import config as settings

csrf = CSRFProtect()


def create_app(config=None):
    """Build the app from defaults, then the environment, then `config` (tests pass a mapping)."""
    app = assets.PortalFlask(__name__, static_folder=str(settings.ROOT / "static"))
    app.config.update(settings.from_environment())
    if config:
        app.config.update(config)
    settings.derive(app.config)
    settings.validate(app.config)
    app.config["INSTANCE_DIR"].mkdir(parents=True, exist_ok=True)
    secret_key.init_app(app)  # a random key of the instance's own when SECRET_KEY is not set
    logging.basicConfig(level=app.config["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logs.install()  # no token-bearing address in any line the app logs

    # Below the features: languages, assets, headers, the page cache, CSRF, limits, the database.
    i18n.init_app(app)
    assets.init_app(app)
    page_cache.init_app(app)  # inside ProxyFix, and its hook after the security headers
    security.init_app(app)
    csrf.init_app(app)
    limits.init_app(app)
    db.init_app(app)
    tasks.init_app(app)
    # The features. Content first: the health check and search read the catalog it loads.
    content.init_app(app)
    search.init_app(app)
    site.init_app(app)
    pages.init_app(app)
    education.init_app(app)
    healthcheck.init_app(app)
    requests.init_app(app)
    institutions.init_app(app)
    accounts.init_app(app)
    casework.init_app(app)
    ratings.init_app(app)
    events.init_app(app)
    hotline.init_app(app)
    admin.init_app(app)
    notify.init_app(app)
    alerts.init_app(app, csrf)
    columns.init_app(app)
    indicators.init_app(app)
    reports.init_app(app)
    publishing.init_app(app)
    sitehealth.init_app(app, csrf)
    privacy.init_app(app)
    seed.init_app(app)
    backup.init_app(app)
    errors.init_app(app)
    translations.init_app(app)
    return app
