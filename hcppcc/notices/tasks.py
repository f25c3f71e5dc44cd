"""The notices' background work (Celery; run in the request without a broker)."""

from celery import shared_task
from django.conf import settings

from hcppcc.notices import delivery


def backoff(retries: int) -> float:
    """Seconds before the next try: HCPPCC_NOTICE_RETRY_SECONDS, doubling, at most 30 min."""
    return min(settings.HCPPCC_NOTICE_RETRY_SECONDS * 2**retries, 30 * 60)


@shared_task(bind=True, max_retries=8, ignore_result=True)
def deliver(self, notice_ids: list[int]) -> None:
    """Send the notices by their channels. A failed send is tried again later, with a
    growing pause; what was sent is never sent twice (``delivery.send_email``)."""
    try:
        delivery.deliver(notice_ids)
    except delivery.FAILURES as error:
        raise self.retry(exc=error, countdown=backoff(self.request.retries)) from error


@shared_task(ignore_result=True)
def deliver_undelivered() -> None:
    """The sweep (beat, every few minutes): notices whose e-mail has not gone out, queued
    again — a broker that was down, a mail server that refused for longer than the retries."""
    if notice_ids := delivery.undelivered():
        deliver.delay(notice_ids)
