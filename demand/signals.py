"""Count demand and use when the other apps say something happened (their signals carry no personal data
into these counts: only month, Kreis, topics and offer)."""

from django.dispatch import receiver
from django.utils import timezone

from alerts.signals import alert_confirmed, alert_mail_sent
from enquiries.signals import enquiry_received
from needs.signals import need_reported

from .models import DemandCount, OfferMonthStat, add, first_of_month
from .places import alert_region_and_topics


def count_signal(kind, region, topics, when=None):
    month = first_of_month(timezone.localdate(when))
    keys = {"month": month, "kind": kind, "region": region, "is_demo": False}
    add(DemandCount, {**keys, "topic": None}, {"count": 1})
    for topic in topics:
        add(DemandCount, {**keys, "topic": topic}, {"count": 1})


@receiver(enquiry_received, dispatch_uid="demand-enquiry")
def on_enquiry(sender, enquiry, **kwargs):
    count_signal(DemandCount.Kind.ENQUIRY, enquiry.kreis, list(enquiry.offer.topics.all()))
    add(OfferMonthStat, {"offer": enquiry.offer, "month": first_of_month(timezone.localdate())}, {"enquiries": 1})


@receiver(need_reported, dispatch_uid="demand-need")
def on_need(sender, need, **kwargs):
    count_signal(DemandCount.Kind.NEED, need.kreis, list(need.topics.all()))


@receiver(alert_confirmed, dispatch_uid="demand-alert")
def on_alert(sender, alert, **kwargs):
    region, topics = alert_region_and_topics(alert.query)
    count_signal(DemandCount.Kind.ALERT, region, topics)


@receiver(alert_mail_sent, dispatch_uid="demand-alert-mail")
def on_alert_mail(sender, offer_ids, when, **kwargs):
    month = first_of_month(timezone.localdate(when))
    for offer_id in offer_ids:
        add(OfferMonthStat, {"offer_id": offer_id, "month": month}, {"alert_mails": 1})
