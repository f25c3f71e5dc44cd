"""Creating and editing plain records through the API; the filters of every resource;
messages in the caller's language."""

import datetime

import pytest
from rest_framework.test import APIClient

from activities.models import Activity, ActivityKind, OpinionReport
from hcppcc.directory.models import HandlingUnit, Member
from proposals.choices import ProposalStatus
from tests.factories import CommitteeFactory, HandlingUnitFactory, MemberFactory, SectorFactory

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_office_enrols_a_member_and_committee_staff_edit_them(office, committee_staff):
    sector, committee = SectorFactory(name="经济界"), CommitteeFactory(name="经济委员会")
    created = api(office).post(
        "/api/v1/members/",
        {"name": "王五", "sector": sector.pk, "committees": [committee.pk], "position": "member"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    member = Member.objects.get(pk=created.json()["id"])
    assert (member.sector, list(member.committees.all())) == (sector, [committee])
    assert created["ETag"]

    staff = api(committee_staff)
    url = f"/api/v1/members/{member.pk}/"
    etag = staff.get(url)["ETag"]
    edited = staff.patch(url, {"phone": "13800000000"}, format="json", HTTP_IF_MATCH=etag)
    assert edited.status_code == 200
    # The first edit changed the record: an edit based on the old read is refused.
    stale = staff.patch(url, {"phone": "1"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    member.refresh_from_db()
    assert member.phone == "13800000000"
    assert staff.post("/api/v1/members/", {"name": "赵六"}, format="json").status_code == 403
    assert not Member.objects.filter(name="赵六").exists()


def test_bad_directory_input_is_a_400_that_writes_nothing(office):
    HandlingUnitFactory(name="市教育局")
    before = HandlingUnit.objects.count()
    client = api(office)
    duplicate = client.post("/api/v1/units/", {"name": "市教育局", "kind": "government"})
    assert duplicate.status_code == 400
    assert "name" in duplicate.json()
    bad_kind = client.post("/api/v1/units/", {"name": "新单位", "kind": "nope"})
    assert bad_kind.status_code == 400
    assert "kind" in bad_kind.json()
    assert HandlingUnit.objects.count() == before


def test_the_current_session_is_not_switched_by_an_edit(office):
    from tests.factories import SessionFactory

    session = SessionFactory(is_current=False)
    response = api(office).patch(
        f"/api/v1/sessions/{session.pk}/", {"is_current": True}, format="json"
    )
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.is_current is False


def test_committee_staff_record_an_activity_and_a_report(committee_staff, office):
    kind = ActivityKind.objects.create(name="视察")
    committee = CommitteeFactory()
    staff = api(committee_staff)
    created = staff.post(
        "/api/v1/activities/",
        {
            "kind": kind.pk,
            "title": "视察老旧小区改造",
            "starts_on": "2020-06-01",
            "ends_on": "2020-06-02",
            "committees": [committee.pk],
            "status": "planned",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    activity = Activity.objects.get(pk=created.json()["id"])
    assert activity.status == "planned"
    url = f"/api/v1/activities/{activity.pk}/"
    # Done is a step, not an edit (the state refuses it: 409); and the dates stay in order.
    assert staff.patch(url, {"status": "done"}, format="json").status_code == 409
    backwards = staff.patch(url, {"ends_on": "2020-05-01"}, format="json")
    assert backwards.status_code == 400
    done = staff.post(f"{url}mark-done/", {}, format="json")
    assert done.status_code == 200
    assert done.json()["status"] == "done"
    # The office reads activities but does not record them.
    assert api(office).post("/api/v1/activities/", {}, format="json").status_code == 403

    report = staff.post(
        "/api/v1/opinion-reports/",
        {"title": "关于停车难的建议", "received_on": "2020-03-01"},
        format="json",
    )
    assert report.status_code == 201
    assert OpinionReport.objects.get().status == "received"


def test_the_office_opens_a_look_back_campaign(walk, office, leader):
    walk.to(ProposalStatus.REPLIED)
    body = {
        "name": "2020年回头看",
        "year": 2020,
        "session": walk.session.pk,
        "result_classes": ["A"],
        "starts_on": "2020-09-01",
        "ends_on": "2020-10-31",
    }
    assert api(leader).post("/api/v1/lookback-campaigns/", body, format="json").status_code == 403
    created = api(office).post("/api/v1/lookback-campaigns/", body, format="json")
    assert created.status_code == 201, created.json()
    items = api(office).get("/api/v1/lookback-items/", {"campaign": created.json()["id"]})
    assert items.json()["count"] == 1
    unknown = api(office).post(
        "/api/v1/lookback-campaigns/", {**body, "result_classes": ["Z"]}, format="json"
    )
    assert unknown.status_code == 400
    assert "result_classes" in unknown.json()


def test_the_filters_of_the_other_resources(walk, office, committee_staff):
    sector = SectorFactory(name="教育界")
    MemberFactory(name="李老师", sector=sector)
    MemberFactory(name="王医生")
    HandlingUnitFactory(name="市卫生健康委员会", short_name="市卫健委")
    kind = ActivityKind.objects.create(name="调研")
    Activity.objects.create(kind=kind, title="教育调研", starts_on=datetime.date(2020, 5, 1))
    Activity.objects.create(kind=kind, title="医疗调研", starts_on=datetime.date(2021, 5, 1))
    OpinionReport.objects.create(title="关于校园安全", received_on=datetime.date(2020, 4, 1))
    replied = walk.to(ProposalStatus.REPLIED)
    walk.to(ProposalStatus.HANDLING)

    desk, staff = api(office), api(committee_staff)

    def count(client, url, **params):
        response = client.get(url, params)
        assert response.status_code == 200, response.json()
        return response.json()["count"]

    assert count(desk, "/api/v1/members/", q="李") == 1
    assert count(desk, "/api/v1/members/", sector=sector.pk) == 1
    assert count(desk, "/api/v1/units/", q="卫健委") == 1
    assert count(staff, "/api/v1/activities/", year=2020) == 1
    assert count(staff, "/api/v1/activities/", q="医疗") == 1
    assert count(staff, "/api/v1/activities/", starts_after="2021-01-01") == 1
    assert count(staff, "/api/v1/opinion-reports/", q="校园") == 1
    assert count(staff, "/api/v1/opinion-reports/", status="adopted") == 0
    assert count(desk, "/api/v1/replies/", result_class="A") == 1
    assert count(desk, "/api/v1/replies/", unit=walk.unit_a.pk) == 1
    assert count(desk, "/api/v1/replies/", unit=walk.unit_b.pk) == 0
    names = [row["name"] for row in desk.get("/api/v1/members/?ordering=-name").json()["results"]]
    assert names == sorted(names, reverse=True)
    assert desk.get("/api/v1/replies/", {"ordering": "text"}).status_code == 400
    assert replied.status == ProposalStatus.REPLIED


def test_messages_are_chinese_by_default_and_english_on_request(walk, office):
    closed = walk.to(ProposalStatus.CLOSED)
    url = f"/api/v1/proposals/{closed.pk}/accept/"
    client = api(office)
    chinese = client.post(url, {}, format="json")
    english = client.post(url, {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert chinese.status_code == english.status_code == 409
    assert any("\u4e00" <= char <= "\u9fff" for char in chinese.json()["detail"])
    assert english.json()["detail"].isascii()
    missing = client.get("/api/v1/stats/yearly/", HTTP_ACCEPT_LANGUAGE="en")
    assert missing.json() == {"year": ["A year is required, e.g. ?year=2020."]}
    field = client.post("/api/v1/units/", {}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert field["name"] == ["This field is required."]
    assert client.post("/api/v1/units/", {}).json()["name"] == ["请填写此项。"]


def test_an_edit_based_on_an_older_read_is_refused_under_the_lock(office):
    """Two edits of one read: the second is refused even if both passed the If-Match check
    before either took the row lock."""
    from hcppcc.core.records import StaleRecord, record_save

    unit = HandlingUnitFactory(name="市水务局")
    read = unit.updated_at
    record_save(record=unit, by=office, changes={"contact_person": "甲"}, unchanged_since=read)
    with pytest.raises(StaleRecord):
        record_save(record=unit, by=office, changes={"contact_person": "乙"}, unchanged_since=read)
    unit.refresh_from_db()
    assert unit.contact_person == "甲"


def test_if_match_star_matches_and_a_non_writer_gets_403_before_412(office, leader):
    unit = HandlingUnitFactory()
    url = f"/api/v1/units/{unit.pk}/"
    star = api(office).patch(url, {"contact_person": "丙"}, format="json", HTTP_IF_MATCH="*")
    assert star.status_code == 200
    refused = api(leader).patch(url, {"contact_person": "丁"}, format="json", HTTP_IF_MATCH='"x"')
    assert refused.status_code == 403


def test_a_decided_report_is_no_longer_edited(committee_staff):
    report = OpinionReport.objects.create(
        title="关于路灯的建议", received_on=datetime.date(2020, 3, 1)
    )
    staff = api(committee_staff)
    url = f"/api/v1/opinion-reports/{report.pk}/"
    assert staff.post(f"{url}decline/", {}, format="json").status_code == 200
    moved = staff.patch(url, {"received_on": "2030-01-01"}, format="json")
    assert moved.status_code == 409
    report.refresh_from_db()
    assert report.received_on == datetime.date(2020, 3, 1)


def test_bad_input_in_an_export_is_a_400_before_the_download_starts(committee_staff):
    response = api(committee_staff).get(
        "/api/v1/activities/", {"committee": 10**20, "format": "csv"}
    )
    assert response.status_code == 400


def test_years_out_of_range_are_bad_input(committee_staff):
    response = api(committee_staff).post(
        "/api/v1/bulletins/",
        {"year": 99999, "number": 1, "issued_on": "2020-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "year" in response.json()


def test_a_leader_records_supervision_only_of_what_they_lead(walk, leader, office):
    from proposals import services
    from tests.factories import MemberFactory

    handling = walk.to(ProposalStatus.HANDLING)
    day = datetime.date(2020, 6, 1)
    nomination = services.key_nominate(
        proposal=handling, by=office, nominated_by="office", nominated_on=day
    )
    services.key_decide(nomination=nomination, by=office, approve=True, decided_on=day)
    other_leader = MemberFactory(position="vice_chair")
    supervision = services.supervision_plan(proposal=handling, by=office, leaders=[other_leader])
    body = {"date": "2020-07-01", "method": "inspection", "place": "现场"}
    response = api(leader).post(
        f"/api/v1/supervisions/{supervision.pk}/record-event/", body, format="json"
    )
    assert response.status_code == 403
    assert not supervision.events.exists()
