"""Small text helpers shared by the apps."""

import re
from functools import lru_cache

import markdown
import nh3
from django.utils.safestring import mark_safe

_GERMAN_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})

MARKDOWN_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "code", "pre", "hr"}


def german_slugify(value):
    """Slug with German transliteration: "Kreis Gütersloh" -> "kreis-guetersloh"."""
    value = str(value).translate(_GERMAN_TRANSLITERATION).lower()
    value = re.sub(r"[^a-z0-9]+", "-", value)
    return value.strip("-")


_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


def _separate_lists(text):
    """Editors write lists straight under a line ("**Ablauf:**" + newline + "1. …"), as GitHub allows;
    Python-Markdown needs a blank line before a list, so add it."""
    lines = []
    previous = ""
    for line in text.splitlines():
        if _LIST_ITEM.match(line) and previous.strip() and not _LIST_ITEM.match(previous):
            lines.append("")
        lines.append(line)
        previous = line
    return "\n".join(lines)


def render_markdown(text):
    """Render editor Markdown to HTML that cannot carry script, styles or javascript: links."""
    return _render_markdown(str(text or ""))


# The same text always gives the same HTML: the 2,048 texts last rendered (offer descriptions, page texts;
# ≈ 1–3 ms each with the sanitising) are kept per process, so a page-cache miss of a recently shown page
# renders no Markdown; ≈ 2 KB per text.
@lru_cache(maxsize=2048)
def _render_markdown(text):
    html = markdown.markdown(_separate_lists(text), extensions=["sane_lists"], output_format="html")
    cleaned = nh3.clean(
        html,
        tags=MARKDOWN_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)
