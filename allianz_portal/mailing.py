"""Mails of the portal: composed from templates (HTML + plain text, in the portal's design and the
recipient's language), stored as `OutgoingMail`, delivered by a background task, retried on failure.

`queue(...)` stores the mail in the caller's transaction and enqueues delivery once that transaction has
committed, so a rolled-back enquiry sends nothing and a committed one is never without its mail. A delivery
that fails (SMTP down, refused) is retried with growing pauses (RETRY_DELAYS); the periodic job
`deliver_pending` also picks up whatever a crashed worker left behind. After the last retry the mail is
marked failed and stays visible in the admin.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.tasks import default_task_backend, task
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .dates import retention_cutoff
from .models import OutgoingMail

logger = logging.getLogger(__name__)

RETRY_DELAYS = [60, 5 * 60, 30 * 60, 2 * 60 * 60, 12 * 60 * 60]  # seconds after attempt 1, 2, …
SENT_KEPT_DAYS = 7


def render(template, context, language="de"):
    """(subject, text, html) of `mail/<template>.{subject.txt,txt,html}` in `language`."""
    with translation.override(language):
        context = {"site_url": settings.SITE_URL.rstrip("/"), "language": language, **context}
        subject = " ".join(render_to_string(f"mail/{template}.subject.txt", context).split())
        text = render_to_string(f"mail/{template}.txt", context)
        html = render_to_string(f"mail/{template}.html", context)
    return subject, text, html


def queue(template, context, to, *, purpose, language="de", reply_to=(), headers=None):
    """Store a mail and have it delivered after the current transaction commits; returns the row."""
    subject, text, html = render(template, context, language)
    mail = OutgoingMail.objects.create(
        to=list(to),
        reply_to=list(reply_to),
        subject=subject,
        text=text,
        html=html,
        headers=headers or {},
        purpose=purpose,
    )
    transaction.on_commit(lambda: deliver.enqueue(mail.pk))
    return mail


@task
def deliver(mail_pk):
    """Send one stored mail; on failure count the attempt and plan the next one."""
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update().filter(pk=mail_pk, status=OutgoingMail.Status.PENDING).first()
        if mail is None:
            return "nothing to do"
        message = EmailMultiAlternatives(
            subject=mail.subject,
            body=mail.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=mail.to,
            reply_to=mail.reply_to or None,
            headers=mail.headers or None,
        )
        if mail.html:
            message.attach_alternative(mail.html, "text/html")
        mail.attempts += 1
        try:
            message.send()
        except Exception as error:  # SMTP errors, refused connections, timeouts: all retried
            logger.warning("Mail %s (%s): attempt %s failed: %s", mail.pk, mail.purpose, mail.attempts, error)
            mail.last_error = f"{type(error).__name__}: {error}"[:2000]
            if mail.attempts > len(RETRY_DELAYS):
                mail.status = OutgoingMail.Status.FAILED
                mail.next_attempt_at = None
            else:
                delay = datetime.timedelta(seconds=RETRY_DELAYS[mail.attempts - 1])
                mail.next_attempt_at = timezone.now() + delay
            mail.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            if mail.next_attempt_at and default_task_backend.supports_defer:
                when = mail.next_attempt_at
                transaction.on_commit(lambda: deliver.using(run_after=when).enqueue(mail_pk))
            return "failed"
        mail.status = OutgoingMail.Status.SENT
        mail.sent_at = timezone.now()
        mail.next_attempt_at = None
        mail.last_error = ""
        mail.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at", "last_error"])
    return "sent"


@task
def deliver_pending():
    """Periodic: retry mails whose next attempt is due (or that a crashed worker never picked up), forget
    sent mails after SENT_KEPT_DAYS and failed ones after PERSONAL_DATA_RETENTION_MONTHS (they may hold
    what an SME wrote)."""
    now = timezone.now()
    stale = now - datetime.timedelta(minutes=10)
    due = OutgoingMail.objects.filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, created_at__lt=stale),
        status=OutgoingMail.Status.PENDING,
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(due[:500]):
        deliver.call(pk)
        count += 1
    OutgoingMail.objects.filter(
        status=OutgoingMail.Status.SENT, sent_at__lt=now - datetime.timedelta(days=SENT_KEPT_DAYS)
    ).delete()
    OutgoingMail.objects.filter(status=OutgoingMail.Status.FAILED, created_at__lt=retention_cutoff(now)).delete()
    return count
