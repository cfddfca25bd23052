from django import template
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


@register.simple_tag
def facet_options(name, options):
    """The checkboxes of one list filter, each with its count.

    Rendered in Python rather than by an include per option: with hundreds of topics, the includes
    were the largest part of rendering the offer list (docs/performance.md). Everything is escaped.
    """
    return format_html_join(
        "\n",
        FACET_OPTION,
        (
            (
                name,
                option["value"],
                mark_safe(" checked") if option["selected"] else "",
                slash_breaks(option["label"]),
                localize(option["count"]),
            )
            for option in options
        ),
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
