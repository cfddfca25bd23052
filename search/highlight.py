"""Marks the words of a text that the search matched, through the same analysis as the search."""

import functools
import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from allianz_portal.freshness import StateMemo

from . import analysis
from .engine import query_groups

_WORD = re.compile(r"[^\W_]+(?:[-.][^\W_]+)*")

# The searched terms of a query, per content state (the synonyms are content): a list page highlights
# the title and summary of 20 offers with the same query.
_searched = StateMemo(size=256)


def searched_terms(query):
    """The terms (with synonyms and alternatives) a search for `query` looks for."""

    def build():
        wanted = set()
        for group in query_groups(query):
            for terms, _factor in group.alternatives:
                wanted.update(terms)
        return frozenset(wanted)

    return _searched.get(("highlight", query), build)


@functools.lru_cache(maxsize=50_000)
def _terms_of(word):
    """Every term one word of a text stands for: its term, joined form, hyphen pieces and compound parts."""
    return frozenset(
        term
        for analysed in analysis.words(word, keep_stop_words=True)
        for term in (analysed.term, analysed.joined, *analysed.pieces, *analysed.parts)
    )


def highlight(text, query):
    """Escape `text` and wrap each word that matches a searched term (or compound part) in <mark>."""
    wanted = searched_terms(query)
    text = str(text)
    if not wanted:
        return escape(text)
    escaped_parts = []
    last = 0
    for match in _WORD.finditer(text):
        escaped_parts.append(escape(text[last : match.start()]))
        if _terms_of(match.group(0)) & wanted:
            escaped_parts.append(f"<mark>{escape(match.group(0))}</mark>")
        else:
            escaped_parts.append(escape(match.group(0)))
        last = match.end()
    escaped_parts.append(escape(text[last:]))
    return mark_safe("".join(escaped_parts))
