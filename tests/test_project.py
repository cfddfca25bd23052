"""Project-level guarantees: safe settings, health endpoints, one gunicorn invocation for image and Makefile."""

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def run_python(code, **env):
    clean_env = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DJANGO_DEBUG"}}
    clean_env.update(env, DJANGO_SETTINGS_MODULE="allianz_portal.settings")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean_env, capture_output=True, text=True)


def test_production_refuses_to_start_without_secret_key():
    result = run_python("import django; django.setup()")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_defaults_are_safe():
    result = run_python(
        "from django.conf import settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.ALLOWED_HOSTS, "
        "s.PASSWORD_HASHERS[0].rsplit('.', 1)[-1])",
        SECRET_KEY="x" * 50,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "[]", "Argon2PasswordHasher"]


def test_database_url_selects_postgresql_and_sqlite_is_the_default():
    code = "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'])"
    assert run_python(code, SECRET_KEY="x", DATABASE_URL="").stdout.strip() == "django.db.backends.sqlite3"
    assert (
        run_python(code, SECRET_KEY="x", DATABASE_URL="postgres://u@127.0.0.1:5432/db").stdout.strip()
        == "django.db.backends.postgresql"
    )


def test_env_example_documents_every_variable_the_settings_read():
    read = set(re.findall(r'environ(?:\.get)?\(\s*"([A-Z_]+)"', (ROOT / "allianz_portal" / "settings.py").read_text()))
    read |= set(re.findall(r'env_(?:bool|list)\(\s*"([A-Z_]+)"', (ROOT / "allianz_portal" / "settings.py").read_text()))
    read |= set(re.findall(r'environ(?:\.get)?\(\s*"([A-Z_]+)"', (ROOT / "gunicorn.conf.py").read_text()))
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert read - documented == set()


def test_container_and_makefile_start_gunicorn_identically():
    dockerfile = (ROOT / "Dockerfile").read_text()
    cmd = json.loads(re.search(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE).group(1))
    dry_run = subprocess.run(
        ["make", "--no-print-directory", "-n", "serve"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert dry_run.stdout.strip().splitlines()[-1] == "bin/serve"  # after the guard and collectstatic
    (line,) = [line for line in (ROOT / "bin" / "serve").read_text().splitlines() if "bin/gunicorn " in line]
    make_cmd = shlex.split(line.removesuffix("&"))
    make_cmd[0] = Path(make_cmd[0]).name  # .venv/bin/gunicorn -> gunicorn
    assert cmd == make_cmd
    assert cmd[0] == "gunicorn" and "allianz_portal.wsgi" in cmd


def test_dockerfile_runs_as_non_root_with_healthcheck_and_static_files():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.MULTILINE)
    assert "HEALTHCHECK" in dockerfile and "/healthz" in dockerfile
    assert "collectstatic" in dockerfile
    assert "migrate" not in dockerfile.split("CMD")[-1]


@pytest.mark.django_db
def test_health_endpoints(client):
    assert client.get("/healthz", HTTP_HOST="not-allowed.example").content == b"ok"
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_reports_unreachable_database(client, monkeypatch):
    from django.db import OperationalError
    from django.db.migrations import executor

    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(executor.MigrationExecutor, "__init__", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "Datenbank" in response.content.decode()


def test_env_example_documents_every_operator_variable():
    from allianz_portal.operator import FIELDS

    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert {field.variable for field in FIELDS} - documented == set()


def test_messages_compile_without_gettext(tmp_path):
    """bin/compile-messages (Babel) writes the .mo that Django reads; no msgfmt anywhere in the build."""
    import gettext
    import runpy
    import shutil

    shutil.copytree(ROOT / "locale", tmp_path / "locale", ignore=shutil.ignore_patterns("*.mo"))
    compile_all = runpy.run_path(str(ROOT / "bin" / "compile-messages"))["compile_all"]
    (mo_path,) = [path for path in compile_all(tmp_path) if path.parts[-3] == "en" and path.stem == "django"]
    english = gettext.GNUTranslations(mo_path.open("rb"))
    assert english.gettext("Angebote") == "Offers"
    assert english.gettext("Offene Daten") == "Open data"
    assert english.ngettext("%(counter)s Angebot", "%(counter)s Angebote", 2) == "%(counter)s offers"
    makefile, dockerfile = (ROOT / "Makefile").read_text(), (ROOT / "Dockerfile").read_text()
    assert "msgfmt" not in makefile and "compilemessages" not in makefile.split("$(MO):")[1].split("\n\n")[0]
    assert "gettext" not in dockerfile and "bin/compile-messages" in dockerfile


def test_make_serve_collects_static_files_before_gunicorn():
    env = {**os.environ, "SECRET_KEY": "dry-run"}
    dry_run = subprocess.run(  # -B: as on a fresh clone, where nothing is collected yet
        ["make", "--no-print-directory", "-n", "-B", "serve"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    lines = dry_run.stdout.splitlines()
    collect = next(i for i, line in enumerate(lines) if "collectstatic" in line)
    start = next(i for i, line in enumerate(lines) if line.strip() == "bin/serve")  # nginx, then gunicorn
    assert collect < start


def test_make_serve_without_secret_key_stops_with_a_clear_message():
    env = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DJANGO_DEBUG"}}
    result = subprocess.run(
        ["make", "--no-print-directory", "serve"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "braucht SECRET_KEY" in result.stderr and "make run" in result.stderr


def test_500_page_renders_without_the_staticfiles_manifest(rf, settings, tmp_path):
    """After `make run`, `make serve` before collectstatic: the 500 page itself must not crash as well."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    from allianz_portal.views import server_error

    settings.STATIC_ROOT = tmp_path  # empty: no manifest
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    # (the settings fixture resets staticfiles_storage on each change, and back afterwards)
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        staticfiles_storage.url("css/portal.css")  # what crashed every page and the 500 page
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Ein technischer Fehler ist aufgetreten" in html
    assert 'href="/static/css/portal.css"' in html
