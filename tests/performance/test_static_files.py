"""Static files: hashed names, precompressed, served with far-future immutable cache headers."""

import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory, override_settings

MANIFEST = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    with override_settings(
        STATIC_ROOT=root,
        STATICFILES_DIRS=[settings.BASE_DIR / "static", ("kern/fonts", settings.KERN_DIST / "fonts")],
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
        STORAGES=MANIFEST,
    ):
        call_command("collectstatic", "--noinput", verbosity=0)
    return root


def serve(root, path, **headers):
    from whitenoise.middleware import WhiteNoiseMiddleware

    with override_settings(
        STATIC_ROOT=root,
        STORAGES=MANIFEST,
        DEBUG=False,
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    ):
        middleware = WhiteNoiseMiddleware(lambda request: None)
        return middleware(RequestFactory().get(path, headers=headers))


def test_hashed_files_are_immutable_and_compressed(collected):
    manifest = json.loads((collected / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/portal.css"]
    assert hashed != "css/portal.css" and (collected / f"{hashed}.gz").exists()
    response = serve(collected, f"/static/{hashed}", **{"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"] and "max-age=315360000" in response["Cache-Control"]
    assert response["Content-Encoding"] in ("gzip", "br")


def test_unhashed_names_are_not_cached_for_long(collected):
    response = serve(collected, "/static/css/portal.css")
    assert response.status_code == 200
    assert "immutable" not in response["Cache-Control"]
