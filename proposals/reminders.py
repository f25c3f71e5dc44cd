"""Reminder e-mails: each handling unit hears about its own due and overdue assignments,
the office gets a summary. Sent once a day at most (``ReminderLog``)."""

import datetime
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from proposals.choices import AssignmentStatus
from proposals.models import Assignment, ReminderLog

UNIT_MOVES = (AssignmentStatus.ASSIGNED, AssignmentStatus.ACKNOWLEDGED)
logger = logging.getLogger(__name__)


@dataclass
class UnitReminder:
    unit: object
    due_soon: list[Assignment]
    overdue: list[Assignment]

    @property
    def count(self) -> int:
        return len(self.due_soon) + len(self.overdue)


def reminders_for(today: datetime.date, days: int) -> list[UnitReminder]:
    """What each active unit should hear about: its open assignments due within ``days``
    days and those already overdue. Two queries."""
    found: dict[int, UnitReminder] = {}

    def entry(assignment):
        return found.setdefault(
            assignment.unit_id, UnitReminder(unit=assignment.unit, due_soon=[], overdue=[])
        )

    # Only what waits on the unit itself: a reply under review or a return request waits
    # on the office, which sees those in its own lists.
    on_unit = {"unit__is_active": True, "status__in": UNIT_MOVES}
    for assignment in Assignment.objects.due_soon(today, days).filter(**on_unit).for_list():
        entry(assignment).due_soon.append(assignment)
    for assignment in Assignment.objects.overdue(today).filter(**on_unit).for_list():
        entry(assignment).overdue.append(assignment)
    return sorted(found.values(), key=lambda r: (r.unit.sort_order, r.unit.name))


def _line(assignment: Assignment, today: datetime.date) -> str:
    days = (assignment.due_on - today).days
    when = (
        _("%(days)d days overdue") % {"days": -days}
        if days < 0
        else _("due in %(days)d days") % {"days": days}
    )
    return f"- {assignment.proposal} ({assignment.get_role_display()}): {assignment.due_on} {when}"


def _claim(today: datetime.date, unit, recipients: list[str], items: int) -> bool:
    """Record today's reminder for ``unit`` (None: the office). False if already sent."""
    try:
        with transaction.atomic():
            ReminderLog.objects.create(
                date=today, unit=unit, recipients=", ".join(recipients), items=items
            )
    except IntegrityError:
        return False
    return True


def send_reminders(today: datetime.date, days: int) -> dict[str, int]:
    """Send today's reminders; a second run on the same day sends nothing."""
    sent = defaultdict(int)
    reminders = reminders_for(today, days)
    for reminder in reminders:
        email = reminder.unit.contact_email
        if not email:
            sent["units_without_email"] += 1
            continue
        # The log row and the e-mail stand or fall together: a failed send is retried by
        # the next run, a sent one is never sent again that day. One unit's bad address
        # does not keep the others (or the office) from their reminders.
        try:
            with transaction.atomic():
                if not _claim(today, reminder.unit, [email], reminder.count):
                    sent["already_sent"] += 1
                    continue
                lines = [_line(a, today) for a in reminder.overdue + reminder.due_soon]
                send_mail(
                    subject=_("[Proposals] %(unit)s: %(count)d assignments need attention")
                    % {"unit": reminder.unit.name, "count": reminder.count},
                    message="\n".join(lines),
                    from_email=None,
                    recipient_list=[email],
                )
        except (OSError, smtplib.SMTPException):
            logger.exception("reminder to %s (%s) failed", reminder.unit, email)
            sent["failed"] += 1
            continue
        sent["units"] += 1
    office = settings.HCPPCC_OFFICE_EMAILS
    if not (office and reminders):
        return dict(sent)
    with transaction.atomic():
        if not _claim(today, None, office, sum(r.count for r in reminders)):
            return dict(sent)
        summary = [
            _("%(unit)s: %(overdue)d overdue, %(soon)d due within %(days)d days")
            % {
                "unit": r.unit.name,
                "overdue": len(r.overdue),
                "soon": len(r.due_soon),
                "days": days,
            }
            for r in reminders
        ]
        send_mail(
            subject=_("[Proposals] Daily summary %(date)s") % {"date": today.isoformat()},
            message="\n".join(summary),
            from_email=None,
            recipient_list=office,
        )
    sent["office"] += 1
    return dict(sent)
