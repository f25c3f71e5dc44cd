"""Sending a notice on a channel, at most once. The delivery row is locked while the
message goes out: a second worker given the same notice waits, then finds it sent. A failure
is kept on the row (the office's list of failed deliveries reads it) and raised again, so
that the task retries with backoff."""

import datetime
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from hcppcc.notices.models import Channel, Delivery, DeliveryStatus, Notice

FAILURES = (OSError, smtplib.SMTPException)


def deliver(notice_ids: list[int]) -> int:
    """Send each notice by e-mail where its recipient has an address; how many went out
    now (those sent before are not sent again)."""
    sent = 0
    notices = Notice.objects.filter(pk__in=notice_ids).select_related("recipient")
    for notice in notices.order_by("pk"):
        if notice.recipient.email:
            sent += send_email(notice)
    return sent


def undelivered(since_days: int = 7) -> list[int]:
    """Recent notices to people with an address whose e-mail has not gone out (never
    tried, or failed and given up on by its task): what the sweep tries again."""
    since = timezone.now() - datetime.timedelta(days=since_days)
    sent = Delivery.objects.filter(channel=Channel.EMAIL, status=DeliveryStatus.SENT)
    return list(
        Notice.objects.filter(created_at__gte=since)
        .exclude(recipient__email="")
        .exclude(pk__in=sent.values("notice_id"))
        .values_list("pk", flat=True)[:1000]
    )


def send_email(notice: Notice) -> bool:
    failure = None
    with transaction.atomic():
        delivery, _created = Delivery.objects.select_for_update().get_or_create(
            notice=notice, channel=Channel.EMAIL
        )
        if delivery.status == DeliveryStatus.SENT:
            return False
        delivery.attempts += 1
        try:
            send_mail(
                notice.title,
                _text(notice),
                None,
                [notice.recipient.email],
            )
        except FAILURES as error:
            failure = error
            delivery.status, delivery.error = DeliveryStatus.FAILED, repr(error)[:1000]
        else:
            delivery.status, delivery.error = DeliveryStatus.SENT, ""
            delivery.sent_at = timezone.now()
        delivery.save()
    if failure is not None:
        raise failure
    return True


def _text(notice: Notice) -> str:
    base = settings.HCPPCC_SITE_URL.rstrip("/")
    link = f"\n\n{base}{notice.link}" if notice.link and base else ""
    return f"{notice.body or notice.title}{link}"
