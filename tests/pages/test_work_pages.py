"""The committee's work on the staff pages: activities with their participants, outputs
and linked proposals; public-opinion reports, instructions and bulletin issues — who opens
each page, what a save through the page writes (and who the audit history names), and
what the services refuse."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from activities import services
from activities.models import Activity, ActivityKind, Bulletin, OpinionReport, Participation
from hcppcc.core.workflow.errors import IllegalTransition
from proposals.choices import ProposalStatus
from tests.factories import CommitteeFactory, MemberFactory, SectorFactory
from tests.forms import opened, pages_answering_wrongly
from tests.pages.test_pages import AUDITOR, EVERYONE, LEADER, OFFICE, STAFF, WORK

pytestmark = pytest.mark.django_db
DAY = datetime.date(2020, 6, 1)
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def kind(db):
    return ActivityKind.objects.create(name="调研")


@pytest.fixture
def committee(db):
    """A committee of three active members and one who has left."""
    committee = CommitteeFactory(name="经济委员会")
    for name in ("王一", "王二", "王三"):
        MemberFactory(name=name).committees.add(committee)
    MemberFactory(name="王退", is_active=False).committees.add(committee)
    return committee


def _members(*names):
    from hcppcc.directory.models import Member

    return [Member.objects.get(name=name) for name in names]


def _activity(by, kind, **changes):
    return services.activity_save(
        activity=Activity(),
        by=by,
        changes={"kind": kind, "title": "调研", "starts_on": DAY, **changes},
    )


def _report(by, title="关于老旧小区加装电梯的建议"):
    return services.report_save(
        report=OpinionReport(),
        by=by,
        changes={"title": title, "content": "原文", "received_on": DAY},
    )


def _rows(members, ticked=None, **attendance) -> dict:
    """The participants table as the browser posts it."""
    ticked = members if ticked is None else ticked
    data = {
        "listed": [m.pk for m in members],
        "participant": [m.pk for m in ticked],
    }
    for member in members:
        data[f"attendance-{member.pk}"] = attendance.get(member.name, "present")
    return data


# --- who opens which record page -----------------------------------------------------------

RECORD_PAGES = {
    "activity": WORK,
    "activity-attachment": WORK,
    "activity-edit": {STAFF},
    "report": WORK,
    "report-edit": {STAFF},
    "instruction-new": {STAFF},
    "bulletin-edit": {STAFF},
}


@pytest.mark.parametrize("name", sorted(EVERYONE))
def test_each_record_page_opens_for_its_roles_only(name, request, client, committee_staff, kind):
    activity = _activity(committee_staff, kind)
    activity.attachment.save("报告.pdf", SimpleUploadedFile("报告.pdf", PDF))
    report = _report(committee_staff)
    bulletin = services.bulletin_save(
        bulletin=Bulletin(),
        by=committee_staff,
        changes={"year": 2020, "number": 1, "issued_on": DAY},
    )
    records = {
        "activity": activity,
        "activity-attachment": activity,
        "activity-edit": activity,
        "report": report,
        "report-edit": report,
        "instruction-new": report,
        "bulletin-edit": bulletin,
    }
    client.force_login(request.getfixturevalue(name))
    assert not pages_answering_wrongly(client, RECORD_PAGES, records, name)


# --- activities ----------------------------------------------------------------------------


def test_the_activity_list_offers_new_to_those_who_record_and_links_each_row(
    client, committee_staff, office, kind
):
    activity = _activity(committee_staff, kind)
    client.force_login(committee_staff)
    page = client.get(reverse("pages:activities")).content.decode()
    assert f'href="{reverse("pages:activity-new")}"' in page
    assert "新增" in page
    assert reverse("pages:activity", args=[activity.pk]) in page
    client.force_login(office)  # reads the committee's work, does not record it
    assert (
        reverse("pages:activity-new")
        not in client.get(reverse("pages:activities")).content.decode()
    )


def test_staff_record_an_activity_with_participants_picked_by_committee_then_one_unticked(
    client, committee_staff, committee, kind, walk
):
    produced = walk.to(ProposalStatus.SUBMITTED)
    client.force_login(committee_staff)
    url = reverse("pages:activity-new")
    typed = {
        "kind": kind.pk,
        "title": "关于民营经济发展的专题调研",
        "starts_on": "2020-06-01",
        "ends_on": "2020-06-03",
        "places": "新城区",
        "status": "done",
        "committees": [committee.pk],
        "report_title": "调研报告",
        "report_text": "建议如下。",
        "produced_proposals": [produced.pk],
    }
    # The committee fills the list: its active members, ticked; nothing is saved yet.
    filled = client.post(url, {**typed, "action": "fill-committee", "fill_committee": committee.pk})
    assert filled.status_code == 200
    rows = filled.context["participants"].rows
    assert {row.member.name: row.checked for row in rows} == {
        "王一": True,
        "王二": True,
        "王三": True,
    }
    assert 'id="form-errors"' not in filled.content.decode()
    assert not Activity.objects.exists()
    # The clerk unticks 王二 and marks 王三 on leave, then saves.
    wang1, wang2, wang3 = _members("王一", "王二", "王三")
    saved = client.post(
        url,
        {**typed, "action": "save", **_rows([wang1, wang2, wang3], [wang1, wang3], 王三="leave")},
    )
    assert saved.status_code == 302, saved.content.decode()[:3000]
    activity = Activity.objects.get()
    assert saved["Location"] == reverse("pages:activity", args=[activity.pk])
    assert (activity.title, activity.status, activity.places) == (
        "关于民营经济发展的专题调研",
        "done",
        "新城区",
    )
    assert list(activity.committees.all()) == [committee]
    assert list(activity.produced_proposals.all()) == [produced]
    attendance = dict(activity.participations.values_list("member__name", "attendance"))
    assert attendance == {"王一": "present", "王三": "leave"}
    assert activity.history.earliest("history_date").history_user == committee_staff
    assert {h.history_user for h in Participation.history.all()} == {committee_staff}
    page = client.get(saved["Location"]).content.decode()
    assert "王三" in page
    assert "王二" not in page
    assert produced.title in page


def test_a_sector_fills_the_list_and_ticks_again_a_member_unticked_before(
    client, committee_staff, kind
):
    sector = SectorFactory(name="经济界")
    first, second = (
        MemberFactory(name="李一", sector=sector),
        MemberFactory(name="李二", sector=sector),
    )
    other = MemberFactory(name="赵一")
    client.force_login(committee_staff)
    response = client.post(
        reverse("pages:activity-new"),
        {"action": "fill-sector", "fill_sector": sector.pk, **_rows([other, first], [other])},
    )
    rows = {row.member.name: row.checked for row in response.context["participants"].rows}
    assert rows == {"赵一": True, "李一": True, "李二": True}
    assert second.pk in [row.member.pk for row in response.context["participants"].rows]


def test_one_member_is_added_by_typing_and_a_fill_without_a_choice_says_so(
    client, committee_staff, kind
):
    member = MemberFactory(name="孙一")
    client.force_login(committee_staff)
    url = reverse("pages:activity-new")
    added = client.post(url, {"action": "add", "add_member": member.pk})
    assert [row.member for row in added.context["participants"].rows] == [member]
    empty = client.post(url, {"action": "fill-committee"})
    assert empty.context["participants"].errors["fill_committee"]
    assert not Activity.objects.exists()


def test_an_edit_changes_fields_and_participants_but_never_the_status(
    client, committee_staff, kind
):
    activity = _activity(committee_staff, kind, status="planned")
    stay, leave, new = MemberFactory(name="甲"), MemberFactory(name="乙"), MemberFactory(name="丙")
    services.activity_set_participants(
        activity=activity, by=committee_staff, attendance={stay: "present", leave: "present"}
    )
    client.force_login(committee_staff)
    url = reverse("pages:activity-edit", args=[activity.pk])
    form = client.get(url).context["form"]
    assert "status" not in form.fields  # a planned activity is marked done by its step
    response = client.post(
        url,
        opened(
            activity,
            kind=kind.pk,
            title="调研（更正）",
            starts_on="2020-06-01",
            status="done",
            action="save",
            **_rows([stay, leave, new], [stay, new], 甲="absent"),
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    activity.refresh_from_db()
    assert (activity.title, activity.status) == ("调研（更正）", "planned")
    attendance = dict(activity.participations.values_list("member__name", "attendance"))
    assert attendance == {"甲": "absent", "丙": "present"}
    assert activity.history.latest("history_date").history_user == committee_staff
    taken_off = Participation.history.get(member=leave, history_type="-")
    assert taken_off.history_user == committee_staff


def test_the_service_refuses_a_status_change_by_edit(committee_staff, kind):
    activity = _activity(committee_staff, kind, status="planned")
    with pytest.raises(IllegalTransition):
        services.activity_save(activity=activity, by=committee_staff, changes={"status": "done"})
    activity.refresh_from_db()
    assert activity.status == "planned"


def test_participants_are_written_only_by_those_who_record_activities(
    auditor, committee_staff, kind
):
    from django.core.exceptions import PermissionDenied

    activity = _activity(committee_staff, kind)
    with pytest.raises(PermissionDenied):
        services.activity_set_participants(
            activity=activity, by=auditor, attendance={MemberFactory(): "present"}
        )
    assert not activity.participations.exists()


def test_a_refused_save_writes_neither_the_activity_nor_its_participants(
    client, committee_staff, kind
):
    activity = _activity(committee_staff, kind)
    member = MemberFactory(name="甲")
    client.force_login(committee_staff)
    response = client.post(
        reverse("pages:activity-edit", args=[activity.pk]),
        opened(
            activity,
            kind=kind.pk,
            title="调研",
            starts_on="2020-06-05",
            ends_on="2020-06-01",  # ends before it starts
            action="save",
            **_rows([member]),
        ),
    )
    assert response.status_code == 400
    assert not activity.participations.exists()
    activity.refresh_from_db()
    assert activity.starts_on == DAY


def test_an_activity_edit_opened_before_someone_elses_save_is_refused(
    client, committee_staff, kind
):
    activity = _activity(committee_staff, kind)
    client.force_login(committee_staff)
    url = reverse("pages:activity-edit", args=[activity.pk])
    seen = client.get(url).context["opened_version"]
    services.activity_save(activity=activity, by=committee_staff, changes={"places": "赛罕区"})
    response = client.post(
        url,
        {
            "opened_version": seen,
            "kind": kind.pk,
            "title": "改题",
            "starts_on": "2020-06-01",
            "action": "save",
        },
    )
    assert response.status_code == 400
    assert "赛罕区" in response.content.decode()
    activity.refresh_from_db()
    assert (activity.title, activity.places) == ("调研", "赛罕区")


def test_the_mark_done_step_returns_to_the_activity_page(client, committee_staff, kind):
    activity = _activity(committee_staff, kind, status="planned")
    client.force_login(committee_staff)
    page = client.get(reverse("pages:activity", args=[activity.pk])).content.decode()
    step = reverse("pages:step", args=["activity", activity.pk, "mark-done"])
    assert step in page
    response = client.post(step, opened(activity, report_title="报告"))
    assert response["Location"] == reverse("pages:activity", args=[activity.pk])
    activity.refresh_from_db()
    assert activity.status == "done"


def test_an_uploaded_report_file_is_served_to_those_who_read_the_activity(
    client, committee_staff, auditor, kind
):
    client.force_login(committee_staff)
    response = client.post(
        reverse("pages:activity-new"),
        {
            "kind": kind.pk,
            "title": "视察",
            "starts_on": "2020-06-01",
            "status": "done",
            "attachment": SimpleUploadedFile("视察报告.pdf", PDF, "application/pdf"),
            "action": "save",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    activity = Activity.objects.get()
    client.force_login(auditor)
    download = client.get(reverse("pages:activity-attachment", args=[activity.pk]))
    assert b"".join(download.streaming_content) == PDF


def test_a_file_that_is_not_a_document_is_refused_on_the_form(client, committee_staff, kind):
    client.force_login(committee_staff)
    response = client.post(
        reverse("pages:activity-new"),
        {
            "kind": kind.pk,
            "title": "视察",
            "starts_on": "2020-06-01",
            "status": "done",
            "attachment": SimpleUploadedFile("run.exe", b"MZ\x90\x00", "application/pdf"),
            "action": "save",
        },
    )
    assert response.status_code == 400
    assert not Activity.objects.exists()


def test_supervised_proposals_are_picked_among_key_proposals(client, committee_staff, kind, walk):
    ordinary = walk.to(ProposalStatus.HANDLING)
    client.force_login(committee_staff)
    response = client.post(
        reverse("pages:activity-new"),
        {
            "kind": kind.pk,
            "title": "督办视察",
            "starts_on": "2020-06-01",
            "status": "done",
            "supervised_proposals": [ordinary.pk],
            "action": "save",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["supervised_proposals"]


# --- public-opinion reports and bulletins --------------------------------------------------


def test_staff_record_and_correct_a_report_through_the_pages(client, committee_staff):
    author = MemberFactory(name="周一")
    client.force_login(committee_staff)
    created = client.post(
        reverse("pages:report-new"),
        {"title": "初稿", "content": "原文", "received_on": "2020-03-01", "members": [author.pk]},
    )
    assert created.status_code == 302, created.content.decode()[:3000]
    report = OpinionReport.objects.get()
    assert created["Location"] == reverse("pages:report", args=[report.pk])
    assert list(report.members.all()) == [author]
    assert report.history.get().history_user == committee_staff
    url = reverse("pages:report-edit", args=[report.pk])
    edited = client.post(
        url,
        opened(report, title="定稿", content="原文", received_on="2020-03-01", members=[author.pk]),
    )
    assert edited.status_code == 302
    report.refresh_from_db()
    assert report.title == "定稿"
    assert report.history.latest("history_date").history_user == committee_staff


def test_a_decided_report_is_not_offered_for_edit_and_its_edit_page_refuses(
    client, committee_staff
):
    report = services.report_adopt(report=_report(committee_staff), by=committee_staff)
    client.force_login(committee_staff)
    edit = reverse("pages:report-edit", args=[report.pk])
    detail = client.get(reverse("pages:report", args=[report.pk])).content.decode()
    assert edit not in detail
    response = client.post(edit, opened(report, title="改过", received_on="2020-03-01"))
    assert response.status_code == 302
    assert response["Location"] == reverse("pages:report", args=[report.pk])
    report.refresh_from_db()
    assert report.title == "关于老旧小区加装电梯的建议"
    with pytest.raises(IllegalTransition):  # and the service says no to anyone else
        services.report_save(report=report, by=committee_staff, changes={"title": "改过"})


def test_a_report_is_adopted_into_an_issue_from_its_page(client, committee_staff):
    report = _report(committee_staff)
    bulletin = services.bulletin_save(
        bulletin=Bulletin(),
        by=committee_staff,
        changes={"year": datetime.date.today().year, "number": 3, "issued_on": DAY},
    )
    client.force_login(committee_staff)
    page = client.get(reverse("pages:report", args=[report.pk])).content.decode()
    adopt = reverse("pages:step", args=["opinionreport", report.pk, "adopt"])
    assert adopt in page
    response = client.post(adopt, opened(report, bulletin=bulletin.pk))
    assert response["Location"] == reverse("pages:report", args=[report.pk])
    report.refresh_from_db()
    assert (report.status, report.bulletin) == ("adopted", bulletin)


def test_a_leaders_instruction_is_recorded_on_the_report(client, committee_staff):
    report = _report(committee_staff)
    client.force_login(committee_staff)
    response = client.post(
        reverse("pages:instruction-new", args=[report.pk]),
        {"leader": "市长", "level": "city", "date": "2020-04-01", "text": "请有关部门研究。"},
    )
    assert response.status_code == 302
    instruction = report.instructions.get()
    assert (instruction.leader, instruction.text) == ("市长", "请有关部门研究。")


def test_staff_enter_and_correct_bulletin_issues_and_a_number_is_used_once(client, committee_staff):
    client.force_login(committee_staff)
    url = reverse("pages:bulletin-new")
    data = {"series": "呼和浩特市社情民意", "year": 2020, "number": 12, "issued_on": "2020-05-01"}
    assert client.post(url, data).status_code == 302
    bulletin = Bulletin.objects.get()
    again = client.post(url, data)
    assert again.status_code == 400
    assert Bulletin.objects.count() == 1
    edit = reverse("pages:bulletin-edit", args=[bulletin.pk])
    assert client.post(edit, opened(bulletin, **{**data, "number": 13})).status_code == 302
    bulletin.refresh_from_db()
    assert bulletin.number == 13
    listed = client.get(reverse("pages:bulletins")).content.decode()
    assert "2020年第13期" in listed
    assert edit in listed


@pytest.mark.parametrize("reader", [OFFICE, LEADER, AUDITOR])
def test_readers_of_the_committees_work_are_not_offered_its_edits(reader, request, client, kind):
    staff = request.getfixturevalue("committee_staff")
    activity = _activity(staff, kind, status="planned")
    report = _report(staff)
    client.force_login(request.getfixturevalue(reader))
    activity_page = client.get(reverse("pages:activity", args=[activity.pk])).content.decode()
    assert reverse("pages:activity-edit", args=[activity.pk]) not in activity_page
    assert "mark-done" not in activity_page
    report_page = client.get(reverse("pages:report", args=[report.pk])).content.decode()
    assert reverse("pages:report-edit", args=[report.pk]) not in report_page
    assert "adopt" not in report_page
