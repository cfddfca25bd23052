"""The operator's details are configured once (allianz_portal/operator.py) and shown on every legal page;
a deployment without them fails `check --deploy`, development shows marked example values."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command

from alliance.models import Page
from allianz_portal import operator

OPERATOR_VARIABLES = {field.variable for field in operator.FIELDS}


def manage(*args, **env):
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in OPERATOR_VARIABLES and not key.startswith(("DJANGO_", "SECURE_", "EMAIL_"))
    }
    clean.update(
        SECRET_KEY="a-long-enough-secret-key-for-the-deploy-check-0123456789abcdef",
        ALLOWED_HOSTS="example.org",
        DJANGO_SETTINGS_MODULE="allianz_portal.settings",
        **env,
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=clean, capture_output=True, text=True
    )


def test_deploy_check_fails_while_operator_details_are_missing_and_names_them():
    result = manage("check", "--deploy")
    assert result.returncode != 0
    assert "portal.E001" in result.stderr
    for variable in ("OPERATOR_NAME", "OPERATOR_EMAIL", "PRIVACY_OFFICER_NAME", "ACCESSIBILITY_REVIEWED_ON"):
        assert variable in result.stderr
    assert "OPERATOR_VAT_ID" not in result.stderr  # optional


def test_development_runs_on_example_values_which_never_pass_the_deploy_check():
    assert manage("check", "--fail-level", "WARNING", DJANGO_DEBUG="1").returncode == 0  # make run keeps working
    deploy = manage("check", "--deploy", DJANGO_DEBUG="1")
    assert "portal.E001" in deploy.stderr and "OPERATOR_NAME" in deploy.stderr


def test_deploy_check_wants_a_real_date_of_the_last_accessibility_check():
    values = {field.variable: field.example or "x" for field in operator.FIELDS}
    assert operator.check_operator_values(operator.from_environment(values)) == []
    values["ACCESSIBILITY_REVIEWED_ON"] = "letzten Herbst"
    errors = operator.check_operator_values(operator.from_environment(values))
    assert [error.id for error in errors] == ["portal.E002"]


@pytest.mark.django_db
def test_development_marks_example_values_on_every_legal_page(client, settings):
    settings.OPERATOR = operator.from_environment({}, examples=True)
    for slug in ("impressum", "datenschutz", "barrierefreiheit", "kontakt"):
        html = client.get(f"/{slug}/").content.decode()
        assert "Beispielangaben:" in html, slug
        assert "Musterstraße 1" in html, slug
    assert "Beispielangaben" not in client.get("/leichte-sprache/").content.decode()


@pytest.mark.django_db
def test_real_values_carry_no_example_notice(client):
    html = client.get("/impressum/").content.decode()
    assert "Beispielangaben" not in html
    assert "Testministerium für Transfer des Landes Nordrhein-Westfalen" in html


@pytest.mark.django_db
def test_reference_loader_replaces_placeholder_pages_but_keeps_edited_ones():
    imprint = Page.objects.get(slug="impressum")
    imprint.body = "Land NRW, vertreten durch [Name des zuständigen Ministeriums]\n\nE-Mail: [E-Mail-Adresse]"
    imprint.save()
    privacy = Page.objects.get(slug="datenschutz")
    privacy.body = "Eigener Text der Redaktion mit einem [Link](https://example.org)."
    privacy.save()
    call_command("load_reference_data", verbosity=0)
    imprint.refresh_from_db()
    privacy.refresh_from_db()
    assert "[E-Mail-Adresse]" not in imprint.body and "## Inhalte der Angebote" in imprint.body
    assert privacy.body == "Eigener Text der Redaktion mit einem [Link](https://example.org)."
