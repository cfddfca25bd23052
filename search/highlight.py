"""Marks the words of a text that the search matched, through the same analysis as the search."""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from . import analysis
from .engine import query_groups

_WORD = re.compile(r"[^\W_]+(?:[-.][^\W_]+)*")


def highlight(text, query):
    """Escape `text` and wrap each word that matches a searched term (or compound part) in <mark>."""
    wanted = set()
    for group in query_groups(query):
        for terms, _factor in group.alternatives:
            wanted.update(terms)
    escaped_parts = []
    last = 0
    text = str(text)
    for match in _WORD.finditer(text):
        words = analysis.words(match.group(0), keep_stop_words=True)
        found = {term for word in words for term in (word.term, word.joined, *word.pieces, *word.parts)}
        escaped_parts.append(escape(text[last : match.start()]))
        if wanted and found & wanted:
            escaped_parts.append(f"<mark>{escape(match.group(0))}</mark>")
        else:
            escaped_parts.append(escape(match.group(0)))
        last = match.end()
    escaped_parts.append(escape(text[last:]))
    return mark_safe("".join(escaped_parts))
