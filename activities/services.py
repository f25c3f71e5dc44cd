"""Every change of state of activities and public-opinion reports."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.choices import ActivityStatus, ReportStatus, UpwardLevel
from activities.models import Activity, Bulletin, OpinionReport, UpwardReport
from hcppcc.core.workflow.errors import IllegalTransition, NotAllowed
from hcppcc.directory.models import User


@transaction.atomic
def activity_mark_done(
    *, activity: Activity, by: User | None, report_title: str = "", report_text: str = ""
) -> Activity:
    """A planned activity took place; its report may come with it."""
    _require(by, "activities.change_activity")
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.status != ActivityStatus.PLANNED:
        raise IllegalTransition(_("This activity is already done."))
    activity.status = ActivityStatus.DONE
    fields = ["status", "updated_at"]
    if report_title or report_text:
        activity.report_title, activity.report_text = report_title, report_text
        fields += ["report_title", "report_text"]
    activity.full_clean()
    activity.save(update_fields=fields)
    return activity


def _require(by: User | None, permission: str) -> None:
    """Committee staff record this work; ``None`` is the system (the demo generator)."""
    if by is not None and not by.has_perm(permission):
        raise NotAllowed(_("Your role does not allow this step on this record."))


def _lock_report(report: OpinionReport, by: User | None) -> OpinionReport:
    _require(by, "activities.change_opinionreport")
    return OpinionReport.objects.select_for_update().get(pk=report.pk)


@transaction.atomic
def report_adopt(
    *, report: OpinionReport, by: User | None, bulletin: Bulletin | None = None
) -> OpinionReport:
    """Adopt a received report, usually into a bulletin issue (编入《社情民意》)."""
    report = _lock_report(report, by)
    if report.status != ReportStatus.RECEIVED:
        raise IllegalTransition(_("Only a received report can be adopted."))
    report.status = ReportStatus.ADOPTED
    report.bulletin = bulletin
    report.decided_by, report.decided_at = by, timezone.now()
    report.full_clean()
    report.save(update_fields=["status", "bulletin", "decided_by", "decided_at", "updated_at"])
    return report


@transaction.atomic
def report_decline(*, report: OpinionReport, by: User | None) -> OpinionReport:
    """Do not adopt a received report."""
    report = _lock_report(report, by)
    if report.status != ReportStatus.RECEIVED:
        raise IllegalTransition(_("Only a received report can be declined."))
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
    report = _lock_report(report, by)
    if report.status != ReportStatus.ADOPTED:
        raise IllegalTransition(_("Only adopted reports are sent upward."))
    if reported_on < report.received_on:
        raise ValidationError({"reported_on": _("A report is sent on after it is received.")})
    upward = UpwardReport(
        report=report, level=level, reported_on=reported_on, adopted=adopted, recorded_by=by
    )
    upward.full_clean()
    upward.save()
    return upward
