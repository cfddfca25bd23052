"""The admin's change lists fit a 1280 px screen: no column cut off beside the filters, for the Redaktion and
for partner editors (logged in through the login form, as a person does)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.conftest import make_institution, make_offer
from tests.curation.conftest import make_user

from .conftest import WIDTHS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "sehr-geheim-123"
FITS = """() => {
    const table = document.querySelector('#result_list');
    return {
        table: table ? table.scrollWidth : 0,
        room: table ? table.parentElement.clientWidth : 0,
        page: document.documentElement.scrollWidth,
        view: document.documentElement.clientWidth,
        heading: (document.querySelector('h1') || {}).textContent,
    };
}"""


def log_in(browser, live_server, username):
    context = browser.new_context(viewport=WIDTHS["desktop"], locale="de-DE", base_url=live_server.url)
    page = context.new_page()
    page.goto("/admin/login/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/admin/")
    return context, page


@pytest.fixture
def content(site):
    long_name = make_institution(name="Fraunhofer-Institut für Produktionstechnologie und Automatisierung IPA")
    for number in range(3):
        make_offer(
            title=f"Forschungskooperation Kreislaufwirtschaft und Ressourceneffizienz im Mittelstand {number}",
            provider=long_name,
            offer_type="forschung",
            status="pruefung" if number else "veroeffentlicht",
        )
    return long_name


def test_every_change_list_fits_1280_px_for_the_redaktion(browser, live_server, content, django_user_model):
    django_user_model.objects.create_superuser("chefin", "chefin@example.org", PASSWORD)
    context, page = log_in(browser, live_server, "chefin")
    try:
        cut = {}
        for model in admin.site._registry:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            page.goto(url)
            size = page.evaluate(FITS)
            assert size["heading"], url
            if size["table"] > size["room"] or size["page"] > size["view"]:
                cut[url] = size
        assert cut == {}
    finally:
        context.close()


def test_the_offer_list_fits_for_partner_editors(browser, live_server, content, django_user_model):
    make_user(django_user_model, "partnerin", "Partner-Redaktion", content)  # password: PASSWORD
    context, page = log_in(browser, live_server, "partnerin")
    try:
        page.goto(reverse("admin:offers_offer_changelist"))
        size = page.evaluate(FITS)
        assert size["table"] <= size["room"] and size["page"] <= size["view"], size
        assert page.locator("#result_list tbody tr").count() == 3
    finally:
        context.close()
