"""Every change of state in the notices: written by the domain services in their step's
transaction (``notify``), delivered once the step is committed (``tasks.deliver``), read
by their recipient (``notice_read``)."""

import logging
from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.utils import timezone

from hcppcc.core.workflow.errors import NotAllowed
from hcppcc.directory.models import HandlingUnit, User
from hcppcc.notices.models import Notice

logger = logging.getLogger(__name__)


def unit_contacts(unit: HandlingUnit) -> list[User]:
    """The people who work a unit's desk: its active accounts."""
    return list(User.objects.filter(handling_unit=unit, is_active=True))


def notify(
    recipients: Iterable[User | None], *, kind: str, title: str, link: str = "", body: str = ""
) -> list[Notice]:
    """One notice to each active person of ``recipients`` (each once, ``None`` skipped),
    in the caller's transaction: a step rolled back tells nobody. Delivery by their
    channels follows the commit, on the worker."""
    people = {user.pk: user for user in recipients if user is not None and user.is_active}
    notices = Notice.objects.bulk_create(
        Notice(recipient=user, kind=kind, title=title[:300], link=link, body=body)
        for user in people.values()
    )
    if notices:
        transaction.on_commit(partial(_deliver_later, [notice.pk for notice in notices]))
    return notices


def _deliver_later(notice_ids: list[int]) -> None:
    """Queue the delivery. The step is committed by now: whatever goes wrong here (no
    broker, or a failing mail server when tasks run in the request) must not turn it into
    an error page. The notices are in the inbox; ``deliver_undelivered`` (beat) tries the
    e-mails again."""
    from hcppcc.notices.tasks import deliver  # the task module imports this one

    try:
        deliver.delay(notice_ids)
    except Exception:
        logger.warning("could not queue the delivery of notices %s", notice_ids, exc_info=True)


def notice_read(*, notice: Notice, by: User) -> Notice:
    """Its recipient has read it (again: nothing changes)."""
    if notice.recipient_id != by.pk:
        raise NotAllowed("Only its recipient reads a notice.")
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


def notices_read_all(*, by: User) -> int:
    """Every unread notice of ``by`` read; how many."""
    return Notice.objects.filter(recipient=by).unread().update(read_at=timezone.now())
