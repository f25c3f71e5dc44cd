"""Forms opened before someone else saved the record: the admin's change and step forms and
the staff pages' forms refuse to save, and say who changed what."""

import datetime

from django.urls import reverse

from activities.models import OpinionReport
from hcppcc.core.records import record_save
from hcppcc.core.stale import FIELD
from hcppcc.directory.choices import Role
from hcppcc.directory.services import user_set_roles
from proposals import services
from proposals.choices import ProposalStatus as S
from tests.factories import MemberFactory, UserFactory
from tests.forms import opened
from tests.proposals.conftest import refreshed


def member_form(member, **changes) -> dict:
    return {
        "name": member.name,
        "position": member.position,
        "phone": member.phone,
        "is_active": "on",
        **changes,
    }


def test_an_admin_change_form_opened_before_another_save_is_refused(client, office):
    member = MemberFactory(name="张三", phone="13800000001")
    stale = opened(member, **member_form(member, phone="13800000002"))
    colleague = user_set_roles(user=UserFactory(username="colleague"), roles=[Role.PROPOSAL_OFFICE])
    record_save(record=member, by=colleague, changes={"phone": "13900000009"})

    client.force_login(office)
    url = reverse("admin:directory_member_change", args=[member.pk])
    response = client.post(url, stale)

    assert response.status_code == 200  # the form again, not a redirect
    page = response.content.decode()
    assert "colleague" in page  # who saved
    assert "之后" in page  # after the form was opened
    assert "13800000001 → 13900000009" in page  # and what they changed
    member.refresh_from_db()
    assert member.phone == "13900000009"
    # Saving the same form again is refused again: the page must be opened afresh.
    assert client.post(url, stale).status_code == 200
    member.refresh_from_db()
    assert member.phone == "13900000009"


def test_an_admin_change_form_saves_when_nobody_came_between(client, office):
    member = MemberFactory(name="张三", phone="13800000001")
    client.force_login(office)
    page = client.get(reverse("admin:directory_member_change", args=[member.pk]))
    assert f'name="{FIELD}"' in page.content.decode()
    response = client.post(
        reverse("admin:directory_member_change", args=[member.pk]),
        opened(member, **member_form(member, phone="13800000002")),
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.phone == "13800000002"


def test_a_change_form_without_its_version_is_refused(client, office):
    member = MemberFactory(phone="13800000001")
    client.force_login(office)
    url = reverse("admin:directory_member_change", args=[member.pk])
    for version in (None, "yesterday"):
        data = member_form(member, phone="13800000002")
        if version:
            data[FIELD] = version
        response = client.post(url, data)
        assert response.status_code == 200
        assert "重新打开" in response.content.decode()
    member.refresh_from_db()
    assert member.phone == "13800000001"


def test_a_step_form_on_a_changed_record_shows_the_change_then_may_go_ahead(
    client, committee_staff
):
    """The admin's and the pages' step forms alike: a report edited after the adopt form
    was opened is not adopted; the form says who changed what, and carries the version now
    current, so adopting again (having seen it) goes ahead."""
    colleague = user_set_roles(user=UserFactory(username="colleague"), roles=[Role.COMMITTEE_STAFF])
    for url_of in (
        lambda r: reverse("admin:activities_opinionreport_step", args=[r.pk, "adopt"]),
        lambda r: reverse("pages:step", args=["opinionreport", r.pk, "adopt"]),
    ):
        report = OpinionReport.objects.create(title="信息", received_on=datetime.date(2020, 3, 1))
        stale = opened(report, bulletin="")
        record_save(record=report, by=colleague, changes={"title": "改过的信息"})

        client.force_login(committee_staff)
        response = client.post(url_of(report), stale)
        assert response.status_code in (200, 400)
        page = response.content.decode()
        assert "colleague" in page
        assert "信息 → 改过的信息" in page
        report.refresh_from_db()
        assert report.status == "received"

        again = client.post(url_of(report), opened(report, bulletin=""))
        assert again.status_code == 302
        report.refresh_from_db()
        assert report.status == "adopted"


def draft_form(proposal, **changes) -> dict:
    return {
        "session": proposal.session_id,
        "title": proposal.title,
        "proposer_kind": proposal.proposer_kind,
        "lead_member": proposal.lead_member_id,
        "situation": proposal.situation,
        "suggestions": proposal.suggestions,
        "explanation": proposal.explanation,
        **changes,
    }


def test_the_office_edits_a_draft_on_the_pages(client, office, walk):
    draft = walk.draft()
    client.force_login(office)
    detail = client.get(reverse("pages:proposal", args=[draft.pk])).content.decode()
    url = reverse("pages:proposal-edit", args=[draft.pk])
    assert url in detail
    assert client.get(url).status_code == 200
    response = client.post(url, opened(draft, **draft_form(draft, title="关于改过标题的提案")))
    assert response.status_code == 302
    draft = refreshed(draft)
    assert draft.title == "关于改过标题的提案"
    assert draft.transitions.last().action == "edit"


def test_a_draft_edited_meanwhile_is_not_overwritten_and_the_change_is_shown(
    client, office, walk, member_user
):
    draft = walk.draft()
    stale = opened(draft, **draft_form(draft, explanation="办公室补充的说明"))
    services.proposal_update(proposal=draft, by=member_user, changes={"title": "委员改的标题"})

    client.force_login(office)
    response = client.post(reverse("pages:proposal-edit", args=[draft.pk]), stale)
    assert response.status_code == 400
    page = response.content.decode()
    assert member_user.username in page
    assert "委员改的标题" in page
    draft = refreshed(draft)
    assert draft.title == "委员改的标题"
    assert draft.explanation != "办公室补充的说明"


def test_only_a_draft_is_edited_and_only_by_who_may_submit_it(
    client, office, walk, unit_a_user, member_user
):
    submitted = walk.to(S.SUBMITTED)
    client.force_login(office)
    response = client.get(reverse("pages:proposal-edit", args=[submitted.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("pages:proposal", args=[submitted.pk])

    draft = walk.draft()
    client.force_login(unit_a_user)
    assert client.get(reverse("pages:proposal-edit", args=[draft.pk])).status_code == 404
    client.force_login(member_user)  # the draft's own proposer
    assert client.get(reverse("pages:proposal-edit", args=[draft.pk])).status_code == 200
