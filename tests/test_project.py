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
    assert dry_run.stdout.split() == ["bin/serve"]
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
