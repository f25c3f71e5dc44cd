"""The office can do everything from the admin: each step is a button and a small form."""

import pytest
from django.urls import reverse

from proposals.choices import AssignmentStatus, ProposalStatus
from proposals.models import Proposal, Transition
from tests.forms import opened
from tests.proposals.conftest import refreshed

pytestmark = pytest.mark.django_db
S = ProposalStatus


def step_url(model: str, record, step: str) -> str:
    return reverse(f"admin:proposals_{model}_step", args=[record.pk, step])


def test_the_office_walks_a_proposal_through_the_admin(client, walk, office, proposer):
    client.force_login(office)
    response = client.post(
        reverse("admin:proposals_proposal_add"),
        {
            "session": walk.session.pk,
            "title": "关于出台呼和浩特市小区垃圾分类管理条例的提案",
            "situation": "生活垃圾分类缺少地方性法规依据。",
            "suggestions": "建议尽快出台小区垃圾分类管理条例。",
            "explanation": "在新城区、赛罕区十个小区调研后提出。",
            "proposer_kind": "individual",
            "lead_member": proposer.pk,
            "period": "plenary",
            "source": "research_report",
            "consent_to_publish": "on",
            "cosigners-TOTAL_FORMS": "0",
            "cosigners-INITIAL_FORMS": "0",
            "assignments-TOTAL_FORMS": "0",
            "assignments-INITIAL_FORMS": "0",
            "feedback-TOTAL_FORMS": "0",
            "feedback-INITIAL_FORMS": "0",
            "transitions-TOTAL_FORMS": "0",
            "transitions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    proposal = Proposal.objects.get(title__startswith="关于出台")
    assert (proposal.status, proposal.created_by) == (S.DRAFT, office)

    page = client.get(reverse("admin:proposals_proposal_change", args=[proposal.pk]))
    assert step_url("proposal", proposal, "submit") in page.content.decode()
    assert step_url("proposal", proposal, "accept") not in page.content.decode()

    client.post(step_url("proposal", proposal, "submit"), opened(proposal))
    client.post(
        step_url("proposal", proposal, "accept"),
        {**opened(proposal), "category": walk.ref["category"].pk, "note": ""},
    )
    response = client.post(
        step_url("proposal", proposal, "assign"),
        {
            **opened(proposal),
            "assigned_on": "2020-06-30",
            "note": "",
            "units-TOTAL_FORMS": "4",
            "units-INITIAL_FORMS": "0",
            "units-0-unit": walk.unit_a.pk,
            "units-0-role": "lead",
            "units-1-unit": walk.unit_b.pk,
            "units-1-role": "joint",
            "units-1-due_on": "2020-07-31",
        },
    )
    assert response.status_code == 302
    proposal = refreshed(proposal)
    assert (proposal.status, proposal.number_display) == (S.ASSIGNED, "第0001号")
    lead = walk.lead(proposal)
    assert str(lead.due_on) == "2020-09-30"
    assert str(walk.joint(proposal).due_on) == "2020-07-31"

    client.post(step_url("assignment", lead, "acknowledge"), opened(lead))
    client.post(
        step_url("assignment", lead, "submit-reply"),
        {
            **opened(lead),
            "result_class": walk.ref["B"].pk,
            "text": "已列入2021年立法计划。",
            "signer": "王五",
            "reply_date": "2020-09-20",
        },
    )
    reply = lead.replies.get()
    client.post(step_url("reply", reply, "approve"), {**opened(reply), "note": ""})
    assert refreshed(proposal).status == S.REPLIED
    client.post(
        step_url("proposal", proposal, "feedback"),
        {
            **opened(proposal),
            "attitude": "satisfied",
            "result": "basically_satisfied",
            "comment": "",
        },
    )
    assert refreshed(proposal).status == S.CLOSED
    assert list(proposal.transitions.values_list("action", flat=True)) == [
        "create",
        "submit",
        "accept",
        "assign",
        "acknowledge",
        "start_handling",
        "submit_reply",
        "approve_reply",
        "mark_replied",
        "feedback",
    ]
    timeline = client.get(reverse("admin:proposals_proposal_change", args=[proposal.pk]))
    assert "已办结" in timeline.content.decode()


def test_a_step_form_shows_its_errors_and_changes_nothing(client, walk, office):
    proposal = walk.to(S.SUBMITTED)
    client.force_login(office)
    response = client.post(
        step_url("proposal", proposal, "reject"), {**opened(proposal), "note": "x"}
    )
    assert response.status_code == 200
    assert "请填写此项" in response.content.decode()
    assert refreshed(proposal).status == S.SUBMITTED


def test_merging_by_an_unknown_case_number_is_a_form_error(client, walk, office):
    proposal = walk.to(S.SUBMITTED)
    client.force_login(office)
    response = client.post(
        step_url("proposal", proposal, "merge"),
        {**opened(proposal), "host_case_number": 99, "note": ""},
    )
    assert response.status_code == 200
    assert "99" in response.content.decode()
    assert refreshed(proposal).status == S.SUBMITTED


def test_a_step_that_cannot_be_taken_now_is_refused_with_a_message(client, walk, office):
    proposal = walk.to(S.CLOSED)
    client.force_login(office)
    before = Transition.objects.count()
    response = client.post(
        step_url("proposal", proposal, "withdraw"), {**opened(proposal), "note": ""}, follow=True
    )
    assert "不能" in response.content.decode()
    assert refreshed(proposal).status == S.CLOSED
    assert Transition.objects.count() == before


def test_a_leader_reads_proposals_in_the_admin_but_takes_no_steps(client, walk, leader):
    proposal = walk.to(S.SUBMITTED)
    client.force_login(leader)
    page = client.get(reverse("admin:proposals_proposal_change", args=[proposal.pk]))
    assert page.status_code == 200
    assert "/step/" not in page.content.decode()
    client.post(
        step_url("proposal", proposal, "accept"),
        {**opened(proposal), "category": walk.ref["category"].pk},
    )
    assert refreshed(proposal).status == S.SUBMITTED


def test_the_return_of_an_assignment_is_decided_in_the_admin(client, walk, office, unit_a_user):
    from proposals import services

    lead = walk.lead(walk.to(S.ASSIGNED))
    request = services.assignment_request_return(assignment=lead, by=unit_a_user, reason="不符")
    client.force_login(office)
    client.post(
        reverse("admin:proposals_returnrequest_step", args=[request.pk, "decide"]),
        {**opened(request), "approve": "True", "note": "同意"},
    )
    assert refreshed(lead).status == AssignmentStatus.RETURNED


@pytest.mark.parametrize("count", [2, 10])
def test_the_proposal_changelist_reads_a_fixed_number_of_queries(
    client, walk, office, count, django_assert_num_queries
):
    for _ in range(count):
        walk.to(S.HANDLING)
    client.force_login(office)
    with django_assert_num_queries(12):
        response = client.get(reverse("admin:proposals_proposal_changelist"))
    assert response.status_code == 200
    assert response.content.decode().count("关于第") >= count


def test_only_a_draft_is_edited_in_the_admin(client, walk, office):
    proposal = walk.to(S.SUBMITTED)
    client.force_login(office)
    page = client.get(reverse("admin:proposals_proposal_change", args=[proposal.pk]))
    assert 'name="title"' not in page.content.decode()  # shown, not editable


def edit_form(proposal, **changes) -> dict:
    data = {
        "session": proposal.session_id,
        "title": proposal.title,
        "situation": proposal.situation,
        "suggestions": proposal.suggestions,
        "explanation": proposal.explanation,
        "proposer_kind": proposal.proposer_kind,
        "lead_member": proposal.lead_member_id,
        "period": proposal.period,
        "source": proposal.source,
        "consent_to_publish": "on",
    }
    for prefix in ("cosigners", "assignments", "feedback", "transitions"):
        data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = "0"
    return opened(proposal, **{**data, **changes})


def test_editing_a_draft_writes_only_what_changed_and_logs_it(client, walk, office):
    proposal = walk.draft()
    client.force_login(office)
    response = client.post(
        reverse("admin:proposals_proposal_change", args=[proposal.pk]),
        edit_form(proposal, title="关于改过标题的提案"),
    )
    assert response.status_code == 302
    proposal = refreshed(proposal)
    assert proposal.title == "关于改过标题的提案"
    assert proposal.transitions.last().action == "edit"


def test_a_stale_edit_form_cannot_undo_a_step_taken_meanwhile(client, walk, office):
    """The form was opened on the draft; meanwhile the proposal was submitted."""
    from proposals import services

    proposal = walk.draft()
    form = edit_form(proposal, title="晚到的修改")
    services.proposal_submit(proposal=proposal, by=office)
    client.force_login(office)
    client.post(reverse("admin:proposals_proposal_change", args=[proposal.pk]), form)
    proposal = refreshed(proposal)
    assert proposal.status == S.SUBMITTED
    assert proposal.title != "晚到的修改"
