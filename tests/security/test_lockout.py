"""Brute force against the admin login: django-axes locks one username from one address after 5 failures,
for 15 minutes, with a German page."""

import datetime

import pytest
from axes.models import AccessAttempt

pytestmark = pytest.mark.django_db

PASSWORD = "ein-langes-passwort-42"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("redakteurin", "r@example.org", PASSWORD)


def login(client, username="redakteurin", password="falsch", ip="203.0.113.7"):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail(client, times, **kwargs):
    for _ in range(times):
        response = login(client, **kwargs)
        assert response.status_code == 200  # the login form again, with its error


def test_four_failures_still_allow_the_right_password(client, editor):
    fail(client, 4)
    assert login(client, password=PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()  # a success resets the count


def test_five_failures_lock_username_and_address_with_a_german_page(client, editor):
    fail(client, 4)
    locked = login(client)
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Anmeldung vorübergehend gesperrt" in html
    assert "15 Minuten" in html
    assert html.count("<h1") == 1
    # even the right password is refused now
    assert login(client, password=PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username_and_address(client, editor, django_user_model):
    django_user_model.objects.create_superuser("kollege", "k@example.org", PASSWORD)
    fail(client, 4)
    assert login(client).status_code == 429
    # the same person from another address, and a colleague from the same address, are not locked out
    assert login(client, password=PASSWORD, ip="198.51.100.1").status_code == 302
    client.logout()
    assert login(client, username="kollege", password=PASSWORD).status_code == 302


def test_lockout_ends_after_the_cool_off(client, editor):
    fail(client, 4)
    assert login(client).status_code == 429
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=14))
    assert login(client, password=PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16))
    assert login(client, password=PASSWORD).status_code == 302


def test_behind_the_proxy_the_forwarded_address_counts(client, editor, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    for _ in range(5):
        client.post(
            "/admin/login/",
            {"username": "redakteurin", "password": "falsch"},
            REMOTE_ADDR="10.0.0.2",  # the proxy
            HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7",  # a spoofed entry, then the address the proxy saw
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


def test_rotating_forwarded_headers_from_an_untrusted_peer_do_not_bypass_the_lockout(client, editor, settings):
    """Finding 1: an attacker who sends a new X-Forwarded-For with every try is still one address."""
    settings.TRUSTED_PROXIES = ["10.0.0.2"]  # a proxy exists, but the attacker is not it
    for n in range(5):
        response = client.post(
            "/admin/login/",
            {"username": "redakteurin", "password": "falsch"},
            REMOTE_ADDR="203.0.113.66",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
            HTTP_FORWARDED=f"for=192.0.2.{n}",
        )
    assert response.status_code == 429
    sixth = client.post(
        "/admin/login/",
        {"username": "redakteurin", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.66",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert sixth.status_code == 429
    assert "Anmeldung vorübergehend gesperrt" in sixth.content.decode()
    assert "_auth_user_id" not in client.session
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.66"}
