from django import template

from search.highlight import highlight as mark_matches

register = template.Library()


@register.filter
def highlight(text, query):
    """Escape `text` and mark the words the visitor searched for (through the search's own analysis)."""
    return mark_matches(text, query)
