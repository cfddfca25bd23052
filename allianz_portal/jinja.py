"""The Jinja2 environment of the few page fragments rendered thousands of times a minute: the offer card
(finder/jinja2/finder/offer_card.html, with the Merkliste button of merkliste/jinja2/) and the finder's filter
sidebar (finder/jinja2/finder/filters.html). The Django template engine calls several Python functions per
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
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from jinja2 import Environment

from .templatetags.portal import facet_options, fixed_address, slash_breaks

# What render_value_in_context reads of a Django template context: the settings' time zone and localisation.
_CONTEXT = SimpleNamespace(use_tz=None, use_l10n=None, autoescape=True)


def shown(value):
    """A `{{ value }}` as a Django template shows it (SafeString: Jinja2 leaves it alone)."""
    if type(value) is str:  # most values: Django's escape() without its wrappers
        return SafeString(html.escape(value))
    return render_value_in_context(value, _CONTEXT)


def translate(message):
    """{% translate %}: the translation is trusted markup, as in a Django template."""
    return SafeString(gettext(message))


def fill(message, **values):
    """{% blocktranslate with name=value %}: `message` (translated) with its %(name)s placeholders filled,
    each value shown as `{{ value }}` would be."""
    return SafeString(message % {name: shown(value) for name, value in values.items()})


def url(name, *args):
    """{% url name *args %}; an address without arguments remembered per language (the navigation's rule)."""
    if args:
        return reverse(name, args=args)
    return fixed_address(name)


def environment(**options):
    env = Environment(**options, finalize=shown, keep_trailing_newline=True)
    env.globals.update(_=translate, url=url, facet_options=facet_options)
    env.filters.update(date=date, fill=fill, slash_breaks=slash_breaks)
    return env
