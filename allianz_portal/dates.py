"""Date rules the whole site shares: whole months, and how long personal data is kept."""

import calendar
import datetime

from django.conf import settings
from django.utils import timezone


def add_months(day, months):
    """`day` plus whole months, clamped to the target month's last day (31 Jan + 1 -> 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def retention_cutoff(now=None):
    """Rows with personal data created before this moment have outlived PERSONAL_DATA_RETENTION_MONTHS
    (enquiries, transfer needs, failed mails)."""
    now = now or timezone.now()
    day = add_months(timezone.localdate(now), -settings.PERSONAL_DATA_RETENTION_MONTHS)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
