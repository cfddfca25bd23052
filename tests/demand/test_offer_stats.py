"""Provider statistics in the admin: every view, enquiry and alert mail lands in its offer's row of the
month; partner editors see only their institution's rows; a month filter and sums above the list."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from alerts import tasks
from alerts.models import SearchAlert
from demand.models import OfferMonthStat, first_of_month
from offers.models import Topic
from partners.models import EditorProfile
from tests.conftest import make_institution, make_offer
from tests.loop_helpers import post_form

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:demand_offermonthstat_changelist")
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"


def totals(html):
    table = html.split('class="offer-stat-totals"')[1].split("</table>")[0]
    return [int(cell) for cell in re.findall(r"<td>(\d+)</td>", table)]


def test_views_enquiries_and_alert_mails_land_in_the_offers_row(client, django_capture_on_commit_callbacks):
    robotics = Topic.objects.create(name="Robotik", slug="robotik")
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    SearchAlert.objects.create(
        email="kmu@x.example", query="thema=robotik", frequency="sofort", confirmed_at=hour_ago, checked_until=hour_ago
    )
    later = timezone.now() - datetime.timedelta(minutes=10)
    cobot = make_offer(
        title="Cobot-Sprechstunde", topics=[robotics], contact_email="cobot@x.example", published_at=later
    )
    other = make_offer(title="Anderes Angebot")

    client.get(cobot.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    client.get(cobot.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    client.get(other.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    enquiry = {
        "name": "Jana Beispiel",
        "company": "Metallbau GmbH",
        "email": "jana@metallbau.example",
        "postcode": "",
        "kreis": "kreis-lippe",
        "message": "Haben Sie im März Termine?",
        "consent": "on",
    }
    url = reverse("enquiries:enquire", args=[cobot.slug])
    assert post_form(client, url, enquiry, django_capture_on_commit_callbacks).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_due_alerts.call() == 1

    month = first_of_month(timezone.localdate())
    rows = {
        row.offer.title: (row.month, row.views, row.enquiries, row.alert_mails)
        for row in OfferMonthStat.objects.select_related("offer")
    }
    assert rows == {"Cobot-Sprechstunde": (month, 2, 1, 1), "Anderes Angebot": (month, 1, 0, 0)}


def test_partner_editors_see_their_offers_rows_only_with_month_filter_and_sums(client, django_user_model):
    mine = make_institution(name="Hochschule Mein")
    this_month = first_of_month(timezone.localdate())
    last_month = first_of_month(this_month - datetime.timedelta(days=1))
    own = make_offer(title="Eigenes Angebot", provider=mine)
    own_second = make_offer(title="Zweites eigenes Angebot", provider=mine)
    foreign = make_offer(title="Fremdes Angebot", provider=make_institution(name="Andere Hochschule"))
    OfferMonthStat.objects.create(offer=own, month=this_month, views=10, enquiries=2, alert_mails=3)
    OfferMonthStat.objects.create(offer=own_second, month=this_month, views=5, enquiries=1, alert_mails=0)
    OfferMonthStat.objects.create(offer=own, month=last_month, views=7, enquiries=0, alert_mails=1)
    OfferMonthStat.objects.create(offer=foreign, month=this_month, views=99, enquiries=9, alert_mails=9)

    user = django_user_model.objects.create_user("partnerin", "p@x.de", "pw-123456789", is_staff=True)
    user.groups.add(Group.objects.get(name="Partner-Redaktion"))
    EditorProfile.objects.create(user=user, institution=mine)
    client.force_login(user)

    html = client.get(CHANGELIST).content.decode()
    assert "Eigenes Angebot" in html and "Zweites eigenes Angebot" in html
    assert "Fremdes Angebot" not in html
    assert totals(html) == [22, 3, 4]
    assert f"?monat={last_month:%Y-%m}" in html and f"?monat={this_month:%Y-%m}" in html

    filtered = client.get(CHANGELIST, {"monat": f"{this_month:%Y-%m}"}).content.decode()
    assert totals(filtered) == [15, 3, 3]
    assert "(gefiltert)" in filtered

    foreign_row = OfferMonthStat.objects.get(offer=foreign)
    change = reverse("admin:demand_offermonthstat_change", args=[foreign_row.pk])
    assert client.get(change).status_code in (302, 403, 404)


def test_the_redaktion_sees_all_rows_and_a_bad_month_shows_everything(admin_client):
    month = first_of_month(timezone.localdate())
    OfferMonthStat.objects.create(offer=make_offer(title="Eins"), month=month, views=1)
    OfferMonthStat.objects.create(offer=make_offer(title="Zwei"), month=month, views=2)
    response = admin_client.get(CHANGELIST, {"monat": "kaputt"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Eins" in html and "Zwei" in html and totals(html) == [3, 0, 0]


def test_the_changelist_query_count_does_not_grow_with_rows(admin_client, django_assert_max_num_queries):
    month = first_of_month(timezone.localdate())
    for number in range(3):
        OfferMonthStat.objects.create(offer=make_offer(title=f"Angebot {number}"), month=month, views=number)
    with django_assert_max_num_queries(15) as few:
        admin_client.get(CHANGELIST)
    for number in range(3, 13):
        OfferMonthStat.objects.create(offer=make_offer(title=f"Angebot {number}"), month=month, views=number)
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(CHANGELIST)
