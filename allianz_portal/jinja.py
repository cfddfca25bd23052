"""The Jinja2 environment of the few page fragments rendered thousands of times a minute: the offer card
(finder/jinja2/finder/offer_card.html, with the Merkliste button of templates/jinja2/includes/) and the finder's
filter sidebar (finder/jinja2/finder/filters.html). The Django template engine calls several Python functions per
node; Jinja2 compiles a template to one Python function (docs/performance.md, issue 16). Every other template
stays a Django template.

The output is the Django template engine's, byte for byte: every `{{ value }}` goes through Django's own rule
(localised, then escaped with django.utils.html – `finalize` below), and the filters are Django's.

Translations: `{{ _("Text") }}` (makemessages finds `_("…")` in a variable, as in a Django template); with
placeholders `{{ _("Merken: %(title)s")|fill(title=offer.title) }}`, the values escaped as blocktranslate does.
"""

import html
from types import SimpleNamespace

from django.template.base import render_value_in_context
from django.template.defaultfilters import date
from django.utils.safestring import SafeData, SafeString
from django.utils.translation import gettext
from jinja2 import Environment

from .templatetags.portal import facet_options, fixed_address, slash_breaks

# What render_value_in_context reads of a Django template context: the settings' time zone and localisation.
_CONTEXT = SimpleNamespace(use_tz=None, use_l10n=None, autoescape=True)


def shown(value):
    """A `{{ value }}` as a Django template shows it (SafeString: Jinja2 leaves it alone)."""
    if type(value) is str:  # most values: Django's escape() without its wrappers
        return SafeString(html.escape(value))
    if isinstance(value, SafeData):
        return value
    return render_value_in_context(value, _CONTEXT)


class Translated(SafeString):
    """A translation (trusted markup, as in a Django template) that knows its German source."""

    def __new__(cls, message):
        translated = super().__new__(cls, gettext(message))
        translated.source = message
        return translated


def fill(message, **values):
    """{% blocktranslate with name=value %}: `message` (`_("…")`) with its %(name)s placeholders filled, each
    value shown as `{{ value }}` would be. A literal per cent sign is written %% in the message. A translation
    whose placeholders do not fit shows the German text instead, as blocktranslate does – never an error."""
    shown_values = {name: shown(value) for name, value in values.items()}
    try:
        return SafeString(message % shown_values)
    except (KeyError, ValueError, TypeError):
        source = getattr(message, "source", None)
        if source is None:
            raise
        return SafeString(source % shown_values)


def environment(**options):
    env = Environment(**options, finalize=shown, keep_trailing_newline=True)
    # url(): the templates link only to addresses without arguments (remembered per language).
    env.globals.update(_=Translated, url=fixed_address, facet_options=facet_options)
    # date: Django's filter, for dates (a datetime would need its conversion to local time first).
    env.filters.update(date=date, fill=fill, slash_breaks=slash_breaks)
    return env
