"""Every change to the committee's work: activities, public-opinion reports and bulletin
issues as entered and edited, and their steps (declared in workflow.py).

Entering and editing go through ``hcppcc.core.records.record_save`` (the model permission,
the whole-record validation, stale edits refused) with each kind's rule of what may still
change; the admin and the API call these functions, never ``record_save`` directly.
"""

import datetime
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities import workflow
from activities.choices import ActivityStatus, Attendance, ReportStatus, UpwardLevel
from activities.models import (
    Activity,
    Bulletin,
    Instruction,
    OpinionReport,
    Participation,
    UpwardReport,
)
from hcppcc.core.records import permission_for, record_save
from hcppcc.core.workflow.errors import IllegalTransition
from hcppcc.directory.models import Member, User

# --- entering and editing ------------------------------------------------------------------

# Fields an activity keeps once saved: a planned one becomes done through its step.
ACTIVITY_FIXED_FIELDS = ("status",)
# A report may be corrected until it is decided on; then it is on record as it was decided.
EDITABLE_REPORT_STATES = frozenset({ReportStatus.RECEIVED})


def _activity_editable(activity: Activity, changes: Mapping[str, object]) -> None:
    if activity._state.adding:
        return  # an activity that took place is entered done, with its report
    for name in ACTIVITY_FIXED_FIELDS:
        if name in changes and changes[name] != getattr(activity, name):
            raise IllegalTransition(_("A planned activity is marked done by its step (mark-done)."))


def report_editable(report: OpinionReport) -> bool:
    return report._state.adding or report.status in EDITABLE_REPORT_STATES


def _report_editable(report: OpinionReport, changes: Mapping[str, object]) -> None:
    if "status" in changes or "bulletin" in changes:
        raise IllegalTransition(_("A report is adopted, declined or sent upward by its steps."))
    if not report_editable(report):
        raise IllegalTransition(_("Only a report not yet decided on can be edited."))


def activity_save(
    *,
    activity: Activity,
    by: User | None,
    changes: Mapping[str, object],
    related: Mapping[str, Iterable[models.Model]] | None = None,
    unchanged_since: datetime.datetime | None = None,
) -> Activity:
    """Enter an activity (planned, or done with its report) or edit one; its status changes
    only through ``activity_mark_done``."""
    return record_save(
        record=activity,
        by=by,
        changes=changes,
        related=related,
        unchanged_since=unchanged_since,
        editable=_activity_editable,
    )


@transaction.atomic
def activity_set_participants(
    *, activity: Activity, by: User | None, attendance: Mapping[Member, str]
) -> list[Participation]:
    """Make ``attendance`` (member → ``Attendance``) the activity's participants: members
    not in it are taken off, new ones added, the others' attendance set. Called with
    ``activity_save`` in one transaction by the pages; each change is in the audit history,
    and the activity's version moves on, so that a form opened before is refused."""
    if by is not None and not by.has_perm(permission_for(Activity, "change")):
        raise PermissionDenied(_("Your role does not allow changing these records."))
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    wrong = sorted(m.name for m, value in attendance.items() if value not in Attendance.values)
    if wrong:
        raise ValidationError(_("Not an attendance: %(members)s.") % {"members": "、".join(wrong)})
    wanted = {member.pk: (member, value) for member, value in attendance.items()}
    changed = False
    kept = []
    for participation in activity.participations.select_related("member"):
        _member, value = wanted.pop(participation.member_id, (None, None))
        participation._history_user = by
        if value is None:
            participation.delete()
            changed = True
            continue
        if participation.attendance != value:
            participation.attendance = value
            participation.save(update_fields=["attendance"])
            changed = True
        kept.append(participation)
    for member, value in wanted.values():
        participation = Participation(activity=activity, member=member, attendance=value)
        participation._history_user = by
        participation.full_clean(exclude=["activity", "member"], validate_constraints=False)
        participation.save()
        kept.append(participation)
        changed = True
    if changed:
        activity._history_user = by
        activity.save(update_fields=["updated_at"])
    return kept


def report_save(
    *,
    report: OpinionReport,
    by: User | None,
    changes: Mapping[str, object],
    related: Mapping[str, Iterable[models.Model]] | None = None,
    unchanged_since: datetime.datetime | None = None,
) -> OpinionReport:
    """Enter a received report or correct one not yet decided on."""
    return record_save(
        record=report,
        by=by,
        changes=changes,
        related=related,
        unchanged_since=unchanged_since,
        editable=_report_editable,
    )


def bulletin_save(
    *,
    bulletin: Bulletin,
    by: User | None,
    changes: Mapping[str, object],
    unchanged_since: datetime.datetime | None = None,
) -> Bulletin:
    """Enter or correct a bulletin issue (期); its number is unique in its series and year."""
    return record_save(record=bulletin, by=by, changes=changes, unchanged_since=unchanged_since)


def instruction_save(
    *,
    instruction: Instruction,
    by: User | None,
    changes: Mapping[str, object],
) -> Instruction:
    """Record a leader's written instruction (批示) on a report, or correct one."""
    return record_save(record=instruction, by=by, changes=changes)


# --- steps ---------------------------------------------------------------------------------


@transaction.atomic
def activity_mark_done(
    *, activity: Activity, by: User | None, report_title: str = "", report_text: str = ""
) -> Activity:
    """A planned activity took place; its report may come with it."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    workflow.MARK_DONE.check(activity, by)
    activity.status = ActivityStatus.DONE
    fields = ["status", "updated_at"]
    if report_title or report_text:
        activity.report_title, activity.report_text = report_title, report_text
        fields += ["report_title", "report_text"]
    activity.full_clean()
    activity.save(update_fields=fields)
    return activity


def _lock_report(report: OpinionReport) -> OpinionReport:
    return OpinionReport.objects.select_for_update().get(pk=report.pk)


@transaction.atomic
def report_adopt(
    *, report: OpinionReport, by: User | None, bulletin: Bulletin | None = None
) -> OpinionReport:
    """Adopt a received report, usually into a bulletin issue (编入《社情民意》)."""
    report = _lock_report(report)
    workflow.ADOPT.check(report, by)
    report.status = ReportStatus.ADOPTED
    report.bulletin = bulletin
    report.decided_by, report.decided_at = by, timezone.now()
    report.full_clean()
    report.save(update_fields=["status", "bulletin", "decided_by", "decided_at", "updated_at"])
    return report


@transaction.atomic
def report_decline(*, report: OpinionReport, by: User | None) -> OpinionReport:
    """Do not adopt a received report."""
    report = _lock_report(report)
    workflow.DECLINE.check(report, by)
    report.status = ReportStatus.NOT_ADOPTED
    report.decided_by, report.decided_at = by, timezone.now()
    report.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return report


@transaction.atomic
def report_send_upward(
    *,
    report: OpinionReport,
    by: User | None,
    level: UpwardLevel,
    reported_on: datetime.date,
    adopted: bool = False,
) -> UpwardReport:
    """Send an adopted report on to the regional or national CPPCC (报送上级政协)."""
    report = _lock_report(report)
    workflow.SEND_UPWARD.check(report, by)
    if reported_on < report.received_on:
        raise ValidationError({"reported_on": _("A report is sent on after it is received.")})
    upward = UpwardReport(
        report=report, level=level, reported_on=reported_on, adopted=adopted, recorded_by=by
    )
    upward.full_clean()
    upward.save()
    return upward
