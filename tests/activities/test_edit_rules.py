"""What may still change, owned by the services: a report is corrected only until it is
decided on, an activity becomes done only through its step — the same answer from the
admin, the API and the services themselves."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from activities import services
from activities.models import Activity, ActivityKind, Bulletin, OpinionReport
from hcppcc.core.workflow.errors import IllegalTransition
from tests.forms import opened

pytestmark = pytest.mark.django_db
DAY = datetime.date(2020, 3, 1)


@pytest.fixture
def adopted(committee_staff):
    report = services.report_save(
        report=OpinionReport(),
        by=committee_staff,
        changes={"title": "关于老旧小区加装电梯的建议", "content": "原文", "received_on": DAY},
    )
    return services.report_adopt(report=report, by=committee_staff)


def test_a_received_report_is_corrected_through_its_service(committee_staff):
    report = services.report_save(
        report=OpinionReport(),
        by=committee_staff,
        changes={"title": "初稿", "content": "原文", "received_on": DAY},
    )
    services.report_save(report=report, by=committee_staff, changes={"title": "定稿"})
    report.refresh_from_db()
    assert report.title == "定稿"
    assert report.history.first().history_user == committee_staff


def test_the_service_refuses_to_edit_a_decided_report(adopted, committee_staff):
    with pytest.raises(IllegalTransition):
        services.report_save(report=adopted, by=committee_staff, changes={"title": "改过"})
    adopted.refresh_from_db()
    assert adopted.title == "关于老旧小区加装电梯的建议"


def test_a_report_is_not_adopted_by_an_edit(committee_staff):
    report = services.report_save(
        report=OpinionReport(),
        by=committee_staff,
        changes={"title": "信息", "content": "原文", "received_on": DAY},
    )
    with pytest.raises(IllegalTransition):
        services.report_save(report=report, by=committee_staff, changes={"status": "adopted"})


def test_the_admin_shows_a_decided_report_read_only_and_saves_nothing(
    client, adopted, committee_staff
):
    client.force_login(committee_staff)
    url = reverse("admin:activities_opinionreport_change", args=[adopted.pk])
    page = client.get(url).content.decode()
    assert 'name="title"' not in page
    assert 'name="content"' not in page
    client.post(url, opened(adopted, title="改过", content="改过", received_on="2020-03-01"))
    adopted.refresh_from_db()
    assert (adopted.title, adopted.content) == ("关于老旧小区加装电梯的建议", "原文")


def test_the_admin_edits_a_received_report_through_its_service(client, committee_staff):
    report = OpinionReport.objects.create(title="初稿", content="原文", received_on=DAY)
    client.force_login(committee_staff)
    url = reverse("admin:activities_opinionreport_change", args=[report.pk])
    response = client.post(
        url,
        opened(
            report,
            title="定稿",
            content="原文",
            received_on="2020-03-01",
            **{
                "upward-TOTAL_FORMS": "0",
                "upward-INITIAL_FORMS": "0",
                "instructions-TOTAL_FORMS": "0",
                "instructions-INITIAL_FORMS": "0",
            },
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    report.refresh_from_db()
    assert report.title == "定稿"
    assert report.history.first().history_user == committee_staff


def test_the_api_refuses_to_edit_a_decided_report(adopted, committee_staff):
    api = APIClient()
    api.force_authenticate(committee_staff)
    answer = api.patch(f"/api/v1/opinion-reports/{adopted.pk}/", {"title": "改过"}, format="json")
    assert answer.status_code == 409
    adopted.refresh_from_db()
    assert adopted.title == "关于老旧小区加装电梯的建议"


def test_an_activity_becomes_done_only_through_its_step(committee_staff):
    kind = ActivityKind.objects.create(name="视察")
    activity = services.activity_save(
        activity=Activity(),
        by=committee_staff,
        changes={"kind": kind, "title": "视察", "starts_on": DAY, "status": "planned"},
    )
    with pytest.raises(IllegalTransition):
        services.activity_save(activity=activity, by=committee_staff, changes={"status": "done"})
    services.activity_save(activity=activity, by=committee_staff, changes={"places": "新城区"})
    activity.refresh_from_db()
    assert (activity.status, activity.places) == ("planned", "新城区")
    services.activity_mark_done(activity=activity, by=committee_staff)
    activity.refresh_from_db()
    assert activity.status == "done"


def test_the_admin_keeps_an_activity_status_read_only_once_saved(client, committee_staff):
    kind = ActivityKind.objects.create(name="视察")
    activity = Activity.objects.create(kind=kind, title="视察", starts_on=DAY, status="planned")
    client.force_login(committee_staff)
    page = client.get(reverse("admin:activities_activity_change", args=[activity.pk]))
    assert 'name="status"' not in page.content.decode()


def test_a_bulletin_issue_is_entered_through_its_service(committee_staff, auditor):
    bulletin = services.bulletin_save(
        bulletin=Bulletin(),
        by=committee_staff,
        changes={"year": 2020, "number": 1, "issued_on": DAY},
    )
    assert bulletin.pk
    with pytest.raises(PermissionDenied):
        services.bulletin_save(bulletin=bulletin, by=auditor, changes={"number": 2})
    bulletin.refresh_from_db()
    assert bulletin.number == 1


def test_the_admin_clears_an_activity_attachment(client, committee_staff):
    from django.core.files.base import ContentFile

    kind = ActivityKind.objects.create(name="调研")
    activity = Activity.objects.create(kind=kind, title="调研", starts_on=DAY)
    activity.attachment.save("报告.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    client.force_login(committee_staff)
    url = reverse("admin:activities_activity_change", args=[activity.pk])
    response = client.post(
        url,
        opened(
            activity,
            kind=kind.pk,
            title="调研",
            starts_on="2020-03-01",
            **{
                "attachment-clear": "on",
                "participations-TOTAL_FORMS": "0",
                "participations-INITIAL_FORMS": "0",
            },
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    activity.refresh_from_db()
    assert not activity.attachment
