from django import template
from django.urls import reverse
from django.utils.html import format_html

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
def highlight(text, query):
    """Escape `text` and mark the words the visitor searched for."""
    from offers.search import highlight as mark_matches

    return mark_matches(text, query)


@register.filter
def tel_href(number):
    """ "+49 5231 12345-0" -> "+495231123450" for a tel: link."""
    number = str(number).strip()
    digits = "".join(char for char in number if char.isdigit())
    return f"+{digits}" if number.startswith("+") else digits
