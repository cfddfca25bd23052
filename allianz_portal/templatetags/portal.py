from functools import lru_cache

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from allianz_portal.text import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Editor Markdown rendered as sanitised HTML."""
    return render_markdown(text)


@lru_cache(maxsize=256)
def _address(url_name, language, script_prefix, urlconf):
    """reverse(url_name) in `language` under `script_prefix` (remembered: the URL patterns are fixed while a
    process runs)."""
    return reverse(url_name, urlconf)


def _fixed_for():
    """What remembered addresses and {% fixed %} blocks depend on: language, script prefix, URL configuration."""
    return get_language(), get_script_prefix(), settings.ROOT_URLCONF


def fixed_address(url_name):
    """reverse(url_name) for an address without arguments, remembered per language and script prefix."""
    return _address(url_name, *_fixed_for())


@register.simple_tag(takes_context=True)
def nav_link(context, url_name, label):
    """A main-navigation link that marks itself as the current section."""
    url = fixed_address(url_name)
    request = context.get("request")
    current = request is not None and request.path.startswith(url)
    return format_html(
        '<a class="site-nav__link" href="{}"{}>{}</a>', url, ' aria-current="page"' if current else "", label
    )


# Markup of {% fixed %} blocks: (block name, language, script prefix, URL configuration) -> the rendered block.
_fixed = {}


@receiver(setting_changed)
def _forget_fixed(**kwargs):
    """Tests that change settings (static files, URLs) see the blocks rendered anew."""
    _fixed.clear()


class FixedNode(template.Node):
    def __init__(self, name, nodelist):
        self.name, self.nodelist = name, nodelist

    def render(self, context):
        key = (self.name, *_fixed_for())
        markup = _fixed.get(key)
        if markup is None:
            markup = _fixed[key] = self.nodelist.render(context)
        return markup


@register.tag
def fixed(parser, token):
    """{% fixed "name" %}…{% endfixed %}: markup that depends on nothing but the language and the URL patterns
    (links and texts, as the page footer), rendered once per process instead of on every page – its ten
    reverse() and a dozen translations cost ≈ 0.7 ms a page. Nothing of the page's context may go in."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError('{% fixed %} takes one name: {% fixed "footer" %}')
    nodelist = parser.parse(("endfixed",))
    parser.delete_first_token()
    return FixedNode(bits[1], nodelist)


@register.filter
def slash_breaks(text):
    """Escape `text` and allow a line break after each slash: "Labor/Testumgebung/Demonstrator" wraps between
    its words instead of inside one (CSS `hyphens: auto` with lang="de" handles the long words themselves)."""
    return mark_safe(str(conditional_escape(text)).replace("/", "/<wbr>"))


@register.filter
def tel_href(number):
    """ "+49 5231 12345-0" -> "+495231123450" for a tel: link."""
    number = str(number).strip()
    digits = "".join(char for char in number if char.isdigit())
    return f"+{digits}" if number.startswith("+") else digits


FACET_OPTION = (
    '<div class="kern-form-check">\n'
    '  <input class="kern-form-check__checkbox" type="checkbox" id="f-{0}-{1}" name="{0}" value="{1}"{2}>\n'
    '  <label class="kern-label" for="f-{0}-{1}">{3} <span class="count">({4})</span></label>\n'
    "</div>"
)

COUNT_OPTION = '<option value="{0}">{1} ({2})</option>'

# (markup, its values) -> the markup split where the per-request parts (" checked", the count) go, escaped
# once per label: a list page fills in 300 topics, the home page's select as many.
_pieces = {}
_SLOT = "\x00"  # placeholder for a per-request part (escaping leaves it alone)


def _split(markup, *values, shown=None):
    """`markup` filled with `values` (or with `shown()`, made from them, where the key would be costly)."""
    key = (markup, values)
    pieces = _pieces.get(key)
    if pieces is None:
        pieces = str(format_html(markup, *(shown() if shown else values))).split(_SLOT)
        if len(_pieces) > 20_000:  # labels are content: bound what renamed topics leave behind
            _pieces.clear()
        _pieces[key] = pieces
    return pieces


def _count(number):
    return localize(number) if settings.USE_THOUSAND_SEPARATOR else str(number)


def facet_options(name, options):
    """The checkboxes of one list filter, each with its count.

    Rendered in Python rather than by an include per option: with hundreds of topics, the includes
    were the largest part of rendering the offer list (docs/performance.md). Everything is escaped,
    each option's markup once per label (then only the count and " checked" are filled in).
    """
    rendered = []
    for option in options:
        value, label = option["value"], str(option["label"])
        shown = lambda value=value, label=label: (name, value, _SLOT, slash_breaks(label), _SLOT)  # noqa: E731
        head, middle, end = _split(FACET_OPTION, name, value, label, shown=shown)
        rendered.append(f"{head}{' checked' if option['selected'] else ''}{middle}{_count(option['count'])}{end}")
    return mark_safe("\n".join(rendered))  # escaped in _split; the count is a number


@register.simple_tag
def count_options(options):
    """`<option value="…">label (count)</option>` for each (value, label, count) – the topic selects list
    300 topics, as one loop in Python instead of a template loop."""
    rendered = []
    for value, label, count in options:
        head, end = _split(COUNT_OPTION, value, label, _SLOT)
        rendered.append(f"{head}{_count(count)}{end}")
    return mark_safe("".join(rendered))  # escaped in _split; the count is a number


@register.filter
def older_than_a_year(day, today):
    """True when the date `day` lies more than one year before `today` (29 February counts as 28)."""
    if not day or not today:
        return False
    try:
        a_year_ago = today.replace(year=today.year - 1)
    except ValueError:
        a_year_ago = today.replace(year=today.year - 1, day=28)
    return day < a_year_ago
