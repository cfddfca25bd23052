"""Production settings as a deployment would see them: Django's deploy checks, cookies, password hashing."""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password, identify_hasher, make_password

ROOT = settings.BASE_DIR
PRODUCTION_ENV = {"SECRET_KEY": secrets.token_urlsafe(50)[:50], "ALLOWED_HOSTS": "example.org"}


def production(*args, **env):
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SECURE_", "EMAIL_"))}
    clean.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="allianz_portal.settings", **env)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120)


def test_deploy_check_finds_nothing():
    result = production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_production_cookies_are_secure_and_samesite():
    code = (
        "import json; from django.conf import settings as s; print(json.dumps([s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SAMESITE, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.DEBUG]))"
    )
    result = production("-c", code)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [True, True, True, "Lax", "Lax", 31536000, True, False]


def test_development_cookies_work_over_plain_http():
    result = production("-c", "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE)", DJANGO_DEBUG="1")
    assert result.stdout.strip() == "False"


def test_production_sends_mail_over_smtp_not_to_the_console():
    code = "from django.conf import settings as s; print(s.MAILERS['default']['BACKEND'])"
    assert production("-c", code).stdout.strip() == "django.core.mail.backends.smtp.EmailBackend"


@pytest.mark.django_db
def test_session_cookie_flags_on_login(client, django_user_model):
    """The admin login is where cookies are set: session cookie HttpOnly + SameSite (Secure is tested above)."""
    django_user_model.objects.create_superuser("redakteurin", "r@example.org", "ein-langes-passwort-42")
    response = client.post("/admin/login/", {"username": "redakteurin", "password": "ein-langes-passwort-42"})
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


PRODUCTION_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


def test_production_hashes_passwords_with_argon2(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    encoded = make_password("korrekt-pferd-batterie")
    assert encoded.startswith("argon2$argon2id$")
    assert identify_hasher(encoded).algorithm == "argon2"
    assert check_password("korrekt-pferd-batterie", encoded)
    assert not check_password("falsch", encoded)


@pytest.mark.django_db
def test_old_pbkdf2_hashes_are_upgraded_to_argon2_on_login(settings, client, django_user_model):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    user = django_user_model.objects.create_superuser("altbestand", "a@example.org", "x")
    user.password = make_password("ein-langes-passwort-42", hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    response = client.post("/admin/login/", {"username": "altbestand", "password": "ein-langes-passwort-42"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


def test_the_settings_ship_argon2_first():
    from allianz_portal import settings as real

    assert real.PASSWORD_HASHERS == PRODUCTION_HASHERS
