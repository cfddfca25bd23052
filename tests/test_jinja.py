"""The Jinja2 fragments (allianz_portal.jinja) show values exactly as the Django templates they replaced."""

import datetime

import pytest
from django.template import Context, Template, engines
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from allianz_portal import jinja

VALUES = {
    "text": "<script>alert('x')</script> & \"Zitat\"",
    "safe": mark_safe("<strong>fett</strong>"),
    "lazy": gettext_lazy("Themen"),
    "number": 12345,
    "day": datetime.date(2026, 11, 30),
    "nothing": None,
    "kind": "Labor/Test & mehr",
}


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("name", VALUES)
def test_a_value_shows_as_in_a_django_template(name, language):
    with translation.override(language):
        django = Template(f"{{{{ {name} }}}}").render(Context(VALUES))
        assert engines["jinja2"].from_string(f"{{{{ {name} }}}}").render(VALUES) == django


@pytest.mark.parametrize("language", ["de", "en"])
def test_dates_and_slashes_are_filtered_as_in_a_django_template(language):
    with translation.override(language):
        django = Template("{% load portal %}{{ day|date }} {{ kind|slash_breaks }}").render(Context(VALUES))
        jinja_template = engines["jinja2"].from_string("{{ day|date }} {{ kind|slash_breaks }}")
        assert jinja_template.render(VALUES) == django
        assert django.endswith("Labor/<wbr>Test &amp; mehr")


def test_translations_and_filled_placeholders_are_escaped_like_blocktranslate():
    template = engines["jinja2"].from_string('{{ _("Merken: %(title)s")|fill(title=title) }} {{ _("Themen") }}')
    django = Template('{% load i18n %}{% blocktranslate %}Merken: {{ title }}{% endblocktranslate %} '
                      '{% translate "Themen" %}')  # fmt: skip
    for language in ("de", "en"):
        with translation.override(language):
            assert template.render({"title": VALUES["text"]}) == django.render(Context({"title": VALUES["text"]}))
    with translation.override("en"):
        assert template.render({"title": "A & B"}) == "Save: A &amp; B Topics"


def test_a_broken_translation_shows_the_german_text_not_an_error(monkeypatch):
    monkeypatch.setattr(jinja, "gettext", lambda message: "Kaputt: %(titel)s")  # a placeholder that does not fit
    template = engines["jinja2"].from_string('{{ _("Merken: %(title)s")|fill(title=title) }}')
    assert template.render({"title": "<Robotik>"}) == "Merken: &lt;Robotik&gt;"
