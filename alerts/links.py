"""Signed links in alert mails: confirm (expires), manage and unsubscribe (stay valid while the alert exists).

No account and no password: whoever holds a link may do what it says, for the one alert (or, for the
manage link, the alerts of the one address) it was made for.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import UNCONFIRMED_DAYS

CONFIRM_MAX_AGE = UNCONFIRMED_DAYS * 24 * 60 * 60


def _sign(purpose, value):
    return signing.dumps(value, salt=f"alerts.{purpose}", compress=True)


def unsign(purpose, token, max_age=None):
    """The signed value, or None for a forged, damaged or (for confirm links) expired token."""
    try:
        return signing.loads(token, salt=f"alerts.{purpose}", max_age=max_age)
    except signing.BadSignature:
        return None


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def confirm_url(alert):
    return absolute(reverse("alerts:confirm", args=[_sign("confirm", alert.pk)]))


def unsubscribe_url(alert):
    return absolute(reverse("alerts:unsubscribe", args=[_sign("unsubscribe", alert.pk)]))


def manage_url(email):
    return absolute(reverse("alerts:manage", args=[_sign("manage", email.lower())]))
