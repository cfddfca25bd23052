"""The language switch and hreflang links: the same page in German (no prefix) and English (/en/)."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import get_language_info

register = template.Library()

PREFIXED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def path_in(path, language):
    """`path` (with or without a language prefix) as the path of the same page in `language`."""
    for code in PREFIXED:
        prefix = f"/{code}/"
        if path.startswith(prefix):
            path = "/" + path.removeprefix(prefix)
            break
    if language == settings.LANGUAGE_CODE:
        return path
    return f"/{language}{path}"


def _exists(path, language):
    """Whether `path` is a page in `language`: remembered for the site's own short paths (the URL patterns are
    fixed while a process runs); a long path, which anyone can make up, is resolved each time."""
    if len(path) > 200:
        return _resolves(path, language, settings.ROOT_URLCONF)
    return _resolves_remembered(path, language, settings.ROOT_URLCONF)


def _resolves(path, language, urlconf):
    with translation.override(language):  # the URL resolver matches only the active language's prefix
        try:
            resolve(path, urlconf)
        except Resolver404:
            return False
    return True


_resolves_remembered = lru_cache(maxsize=2048)(_resolves)


@register.simple_tag(takes_context=True)
def language_versions(context):
    """Every language of the current page: code, name in that language, absolute URL, path with query, current."""
    request = context.get("request")
    if request is None:
        return []
    current = translation.get_language()
    query = request.META.get("QUERY_STRING", "")
    versions = []
    for code, _name in settings.LANGUAGES:
        path = path_in(request.path, code)
        if code != current and not _exists(path, code):
            continue  # pages outside the language prefix (the API's landing page) exist in German only
        versions.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": request.build_absolute_uri(path),
                "href": f"{path}?{query}" if query else path,
                "current": code == current,
            }
        )
    return versions
