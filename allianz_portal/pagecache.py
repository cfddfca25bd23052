"""Whole-page cache and conditional GET for the public pages.

Only anonymous GET/HEAD requests take part: a request with a session cookie (staff preview, admin users)
or a messages cookie always runs the view. Responses are stored under the full URL, the language, the
release (a fingerprint of code and templates) and the content state (`allianz_portal.freshness.content_state()`:
the data version raised by every content change, today's date and the scheduled publications whose
time has come), so a change shows on the very next request in every worker, and nothing outlives a
scheduled publication or midnight. The same key gives the ETag; `Last-Modified` is the time of the last
change. A response is stored only when it is a plain 200 that sets no cookie, touched no session, and
used no CSP nonce (the nonce differs per response).

Reading the state costs one small query per request; a cached page costs that plus one cache lookup.
"""

import hashlib
import os
from functools import wraps
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from . import freshness
from .routers import public_reads

_release = None


def release_id():
    """RELEASE_ID from the environment, else a fingerprint of the project's code, templates and static manifest."""
    global _release
    if _release is None:
        _release = os.environ.get("RELEASE_ID") or _fingerprint()
    return _release


def _fingerprint():
    base = Path(settings.BASE_DIR)
    digest = hashlib.sha1(usedforsecurity=False)
    # The templates and every installed app of the project itself (not the packages in the virtualenv).
    own_apps = sorted(Path(config.path) for config in apps.get_app_configs() if Path(config.path).parent == base)
    folders = [base / "templates", *own_apps]
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                if name.endswith((".py", ".html", ".txt", ".svg")):
                    path = Path(root) / name
                    digest.update(str(path.relative_to(base)).encode())
                    digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT or base / "staticfiles") / "staticfiles.json"
    if manifest.exists():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:12]


# Cookies that make a page personal besides the session: flash messages and the Merkliste (merkliste.views).
PERSONAL_COOKIES = ("messages", "merkliste")


def is_anonymous_read(request):
    """GET/HEAD without a session, messages or Merkliste cookie: the same answer for everybody."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not any(name in request.COOKIES for name in PERSONAL_COOKIES)
    )


def cache_public_page(view):
    """Decorator for public views whose anonymous response depends only on URL, language and content."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_anonymous_read(request):
            # Rendered for this visitor only, but still against one content state: the facet index,
            # remembered searches and counts of one request must never mix two versions.
            with freshness.request_state():
                return _render(view(request, *args, **kwargs))
        with public_reads(), freshness.request_state() as state:
            timeout = settings.PAGE_CACHE_TIMEOUT
            if not timeout:
                return _render(view(request, *args, **kwargs))
            digest = hashlib.sha1(
                f"{release_id()}|{state.key}|{translation.get_language()}|{request.build_absolute_uri()}".encode(),
                usedforsecurity=False,
            ).hexdigest()
            etag = f'"{digest[:24]}"'
            not_modified = get_conditional_response(
                request, etag=etag, last_modified=int(state.last_modified.timestamp())
            )
            if not_modified is not None:
                return _validators(not_modified, etag, state)
            key = f"page:{digest}"
            stored = cache.get(key)
            if stored is not None:
                return _validators(_restore(stored), etag, state)
            response = _render(view(request, *args, **kwargs))
            if not _cacheable(request, response):
                return response
            seconds = min(timeout, state.seconds_left())
            if seconds > 0:
                cache.set(key, _freeze(response), timeout=seconds)
            return _validators(response, etag, state)

    wrapped.caches_public_page = True
    return wrapped


def _render(response):
    if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
        response.render()
    return response


def _cacheable(request, response):
    session = getattr(request, "session", None)
    nonce = getattr(request, "_csp_nonce", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "Cache-Control" not in response
        and "Vary" not in response
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.accessed)
        and not (nonce is not None and bool(nonce))
        and not freshness.is_provisional()
    )


def _freeze(response):
    return (response.status_code, [(name, value) for name, value in response.items()], response.content)


def _restore(stored):
    status, headers, content = stored
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


def _validators(response, etag, state):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(state.last_modified.timestamp())
    response["Cache-Control"] = "no-cache"  # browsers and proxies may keep it, but ask every time (→ 304)
    return response
