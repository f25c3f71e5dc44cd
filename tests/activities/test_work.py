"""Activities and public-opinion reports: attendance, adoption, bulletins, upward reports."""

import datetime

import pytest

from activities import services
from activities.choices import Attendance, ReportStatus
from activities.models import Activity, ActivityKind, Bulletin, OpinionReport, Participation
from hcppcc.core.workflow.errors import IllegalTransition
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2020, 6, 1)


def test_attendance_is_counted_per_member():
    kind = ActivityKind.objects.create(name="视察")
    first = Activity.objects.create(kind=kind, title="视察一", starts_on=DAY)
    second = Activity.objects.create(kind=kind, title="视察二", starts_on=DAY)
    alice, bob = MemberFactory(name="甲"), MemberFactory(name="乙")
    Participation.objects.create(activity=first, member=alice, attendance=Attendance.PRESENT)
    Participation.objects.create(activity=second, member=alice, attendance=Attendance.PRESENT)
    Participation.objects.create(activity=first, member=bob, attendance=Attendance.LEAVE)
    present = {
        member.name: member.participations.filter(attendance=Attendance.PRESENT).count()
        for member in (alice, bob)
    }
    assert present == {"甲": 2, "乙": 0}


def test_a_report_is_adopted_into_a_bulletin_and_sent_upward(committee_staff):
    bulletin = Bulletin.objects.create(year=2020, number=12, issued_on=DAY)
    report = OpinionReport.objects.create(title="关于……的建议", received_on=DAY)
    report = services.report_adopt(report=report, by=committee_staff, bulletin=bulletin)
    assert (report.status, report.bulletin) == (ReportStatus.ADOPTED, bulletin)
    assert str(bulletin) == "《呼和浩特市社情民意》2020年第12期"
    upward = services.report_send_upward(
        report=report,
        by=committee_staff,
        level="region",
        reported_on=DAY + datetime.timedelta(days=3),
        adopted=True,
    )
    assert list(report.upward.all()) == [upward]
    assert (report.decided_by, upward.recorded_by) == (committee_staff, committee_staff)
    with pytest.raises(IllegalTransition):
        services.report_adopt(report=report, by=committee_staff)


def test_a_report_not_adopted_is_not_sent_upward(committee_staff):
    report = OpinionReport.objects.create(title="x", received_on=DAY)
    services.report_decline(report=report, by=committee_staff)
    with pytest.raises(IllegalTransition):
        services.report_send_upward(
            report=report, by=committee_staff, level="region", reported_on=DAY
        )
    assert not report.upward.exists()


def test_only_those_who_record_this_work_take_its_steps(auditor, office):
    from hcppcc.core.workflow.errors import NotAllowed

    report = OpinionReport.objects.create(title="x", received_on=DAY)
    for user in (auditor, office):
        with pytest.raises(NotAllowed):
            services.report_adopt(report=report, by=user)
    report.refresh_from_db()
    assert report.status == ReportStatus.RECEIVED
