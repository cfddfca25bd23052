"""Counting on the server, for every response – cached pages included (the page cache sits inside the view):

- an offer's public detail page (marker OFFER_HEADER) answered 200 to a GET: one page view for that offer
  and month (no cookie, no address; user agents that call themselves bots are not counted). Views are
  summed in memory and written every PAGE_VIEW_FLUSH_SECONDS, one UPDATE per offer;
- a list whose answer carries the marker EMPTY_LIST_HEADER (set by the list view when a search or filter
  found nothing): one "search without results" for its region and topics in the Bedarfsradar. The marker is
  removed before the response leaves.
"""

import logging
import re
import threading
import time
from collections import Counter

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from finder.views import EMPTY_LIST_HEADER, OFFER_HEADER

from .models import DemandCount, OfferMonthStat, add, first_of_month
from .places import query_region_and_topics
from .signals import count_signal

logger = logging.getLogger(__name__)
BOTS = re.compile(r"bot|crawl|spider|slurp|preview|monitor|curl|wget|python-requests|headless", re.IGNORECASE)


class PageViews:
    def __init__(self):
        self.lock = threading.Lock()
        self.pending = Counter()
        self.since = time.monotonic()

    def count(self, offer_pk):
        with self.lock:
            self.pending[offer_pk] += 1
            due = time.monotonic() - self.since >= settings.PAGE_VIEW_FLUSH_SECONDS
            if not due:
                return
            pending, self.pending, self.since = self.pending, Counter(), time.monotonic()
        month = first_of_month(timezone.localdate())
        for pk, views in pending.items():
            add(OfferMonthStat, {"offer_id": pk, "month": month}, {"views": views})


page_views = PageViews()


def take_header(response, name):
    """The marker's value, removed from the response (it is for us, not for the visitor)."""
    value = response.headers.get(name)
    if value is not None:
        del response.headers[name]
    return value


class DemandMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        offer_pk = take_header(response, OFFER_HEADER)
        empty_list = take_header(response, EMPTY_LIST_HEADER)
        if request.method != "GET" or response.status_code != 200:
            return response
        if BOTS.search(request.META.get("HTTP_USER_AGENT", "") or "bot"):
            return response
        try:
            if offer_pk and offer_pk.isdigit():
                page_views.count(int(offer_pk))
            if empty_list:
                region, topics = query_region_and_topics(request.GET)
                count_signal(DemandCount.Kind.SEARCH, region, topics)
        except DatabaseError:  # statistics never cost a visitor their page
            logger.warning("Nachfragezählung fehlgeschlagen", exc_info=True)
        return response
