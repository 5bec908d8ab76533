"""The portal's application factory: every extension and blueprint is wired here, in order."""

import logging

from flask_wtf.csrf import CSRFProtect

from portal import (
    assets,
    backup,
    db,
    errors,
    i18n,
    intake,
    limits,
    notify,
    page_cache,
    security,
    seed,
    staff,
    translations,
    worker,
)
from portal import config as settings
from portal.admin import views as admin_views
from portal.alerts import init_app as init_alerts
from portal.alerts import subscription_views
from portal.alerts import views as alerts_views
from portal.content import init_app as init_content
from portal.healthcheck import init_app as init_health_check
from portal.healthcheck import views as health_check_views
from portal.indicators import init_app as init_indicators
from portal.indicators import views as indicators_views
from portal.intake import views as intake_views
from portal.search import init_app as init_search
from portal.staff import views as staff_views
from portal.views import education, institutions, pages, report, search_page, site

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
    logging.basicConfig(level=app.config["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    i18n.init_app(app)
    assets.init_app(app)
    security.init_app(app)
    page_cache.init_app(app)
    csrf.init_app(app)
    limits.init_app(app)
    db.init_app(app)
    init_content(app)
    init_search(app)
    init_health_check(app)
    intake.init_app(app)
    staff.init_app(app)
    notify.init_app(app)
    seed.init_app(app)
    init_indicators(app)
    init_alerts(app, csrf)
    backup.init_app(app)
    errors.init_app(app)
    translations.init_app(app)
    worker.init_app(app)

    app.register_blueprint(site.bp)
    app.register_blueprint(pages.bp, url_prefix="/<language:lang>")
    app.register_blueprint(search_page.bp, url_prefix="/<language:lang>")
    app.register_blueprint(intake_views.bp, url_prefix="/<language:lang>/requests")
    app.register_blueprint(report.bp, url_prefix="/<language:lang>")
    app.register_blueprint(staff_views.bp, url_prefix="/<language:lang>/staff")
    app.register_blueprint(admin_views.bp, url_prefix="/<language:lang>/admin")
    app.register_blueprint(health_check_views.bp, url_prefix="/<language:lang>")
    app.register_blueprint(alerts_views.bp, url_prefix="/<language:lang>")
    app.register_blueprint(subscription_views.bp, url_prefix="/<language:lang>")
    app.register_blueprint(institutions.bp, url_prefix="/<language:lang>")
    app.register_blueprint(indicators_views.bp, url_prefix="/<language:lang>")
    app.register_blueprint(education.bp, url_prefix="/<language:lang>/education")
    return app
