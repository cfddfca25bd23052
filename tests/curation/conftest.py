"""Users in the editorial roles and helpers to drive the admin like an editor does."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from partners.models import EditorProfile
from tests.conftest import make_institution


@pytest.fixture
def institution_a():
    return make_institution(name="Hochschule A", slug="hochschule-a")


@pytest.fixture
def institution_b():
    return make_institution(name="Kammer B", slug="kammer-b")


def make_user(django_user_model, username, group=None, institution=None, **extra):
    user = django_user_model.objects.create_user(
        username, f"{username}@example.org", "sehr-geheim-123", is_staff=True, **extra
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    if institution:
        EditorProfile.objects.create(user=user, institution=institution)
    return user


@pytest.fixture
def editor(django_user_model):
    return make_user(django_user_model, "redakteurin", "Redaktion")


@pytest.fixture
def partner(django_user_model, institution_a):
    return make_user(django_user_model, "partnerin", "Partner-Redaktion", institution_a)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def partner_client(client, partner):
    client.force_login(partner)
    return client


def admin_form_data(response):
    """The POST data a browser would send for the admin change form in `response`, unchanged."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value == "":
            data[name] = ""
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, datetime.datetime):
            local = timezone.localtime(value)
            data[f"{name}_0"], data[f"{name}_1"] = local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")
        elif isinstance(value, datetime.date):
            data[name] = value.isoformat()
        elif isinstance(value, list | tuple):
            if name == "topics":
                data[name] = ", ".join(getattr(item, "name", str(item)) for item in value)
            else:
                data[name] = [str(getattr(item, "pk", item)) for item in value]
        else:
            data[name] = str(value)
    return data


@pytest.fixture
def anon():
    """A visitor's browser, separate from the logged-in `client` fixtures."""
    from django.test import Client

    return Client()
