"""The IP health check (/<lang>/health-check): a short questionnaire whose answers become a
prioritised list of actions, each with its guide and a prefilled request form.

The questionnaire is data (questions.yaml), read once per process here; the rules are pure
functions (questionnaire.py); the views only move answers between the visitor and those
functions, signed, without storing anything.
"""

from portal.healthcheck.questionnaire import QuestionnaireError, load_questionnaire

LANGS = ("zh", "en")


def missing_guides(questionnaire, catalog):
    """Guides the questionnaire names that the catalog lacks in some language."""
    return [f"{slug} ({lang})" for slug in questionnaire.guides for lang in LANGS
            if catalog.get("guides", slug, lang) is None]


def init_app(app):
    # After the content: a renamed or removed guide stops the start-up, instead of a result page
    # that links to nothing.
    questionnaire = load_questionnaire()
    missing = missing_guides(questionnaire, app.extensions["catalog"])
    if missing:
        raise QuestionnaireError(f"the health check names guides that do not exist: {', '.join(missing)}")
    app.extensions["health_check"] = questionnaire

    from portal.healthcheck import views  # noqa: PLC0415

    app.register_blueprint(views.bp, url_prefix="/<language:lang>")
