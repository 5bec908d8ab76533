"""The templates' own gettext (portal.i18n.template_gettext): the render's language, force_locale
honoured, escaping and "%" handled as Jinja's new-style gettext does; WTForms' messages from the
per-process catalogs, in the page's language."""

from flask import render_template_string
from flask_babel import force_locale
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import SelectChoice, SelectField

from portal.i18n import template_gettext


def test_the_page_language_and_force_locale(app):
    source = '{{ _("Home") }}|{{ gettext("Home") }}'
    with app.test_request_context("/zh/"):
        assert render_template_string(source) == "首页|首页"
        with force_locale("en"):
            assert render_template_string(source) == "Home|Home"
    with app.test_request_context("/en/"):
        assert render_template_string(source) == "Home|Home"


def test_variables_are_escaped_and_percent_is_formatting(app):
    with app.test_request_context("/en/"):
        html = render_template_string('{{ _("Operator: %(operator)s", operator="<b>") }}')
        assert html == "Operator: &lt;b&gt;"
        assert render_template_string('{{ _("100%%") }}') == "100%"  # as Jinja's own: always a format string
        assert render_template_string('{{ ngettext("%(num)s item", "%(num)s items", 2) }}') == "2 items"


class Catalog:
    def ugettext(self, text):
        return text

    def ungettext(self, singular, plural, num):
        return singular if num == 1 else plural


def test_without_autoescape_the_text_is_plain(app):
    env = app.jinja_env.overlay(autoescape=False)
    text = env.from_string('{{ gettext("<%(x)s>", x="&") }}').render(**template_gettext(Catalog()))
    assert text == "<&>" and not isinstance(text, Markup)


def test_wtforms_messages_follow_the_page_language_from_one_catalog(app):
    class Form(FlaskForm):
        class Meta:
            csrf = False

        pick = SelectField(choices=[SelectChoice("a", "A")])

    messages = {}
    for lang in ("zh", "en", "zh"):
        with app.test_request_context(f"/{lang}/", method="POST", data={"pick": "z"}):
            form = Form()
            assert not form.validate()
            messages.setdefault(lang, set()).add(form.pick.errors[0])
    assert messages["en"] == {"Not a valid choice."}
    assert len(messages["zh"]) == 1 and messages["zh"] != messages["en"]
