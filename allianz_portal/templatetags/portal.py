from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from allianz_portal.text import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Editor Markdown rendered as sanitised HTML."""
    return render_markdown(text)


@register.simple_tag(takes_context=True)
def nav_link(context, url_name, label):
    """A main-navigation link that marks itself as the current section."""
    url = reverse(url_name)
    request = context.get("request")
    current = request is not None and request.path.startswith(url)
    return format_html(
        '<a class="site-nav__link" href="{}"{}>{}</a>', url, ' aria-current="page"' if current else "", label
    )


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

# (facet, value, label) -> the option's markup split around " checked" and the count, escaped once.
_option_parts = {}
_CHECKED, _COUNT = "\x00checked\x00", "\x00count\x00"  # placeholders (escaping leaves them alone)


def _parts(name, value, label):
    key = (name, value, label)
    parts = _option_parts.get(key)
    if parts is None:
        markup = str(format_html(FACET_OPTION, name, value, _CHECKED, slash_breaks(label), _COUNT))
        head, rest = markup.split(_CHECKED)
        parts = (head, *rest.split(_COUNT))
        if len(_option_parts) > 10_000:  # labels are content: bound what renamed topics leave behind
            _option_parts.clear()
        _option_parts[key] = parts
    return parts


@register.simple_tag
def facet_options(name, options):
    """The checkboxes of one list filter, each with its count.

    Rendered in Python rather than by an include per option: with hundreds of topics, the includes
    were the largest part of rendering the offer list (docs/performance.md). Everything is escaped,
    each option's markup once per label (then only the count and " checked" are filled in).
    """
    rendered = []
    for option in options:
        head, middle, end = _parts(name, option["value"], str(option["label"]))
        checked = " checked" if option["selected"] else ""
        count = localize(option["count"]) if settings.USE_THOUSAND_SEPARATOR else str(option["count"])
        rendered.append(f"{head}{checked}{middle}{count}{end}")
    return mark_safe("\n".join(rendered))  # escaped in _parts; the count is a number


@register.simple_tag
def count_options(options):
    """`<option value="…">label (count)</option>` for each (value, label, count) – the topic selects list
    300 topics, as one loop in Python instead of a template loop."""
    return format_html_join(
        "", '<option value="{}">{} ({})</option>', ((value, label, localize(count)) for value, label, count in options)
    )


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
