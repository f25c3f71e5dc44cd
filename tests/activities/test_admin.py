"""Committee staff work in the admin: activities, reports, figures, duty scorecards."""

import datetime

import pytest
from django.urls import reverse

from activities.models import Activity, ActivityKind, OpinionReport
from seeds.loader import load_seeds
from tests.forms import opened

pytestmark = pytest.mark.django_db


def test_committee_staff_record_an_activity_with_attendance(client, committee_staff, member_user):
    kind = ActivityKind.objects.create(name="视察")
    client.force_login(committee_staff)
    response = client.post(
        reverse("admin:activities_activity_add"),
        {
            "kind": kind.pk,
            "title": "视察安全生产监管情况",
            "starts_on": "2020-07-30",
            "status": "done",
            "participations-TOTAL_FORMS": "1",
            "participations-INITIAL_FORMS": "0",
            "participations-0-member": member_user.member.pk,
            "participations-0-attendance": "present",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    activity = Activity.objects.get()
    assert activity.participations.get().member == member_user.member


def test_committee_staff_adopt_a_report_in_the_admin(client, committee_staff):
    report = OpinionReport.objects.create(title="信息", received_on=datetime.date(2020, 3, 1))
    client.force_login(committee_staff)
    url = reverse("admin:activities_opinionreport_step", args=[report.pk, "adopt"])
    page = client.get(reverse("admin:activities_opinionreport_change", args=[report.pk]))
    assert url in page.content.decode()
    client.post(url, opened(report, bulletin=""))
    report.refresh_from_db()
    assert report.status == "adopted"


def test_the_auditor_reads_but_takes_no_report_steps(client, auditor):
    report = OpinionReport.objects.create(title="信息", received_on=datetime.date(2020, 3, 1))
    client.force_login(auditor)
    page = client.get(reverse("admin:activities_opinionreport_change", args=[report.pk]))
    assert page.status_code == 200
    assert "/step/" not in page.content.decode()
    client.post(
        reverse("admin:activities_opinionreport_step", args=[report.pk, "adopt"]), opened(report)
    )
    report.refresh_from_db()
    assert report.status == "received"


def test_the_yearly_figures_page_and_its_json(client, committee_staff):
    load_seeds()
    client.force_login(committee_staff)
    url = reverse("admin:activities_yearly_figures")
    page = client.get(url, {"year": 2020})
    assert page.status_code == 200
    data = client.get(url, {"year": 2020, "format": "json"}).json()
    assert data["proposals"]["accepted"] == 12
    assert data["activities"]["by_kind"]["联合调研"] == 7


def test_the_duty_scorecards_export_as_csv(client, committee_staff, member_user):
    client.force_login(committee_staff)
    response = client.get(
        reverse("admin:activities_duty_scorecards"), {"year": 2020, "format": "csv"}
    )
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert body.splitlines()[0] == "姓名,界别,总分,等次,明细,提醒"
    assert "委员甲" in body


def test_unit_users_and_members_cannot_open_the_figures(client, unit_a_user):
    client.force_login(unit_a_user)
    response = client.get(reverse("admin:activities_yearly_figures"))
    assert response.status_code == 302  # the admin sends non-staff users to its sign-in


def test_a_report_is_adopted_into_a_bulletin_from_the_admin(client, committee_staff):
    from django.utils import timezone

    from activities.models import Bulletin

    year = timezone.localdate().year
    bulletin = Bulletin.objects.create(year=year, number=3, issued_on=datetime.date(year, 1, 5))
    report = OpinionReport.objects.create(title="信息", received_on=datetime.date(year, 1, 2))
    client.force_login(committee_staff)
    url = reverse("admin:activities_opinionreport_step", args=[report.pk, "adopt"])
    response = client.post(url, opened(report, bulletin=bulletin.pk))
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.bulletin, report.decided_by) == (
        "adopted",
        bulletin,
        committee_staff,
    )


def test_committee_staff_find_proposals_to_link_to_an_activity(client, committee_staff, walk):
    walk.to("accepted")
    client.force_login(committee_staff)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "activities",
            "model_name": "activity",
            "field_name": "produced_proposals",
            "term": "关于",
        },
    )
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


def test_a_planned_activity_is_marked_done_through_its_step(client, committee_staff):
    kind = ActivityKind.objects.create(name="视察")
    activity = Activity.objects.create(
        kind=kind, title="计划视察", starts_on=datetime.date(2020, 9, 1), status="planned"
    )
    client.force_login(committee_staff)
    client.post(
        reverse("admin:activities_activity_step", args=[activity.pk, "mark-done"]),
        {**opened(activity), "report_title": "视察报告", "report_text": "……"},
    )
    activity.refresh_from_db()
    assert (activity.status, activity.report_title) == ("done", "视察报告")


@pytest.mark.parametrize(
    "url_name",
    ["admin:activities_activity_changelist", "admin:activities_opinionreport_changelist"],
)
def test_the_activity_and_report_lists_cost_the_same_for_few_or_many_rows(
    client, committee_staff, url_name
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import CommitteeFactory

    kind = ActivityKind.objects.create(name="视察")
    committee = CommitteeFactory()
    client.force_login(committee_staff)
    counts = []
    for rows in (2, 12):
        while Activity.objects.count() < rows:
            n = Activity.objects.count()
            activity = Activity.objects.create(
                kind=kind, title=f"活动{n}", starts_on=datetime.date(2020, 5, 1 + n)
            )
            activity.committees.add(committee)
            OpinionReport.objects.create(title=f"信息{n}", received_on=datetime.date(2020, 3, 1))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(url_name)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
