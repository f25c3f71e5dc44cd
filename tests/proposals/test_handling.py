"""Handling: acknowledgement, returns and reassignment, extensions, replies, feedback."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from hcppcc.core.workflow.errors import IllegalTransition, NotAllowed
from proposals import scopes, services
from proposals.choices import (
    AssignmentRole,
    AssignmentStatus,
    ProposalStatus,
    ReplyStatus,
    Satisfaction,
)
from proposals.deadlines import add_months
from tests.proposals.conftest import refreshed

pytestmark = pytest.mark.django_db
S = ProposalStatus
AS = AssignmentStatus


def test_assignment_due_dates_default_from_the_rules(walk):
    proposal = walk.to(S.ASSIGNED)
    lead, joint = walk.lead(proposal), walk.joint(proposal)
    today = timezone.localdate()
    assert lead.assigned_on == today
    assert lead.due_on == add_months(today, 3)
    assert joint.due_on == add_months(today, 1)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2020, 1, 31), 1, datetime.date(2020, 2, 29)),
        (datetime.date(2020, 11, 30), 3, datetime.date(2021, 2, 28)),
        (datetime.date(2020, 5, 15), 12, datetime.date(2021, 5, 15)),
    ],
)
def test_calendar_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        ([AssignmentRole.LEAD, AssignmentRole.LEAD], "Only one unit"),
        ([AssignmentRole.JOINT], "need a lead"),
        ([AssignmentRole.LEAD, AssignmentRole.SEPARATE], "not both"),
    ],
)
def test_assignment_roles_must_make_sense(walk, unit_c, roles, message):
    proposal = walk.to(S.ACCEPTED)
    units = [walk.unit_a, walk.unit_b, unit_c]
    specs = [services.UnitAssignment(unit, role) for unit, role in zip(units, roles, strict=False)]
    with pytest.raises(ValidationError):
        services.proposal_assign(proposal=proposal, by=walk.office, units=specs)
    proposal = refreshed(proposal)
    assert proposal.status == S.ACCEPTED
    assert not proposal.assignments.exists()


def test_separate_units_each_reply_and_the_proposal_is_replied_when_all_have(walk):
    proposal = walk.to(S.ACCEPTED)
    services.proposal_assign(
        proposal=proposal,
        by=walk.office,
        units=[
            services.UnitAssignment(walk.unit_a, AssignmentRole.SEPARATE),
            services.UnitAssignment(walk.unit_b, AssignmentRole.SEPARATE),
        ],
    )
    first, second = proposal.assignments.order_by("pk")
    for assignment in (first, second):
        services.assignment_acknowledge(assignment=assignment, by=walk.office)
    walk.reply_and_approve(first, "A")
    assert refreshed(proposal).status == S.HANDLING
    walk.reply_and_approve(second, "B")
    assert refreshed(proposal).status == S.REPLIED


def test_the_first_acknowledgement_starts_handling(walk, unit_a_user):
    proposal = walk.to(S.ASSIGNED)
    services.assignment_acknowledge(assignment=walk.lead(proposal), by=unit_a_user)
    proposal = refreshed(proposal)
    assert proposal.status == S.HANDLING
    assert list(proposal.transitions.values_list("action", flat=True))[-2:] == [
        "acknowledge",
        "start_handling",
    ]


def test_a_unit_cannot_act_on_another_units_assignment(walk, unit_b_user):
    proposal = walk.to(S.ASSIGNED)
    lead = walk.lead(proposal)  # unit A's
    with pytest.raises(NotAllowed):
        services.assignment_acknowledge(assignment=lead, by=unit_b_user)
    with pytest.raises(NotAllowed):
        services.assignment_submit_reply(
            assignment=lead,
            by=unit_b_user,
            result_class=walk.ref["A"],
            text="x",
            signer="x",
            reply_date=timezone.localdate(),
        )
    assert refreshed(lead).status == AS.ASSIGNED


def test_a_returned_proposal_is_reassigned_to_another_unit(walk, unit_a_user, unit_c):
    proposal = walk.to(S.ASSIGNED)
    lead = walk.lead(proposal)
    request = services.assignment_request_return(
        assignment=lead, by=unit_a_user, reason="该事项属市住建局职责", suggested_unit=unit_c
    )
    services.return_request_decide(request=request, by=walk.office, approve=True, note="同意退办")
    assert refreshed(lead).status == AS.RETURNED

    new_lead = services.proposal_add_unit(
        proposal=proposal, by=walk.office, unit=unit_c, role=AssignmentRole.LEAD
    )
    assert new_lead.status == AS.ASSIGNED
    assert new_lead.due_on == add_months(timezone.localdate(), 3)
    services.assignment_acknowledge(assignment=new_lead, by=walk.office)
    walk.reply_and_approve(new_lead)
    proposal = refreshed(proposal)
    assert proposal.status == S.REPLIED
    # The returned assignment stays on record, and unit A may be given the proposal again.
    assert proposal.assignments.count() == 3


def test_a_second_lead_cannot_be_added_while_one_holds_the_proposal(walk, unit_c):
    proposal = walk.to(S.ASSIGNED)
    with pytest.raises(ValidationError):
        services.proposal_add_unit(
            proposal=proposal, by=walk.office, unit=unit_c, role=AssignmentRole.LEAD
        )
    assert proposal.assignments.count() == 2


def test_a_refused_return_leaves_the_unit_handling_it(walk, unit_a_user):
    proposal = walk.to(S.ASSIGNED)
    lead = walk.lead(proposal)
    request = services.assignment_request_return(assignment=lead, by=unit_a_user, reason="不属实")
    services.return_request_decide(request=request, by=walk.office, approve=False, note="职责明确")
    lead = refreshed(lead)
    assert lead.status == AS.ACKNOWLEDGED
    assert lead.acknowledged_at is not None
    assert refreshed(proposal).status == S.HANDLING


def test_a_return_must_be_asked_for_within_the_window(walk, unit_a_user):
    proposal = walk.to(S.ASSIGNED)
    lead = walk.lead(proposal)
    too_late = timezone.now() + datetime.timedelta(days=11)
    with pytest.raises(IllegalTransition, match=r"退办期限|return window"):
        services.assignment_request_return(
            assignment=lead, by=unit_a_user, reason="职责不符", at=too_late
        )
    assert refreshed(lead).status == AS.ASSIGNED


def test_only_the_office_decides_a_return(walk, unit_a_user):
    lead = walk.lead(walk.to(S.ASSIGNED))
    request = services.assignment_request_return(assignment=lead, by=unit_a_user, reason="x")
    with pytest.raises(NotAllowed):
        services.return_request_decide(request=request, by=unit_a_user, approve=True)
    assert refreshed(lead).status == AS.RETURN_REQUESTED


def test_an_approved_extension_moves_the_due_date(walk, unit_a_user):
    lead = walk.lead(walk.to(S.HANDLING))
    due = lead.due_on
    request = services.assignment_request_extension(
        assignment=lead, by=unit_a_user, days=30, reason="需开展实地调研"
    )
    with pytest.raises(IllegalTransition):
        services.assignment_request_extension(assignment=lead, by=unit_a_user, days=5, reason="x")
    services.extension_request_decide(request=request, by=walk.office, approve=True)
    assert refreshed(lead).due_on == due + datetime.timedelta(days=30)


def test_a_refused_extension_keeps_the_due_date(walk, unit_a_user):
    lead = walk.lead(walk.to(S.HANDLING))
    request = services.assignment_request_extension(
        assignment=lead, by=unit_a_user, days=30, reason="x"
    )
    services.extension_request_decide(request=request, by=walk.office, approve=False)
    assert refreshed(lead).due_on == lead.due_on
    assert refreshed(request).decision == "refused"


def test_a_reply_sent_back_is_redone(walk, unit_a_user):
    proposal = walk.to(S.HANDLING)
    lead = walk.lead(proposal)
    reply = walk.reply(lead)
    services.reply_send_back(reply=reply, by=walk.office, reason="请说明具体措施和时间表")
    assert (refreshed(reply).status, refreshed(lead).status) == (
        ReplyStatus.SENT_BACK,
        AS.ACKNOWLEDGED,
    )
    walk.reply_and_approve(lead, "B")
    assert refreshed(proposal).status == S.REPLIED
    assert list(lead.replies.values_list("status", flat=True)) == ["sent_back", "approved"]


def test_a_joint_unit_sends_its_opinion_and_does_not_reply(walk):
    proposal = walk.to(S.HANDLING)
    joint = walk.joint(proposal)
    services.assignment_acknowledge(assignment=joint, by=walk.office)
    with pytest.raises(IllegalTransition):
        walk.reply(joint)
    opinion = services.assignment_submit_opinion(assignment=joint, by=walk.office, text="同意")
    assert refreshed(joint).status == AS.OPINION_SUBMITTED
    assert opinion.assignment == joint


def test_satisfied_feedback_closes_the_proposal(walk, member_user):
    proposal = walk.to(S.REPLIED)
    services.proposal_give_feedback(
        proposal=proposal,
        by=member_user,
        attitude=Satisfaction.SATISFIED,
        result=Satisfaction.BASICALLY_SATISFIED,
    )
    proposal = refreshed(proposal)
    assert proposal.status == S.CLOSED
    assert proposal.closed_at is not None


def test_unsatisfied_feedback_reopens_handling_with_a_new_due_date(walk, member_user):
    proposal = walk.to(S.REPLIED)
    lead = walk.lead(proposal)
    services.proposal_give_feedback(
        proposal=proposal,
        by=member_user,
        attitude=Satisfaction.SATISFIED,
        result=Satisfaction.UNSATISFIED,
        comment="问题没有解决",
    )
    proposal, lead = refreshed(proposal), refreshed(lead)
    assert (proposal.status, proposal.handling_round) == (S.HANDLING, 2)
    assert (lead.status, lead.round) == (AS.ACKNOWLEDGED, 2)
    assert lead.due_on == add_months(timezone.localdate(), 1)
    assert lead.completed_at is None

    # The second round: a new reply, new feedback; the first round stays on record.
    reply = walk.reply_and_approve(lead, "B")
    assert reply.round == 2
    assert refreshed(proposal).status == S.REPLIED
    services.proposal_give_feedback(
        proposal=proposal,
        by=member_user,
        attitude=Satisfaction.UNSATISFIED,
        result=Satisfaction.UNSATISFIED,
    )
    # Re-handled once already (the rules' limit): unsatisfied again closes it, on record.
    proposal = refreshed(proposal)
    assert proposal.status == S.CLOSED
    assert list(proposal.feedback.values_list("round", "result")) == [
        (1, "unsatisfied"),
        (2, "unsatisfied"),
    ]


def test_only_the_lead_proposer_or_the_office_gives_feedback(walk, unit_a_user, leader):
    proposal = walk.to(S.REPLIED)
    for user in (unit_a_user, leader):
        with pytest.raises(NotAllowed):
            services.proposal_give_feedback(
                proposal=proposal,
                by=user,
                attitude=Satisfaction.SATISFIED,
                result=Satisfaction.SATISFIED,
            )
    assert refreshed(proposal).status == S.REPLIED


def test_a_contact_with_the_proposer_is_recorded(walk, unit_a_user):
    lead = walk.lead(walk.to(S.HANDLING))
    contact = services.assignment_log_contact(
        assignment=lead, by=unit_a_user, date=timezone.localdate(), way="visit", people="李文华"
    )
    assert list(lead.contacts.all()) == [contact]


def test_a_return_can_be_approved_with_a_replacement_unit(walk, unit_a_user, unit_c):
    proposal = walk.to(S.ASSIGNED)
    lead = walk.lead(proposal)
    request = services.assignment_request_return(assignment=lead, by=unit_a_user, reason="不符")
    services.return_request_decide(
        request=request, by=walk.office, approve=True, replacement=unit_c
    )
    replacement = proposal.assignments.get(unit=unit_c)
    assert (replacement.role, replacement.status) == (AssignmentRole.LEAD, AS.ASSIGNED)


def test_returning_the_last_unreplied_separate_share_completes_the_proposal(walk, unit_b_user):
    proposal = walk.to(S.ACCEPTED)
    services.proposal_assign(
        proposal=proposal,
        by=walk.office,
        units=[
            services.UnitAssignment(walk.unit_a, AssignmentRole.SEPARATE),
            services.UnitAssignment(walk.unit_b, AssignmentRole.SEPARATE),
        ],
    )
    first = proposal.assignments.get(unit=walk.unit_a)
    second = proposal.assignments.get(unit=walk.unit_b)
    services.assignment_acknowledge(assignment=first, by=walk.office)
    walk.reply_and_approve(first)
    request = services.assignment_request_return(assignment=second, by=unit_b_user, reason="x")
    services.return_request_decide(request=request, by=walk.office, approve=True)
    # Not stuck: the only unit still owing an answer has given it.
    assert refreshed(proposal).status == S.REPLIED


def test_a_proposal_whose_lead_was_returned_waits_for_a_new_lead(walk, unit_a_user, unit_c):
    proposal = walk.to(S.HANDLING)
    lead = walk.lead(proposal)
    joint = walk.joint(proposal)
    services.assignment_acknowledge(assignment=joint, by=walk.office)
    services.assignment_submit_opinion(assignment=joint, by=walk.office, text="同意")
    # The lead already acknowledged; within the window it may still ask to return.
    request = services.assignment_request_return(assignment=lead, by=unit_a_user, reason="x")
    services.return_request_decide(request=request, by=walk.office, approve=True)
    assert refreshed(proposal).status == S.HANDLING
    new_lead = services.proposal_add_unit(
        proposal=proposal, by=walk.office, unit=unit_c, role=AssignmentRole.LEAD
    )
    services.assignment_acknowledge(assignment=new_lead, by=walk.office)
    walk.reply_and_approve(new_lead)
    assert refreshed(proposal).status == S.REPLIED


def test_a_joint_unit_can_do_nothing_once_the_proposal_is_replied(walk, unit_b_user):
    proposal = walk.to(S.REPLIED)
    joint = walk.joint(proposal)  # never acknowledged
    with pytest.raises(IllegalTransition):
        services.assignment_acknowledge(assignment=joint, by=unit_b_user)
    with pytest.raises(IllegalTransition):
        services.assignment_request_extension(assignment=joint, by=unit_b_user, days=10, reason="x")
    assert refreshed(joint).status == AS.ASSIGNED


def test_a_proposal_with_merged_proposals_cannot_be_withdrawn(walk):
    host = walk.to(S.ACCEPTED)
    services.proposal_merge(proposal=walk.to(S.SUBMITTED), by=walk.office, host=host)
    with pytest.raises(IllegalTransition):
        services.proposal_withdraw(proposal=host, by=walk.office)
    assert refreshed(host).status == S.ACCEPTED


def test_a_co_signer_cannot_confirm_after_the_deadline(walk):
    proposal = walk.to(S.AWAITING_COSIGNERS)
    cosigner = proposal.cosigners.get()
    late = timezone.now() + datetime.timedelta(days=8)
    with pytest.raises(IllegalTransition):
        services.cosigner_respond(cosigner=cosigner, confirm=True, by=walk.office, at=late)
    services.proposal_complete_cosigning(proposal=proposal, by=walk.office, at=late)
    assert refreshed(cosigner).status == "expired"


def test_a_member_cannot_enter_a_collective_proposal(session, member_user):
    from tests.proposals.conftest import draft_proposal

    proposal = draft_proposal(session, None, kind="collective")
    with pytest.raises(NotAllowed):
        services.proposal_create(proposal=proposal, by=member_user)


def test_the_lead_unit_reads_the_joint_units_opinion_and_the_proposer_does_not(
    walk, unit_a_user, unit_b_user, unit_c, member_user
):

    proposal = walk.to(S.HANDLING)
    joint = walk.joint(proposal)
    services.assignment_acknowledge(assignment=joint, by=unit_b_user)
    opinion = services.assignment_submit_opinion(assignment=joint, by=unit_b_user, text="同意")
    other = walk.to(S.HANDLING)  # unit A leads this one too, but it has no opinion yet
    assert list(scopes.JOINT_OPINIONS.visible_to(unit_a_user)) == [opinion]
    assert list(scopes.JOINT_OPINIONS.visible_to(unit_b_user)) == [opinion]
    assert not scopes.JOINT_OPINIONS.visible_to(member_user).exists()
    assert other.pk != proposal.pk


@pytest.mark.parametrize("approve", [True, False])
def test_a_joint_units_return_is_not_decided_once_the_proposal_is_replied(
    walk, unit_b_user, unit_c, approve
):
    """Found by the state-machine test: the lead's approved reply makes the proposal replied
    while the joint unit's request to return it is pending; deciding it then would move an
    assignment (or add a unit) on a proposal no longer being handled."""
    proposal = walk.to(S.ASSIGNED)
    lead, joint = walk.lead(proposal), walk.joint(proposal)
    services.assignment_acknowledge(assignment=lead, by=walk.office)
    request = services.assignment_request_return(
        assignment=joint, by=unit_b_user, reason="不属本单位职责"
    )
    walk.reply_and_approve(lead)
    assert refreshed(proposal).status == S.REPLIED
    with pytest.raises(IllegalTransition):
        services.return_request_decide(
            request=request, by=walk.office, approve=approve, replacement=unit_c
        )
    assert refreshed(joint).status == AssignmentStatus.RETURN_REQUESTED
    assert proposal.assignments.count() == 2
