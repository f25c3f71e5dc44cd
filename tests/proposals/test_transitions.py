"""Every (state, action) pair of the lifecycle, against the allowed-transitions tables.

A legal step reaches the state the table allows and writes one transition row for the
record it moved; an illegal one raises IllegalTransition and changes nothing at all.
"""

import datetime

import pytest
from django.utils import timezone

from hcppcc.core.workflow.errors import IllegalTransition
from proposals import services
from proposals.choices import (
    ADD_UNIT_STATES,
    ASSIGNMENT_TRANSITIONS,
    INVITE_COSIGNER_STATES,
    LOG_CONTACT_STATES,
    PROPOSAL_TRANSITIONS,
    REQUEST_EXTENSION_STATES,
    AssignmentRole,
    AssignmentStatus,
    Conversion,
    ProposalStatus,
    Satisfaction,
)
from proposals.choices import AssignmentAction as AA
from proposals.choices import ProposalAction as PA
from proposals.models import (
    Assignment,
    CoSigner,
    ExtensionRequest,
    Feedback,
    Proposal,
    Reply,
    ReturnRequest,
    Transition,
)
from tests.factories import MemberFactory
from tests.proposals.conftest import refreshed

pytestmark = pytest.mark.django_db
S = ProposalStatus
AS = AssignmentStatus

LATER = timezone.now() + datetime.timedelta(days=30)  # past every co-signing deadline


def snapshot():
    """Every workflow row, so that "changes nothing" can be checked exactly."""
    tables = (Proposal, CoSigner, Assignment, ReturnRequest, ExtensionRequest, Reply, Feedback)
    rows = {model.__name__: list(model.objects.order_by("pk").values()) for model in tables}
    rows["transitions"] = Transition.objects.count()
    return rows


# action -> (what the step does to a proposal, the state a legal step reaches)
PROPOSAL_STEPS = {
    PA.SUBMIT: (lambda w, p: services.proposal_submit(proposal=p, by=w.office), S.SUBMITTED),
    PA.COMPLETE_COSIGNING: (
        lambda w, p: services.proposal_complete_cosigning(proposal=p, by=w.office, at=LATER),
        S.SUBMITTED,
    ),
    PA.ACCEPT: (
        lambda w, p: services.proposal_accept(proposal=p, by=w.office, category=w.ref["category"]),
        S.ACCEPTED,
    ),
    PA.REJECT: (
        lambda w, p: services.proposal_reject(proposal=p, by=w.office, reason=w.ref["reason"]),
        S.NOT_ACCEPTED,
    ),
    PA.MERGE: (
        lambda w, p: services.proposal_merge(proposal=p, by=w.office, host=w.host),
        S.MERGED,
    ),
    PA.CONVERT: (
        lambda w, p: services.proposal_convert(
            proposal=p, by=w.office, conversion=Conversion.PUBLIC_OPINION
        ),
        S.CONVERTED,
    ),
    PA.RETURN_FOR_REVISION: (
        lambda w, p: services.proposal_return_for_revision(
            proposal=p, by=w.office, note="补充案据"
        ),
        S.DRAFT,
    ),
    PA.WITHDRAW: (lambda w, p: services.proposal_withdraw(proposal=p, by=w.office), S.WITHDRAWN),
    PA.ASSIGN: (lambda w, p: w.assign(p), S.ASSIGNED),
    PA.FEEDBACK: (
        lambda w, p: services.proposal_give_feedback(
            proposal=p, by=w.office, attitude=Satisfaction.SATISFIED, result=Satisfaction.SATISFIED
        ),
        S.CLOSED,
    ),
}
# Taken by the services themselves, or part of a larger step; tested through the steps
# that trigger them (the look-back reopening in test_lookback.py).
SYSTEM_STEPS = {PA.START_HANDLING, PA.MARK_REPLIED, PA.LOOK_BACK_REOPEN}


def test_the_table_says_what_design_md_says():
    """The lifecycle of DESIGN.md, written out: the table must not drift from it."""
    before_assignment = {S.DRAFT, S.AWAITING_COSIGNERS, S.SUBMITTED, S.ACCEPTED}
    review = {PA.ACCEPT, PA.REJECT, PA.MERGE, PA.CONVERT, PA.RETURN_FOR_REVISION}
    sources = {action: set(pair[0]) for action, pair in PROPOSAL_TRANSITIONS.items()}
    assert sources[PA.WITHDRAW] == before_assignment
    assert all(sources[action] == {S.SUBMITTED} for action in review)
    assert sources[PA.SUBMIT] == {S.DRAFT}
    assert sources[PA.ASSIGN] == {S.ACCEPTED}
    assert sources[PA.FEEDBACK] == {S.REPLIED}
    assert set(PROPOSAL_TRANSITIONS[PA.FEEDBACK][1]) == {S.CLOSED, S.HANDLING}
    assert set(PROPOSAL_TRANSITIONS[PA.RETURN_FOR_REVISION][1]) == {S.DRAFT}
    # Withdrawn and the review outcomes other than acceptance are final; a closed proposal
    # is reopened only by a look-back review.
    final = {S.WITHDRAWN, S.NOT_ACCEPTED, S.MERGED, S.CONVERTED}
    assert not any(final & pair[0] for pair in PROPOSAL_TRANSITIONS.values())
    assert [a for a, pair in PROPOSAL_TRANSITIONS.items() if S.CLOSED in pair[0]] == [
        PA.LOOK_BACK_REOPEN
    ]


def test_every_proposal_action_in_the_table_is_exercised():
    assert set(PROPOSAL_TRANSITIONS) == set(PROPOSAL_STEPS) | SYSTEM_STEPS


@pytest.mark.parametrize("action", list(PROPOSAL_STEPS))
@pytest.mark.parametrize("status", list(S))
def test_proposal_action_from_state(walk, status, action):
    if action == PA.MERGE:
        walk.host = walk.to(S.ACCEPTED)
    proposal = walk.to(status)
    step, reaches = PROPOSAL_STEPS[action]
    sources, _targets = PROPOSAL_TRANSITIONS[action]
    before = snapshot()
    log_rows = proposal.transitions.count()

    if status in sources:
        step(walk, proposal)
        proposal = refreshed(proposal)
        assert proposal.status == reaches
        last = proposal.transitions.order_by("pk").last()
        assert (last.action, last.from_status, last.to_status) == (action, status, reaches)
        assert proposal.transitions.count() == log_rows + 1
    else:
        with pytest.raises(IllegalTransition):
            step(walk, proposal)
        assert snapshot() == before


def lead_in(walk, status: str, *, separate: bool = False) -> Assignment:
    """A lead (or separate) assignment in ``status``, reached through the services."""
    if separate:
        proposal = walk.to(S.ACCEPTED)
        services.proposal_assign(
            proposal=proposal,
            by=walk.office,
            units=[
                services.UnitAssignment(walk.unit_a, AssignmentRole.SEPARATE),
                services.UnitAssignment(walk.unit_b, AssignmentRole.SEPARATE),
            ],
        )
        lead = proposal.assignments.get(unit=walk.unit_a)
    else:
        proposal = walk.to(S.ASSIGNED)
        lead = walk.lead(proposal)
    office = walk.office
    if status == AS.ASSIGNED:
        return lead
    if status in (AS.RETURN_REQUESTED, AS.RETURNED):
        request = services.assignment_request_return(assignment=lead, by=office, reason="职责不符")
        if status == AS.RETURNED:
            services.return_request_decide(request=request, by=office, approve=True)
        return refreshed(lead)
    services.assignment_acknowledge(assignment=lead, by=office)
    if status == AS.ACKNOWLEDGED:
        return refreshed(lead)
    reply = walk.reply(lead)
    if status == AS.REPLY_SUBMITTED:
        return refreshed(lead)
    services.reply_approve(reply=reply, by=office)
    assert status == AS.REPLIED, status
    return refreshed(lead)


def joint_in(walk, status: str) -> Assignment:
    proposal = walk.to(S.ASSIGNED)
    joint = walk.joint(proposal)
    office = walk.office
    if status == AS.ASSIGNED:
        return joint
    if status in (AS.RETURN_REQUESTED, AS.RETURNED):
        request = services.assignment_request_return(assignment=joint, by=office, reason="职责不符")
        if status == AS.RETURNED:
            services.return_request_decide(request=request, by=office, approve=True)
        return refreshed(joint)
    services.assignment_acknowledge(assignment=joint, by=office)
    if status == AS.ACKNOWLEDGED:
        return refreshed(joint)
    services.assignment_submit_opinion(assignment=joint, by=office, text="同意主办单位意见。")
    assert status == AS.OPINION_SUBMITTED, status
    return refreshed(joint)


def _pending_return(assignment):
    request = assignment.return_requests.filter(decision="pending").first()
    return request or ReturnRequest.objects.create(assignment=assignment, reason="预置")


def _pending_extension(assignment):
    return ExtensionRequest.objects.create(assignment=assignment, days=15, reason="需要调研")


def _submitted_reply(walk, assignment):
    reply = assignment.replies.filter(status="submitted").first()
    return reply or Reply.objects.create(
        assignment=assignment,
        result_class=walk.ref["A"],
        text="预置",
        signer="预置",
        reply_date=datetime.date(2020, 7, 1),
    )


# action -> (prepare(walk, assignment) -> step, state reached or None for "unchanged")
ASSIGNMENT_STEPS = {
    AA.ACKNOWLEDGE: (
        lambda w, a: lambda: services.assignment_acknowledge(assignment=a, by=w.office),
        AS.ACKNOWLEDGED,
    ),
    AA.REQUEST_RETURN: (
        lambda w, a: (
            lambda: services.assignment_request_return(
                assignment=a, by=w.office, reason="不属于本单位职责"
            )
        ),
        AS.RETURN_REQUESTED,
    ),
    AA.APPROVE_RETURN: (
        lambda w, a: (
            lambda r: lambda: services.return_request_decide(request=r, by=w.office, approve=True)
        )(_pending_return(a)),
        AS.RETURNED,
    ),
    AA.REJECT_RETURN: (
        lambda w, a: (
            lambda r: lambda: services.return_request_decide(request=r, by=w.office, approve=False)
        )(_pending_return(a)),
        AS.ACKNOWLEDGED,
    ),
    AA.EXTEND: (
        lambda w, a: (
            lambda r: (
                lambda: services.extension_request_decide(request=r, by=w.office, approve=True)
            )
        )(_pending_extension(a)),
        None,
    ),
    AA.SUBMIT_OPINION: (
        lambda w, a: (
            lambda: services.assignment_submit_opinion(assignment=a, by=w.office, text="同意。")
        ),
        AS.OPINION_SUBMITTED,
    ),
    AA.SUBMIT_REPLY: (lambda w, a: lambda: w.reply(a), AS.REPLY_SUBMITTED),
    AA.APPROVE_REPLY: (
        lambda w, a: (lambda r: lambda: services.reply_approve(reply=r, by=w.office))(
            _submitted_reply(w, a)
        ),
        AS.REPLIED,
    ),
    AA.SEND_BACK_REPLY: (
        lambda w, a: (
            lambda r: lambda: services.reply_send_back(reply=r, by=w.office, reason="请补充措施")
        )(_submitted_reply(w, a)),
        AS.ACKNOWLEDGED,
    ),
}
# Re-handling is started by unsatisfied feedback (test_handling.py) or a look-back review.
SYSTEM_ASSIGNMENT_STEPS = {AA.REOPEN}

LEAD_STATES = [AS.ASSIGNED, AS.ACKNOWLEDGED, AS.RETURN_REQUESTED, AS.RETURNED]
LEAD_STATES += [AS.REPLY_SUBMITTED, AS.REPLIED]
JOINT_STATES = [AS.ASSIGNED, AS.ACKNOWLEDGED, AS.RETURN_REQUESTED, AS.RETURNED]
JOINT_STATES += [AS.OPINION_SUBMITTED]
# Steps that belong to one role: a lead replies, a joint unit sends an opinion.
ROLE_ONLY = {
    AA.SUBMIT_OPINION: {AssignmentRole.JOINT},
    AA.SUBMIT_REPLY: {AssignmentRole.LEAD, AssignmentRole.SEPARATE},
    AA.APPROVE_REPLY: {AssignmentRole.LEAD, AssignmentRole.SEPARATE},
    AA.SEND_BACK_REPLY: {AssignmentRole.LEAD, AssignmentRole.SEPARATE},
}


def test_every_assignment_action_in_the_table_is_exercised():
    assert set(ASSIGNMENT_TRANSITIONS) == set(ASSIGNMENT_STEPS) | SYSTEM_ASSIGNMENT_STEPS
    assert set(LEAD_STATES) | set(JOINT_STATES) == set(AS)


CASES = [
    (role, state, action)
    for role in (AssignmentRole.LEAD, AssignmentRole.SEPARATE)
    for state in LEAD_STATES
    for action in ASSIGNMENT_STEPS
]
CASES += [
    (AssignmentRole.JOINT, state, action) for state in JOINT_STATES for action in ASSIGNMENT_STEPS
]


@pytest.mark.parametrize(("role", "status", "action"), CASES)
def test_assignment_action_from_state(walk, role, status, action):
    if role == AssignmentRole.JOINT:
        assignment = joint_in(walk, status)
    else:
        assignment = lead_in(walk, status, separate=role == AssignmentRole.SEPARATE)
    prepare, reaches = ASSIGNMENT_STEPS[action]
    step = prepare(walk, assignment)
    sources, _targets = ASSIGNMENT_TRANSITIONS[action]
    legal = status in sources and role in ROLE_ONLY.get(action, {role})
    before = snapshot()
    log_rows = assignment.transitions.count()

    if legal:
        step()
        assignment = refreshed(assignment)
        reaches = reaches or status
        assert assignment.status == reaches
        last = assignment.transitions.order_by("pk").last()
        assert (last.action, last.from_status, last.to_status) == (action, status, reaches)
        assert assignment.transitions.count() == log_rows + 1
    else:
        with pytest.raises(IllegalTransition):
            step()
        assert snapshot() == before


def test_unsatisfied_feedback_takes_the_other_branch_of_the_table(walk):
    proposal = walk.to(S.REPLIED)
    services.proposal_give_feedback(
        proposal=proposal,
        by=walk.office,
        attitude=Satisfaction.SATISFIED,
        result=Satisfaction.UNSATISFIED,
    )
    last = refreshed(proposal).transitions.filter(assignment=None).last()
    assert (last.action, last.from_status, last.to_status) == (PA.FEEDBACK, S.REPLIED, S.HANDLING)


# Steps that move no status but are allowed only in some states (choices.py): the states
# they are allowed in, and how to take them.
GUARDED_PROPOSAL_STEPS = {
    "invite_cosigner": (
        INVITE_COSIGNER_STATES,
        lambda w, p: services.cosigner_invite(proposal=p, member=MemberFactory(), by=w.office),
    ),
    "add_unit": (
        ADD_UNIT_STATES,
        lambda w, p: services.proposal_add_unit(
            proposal=p, by=w.office, unit=w.extra_unit, role=AssignmentRole.JOINT
        ),
    ),
}


@pytest.mark.parametrize("step_name", list(GUARDED_PROPOSAL_STEPS))
@pytest.mark.parametrize("status", list(S))
def test_guarded_proposal_step_from_state(walk, unit_c, status, step_name):
    walk.extra_unit = unit_c
    proposal = walk.to(status)
    allowed, step = GUARDED_PROPOSAL_STEPS[step_name]
    before = snapshot()
    if status in allowed:
        step(walk, proposal)
        assert refreshed(proposal).status == status
    else:
        with pytest.raises(IllegalTransition):
            step(walk, proposal)
        assert snapshot() == before


GUARDED_ASSIGNMENT_STEPS = {
    "request_extension": (
        REQUEST_EXTENSION_STATES,
        lambda w, a: services.assignment_request_extension(
            assignment=a, by=w.office, days=10, reason="调研"
        ),
    ),
    "log_contact": (
        LOG_CONTACT_STATES,
        lambda w, a: services.assignment_log_contact(
            assignment=a, by=w.office, date=datetime.date(2020, 7, 1), way="phone", people="委员"
        ),
    ),
}


@pytest.mark.parametrize("step_name", list(GUARDED_ASSIGNMENT_STEPS))
@pytest.mark.parametrize("status", LEAD_STATES)
def test_guarded_assignment_step_from_state(walk, status, step_name):
    assignment = lead_in(walk, status)
    allowed, step = GUARDED_ASSIGNMENT_STEPS[step_name]
    # A replied lead leaves its proposal replied: nothing more is done on it.
    handling = refreshed(assignment).proposal.status in (S.ASSIGNED, S.HANDLING)
    before = snapshot()
    if status in allowed and handling:
        step(walk, assignment)
        assert refreshed(assignment).status == status
    else:
        with pytest.raises(IllegalTransition):
            step(walk, assignment)
        assert snapshot() == before


def test_a_cosigner_answers_only_while_the_proposal_awaits_co_signers(walk, member_user):
    for status in S:
        proposal = walk.to(status)
        cosigner = CoSigner.objects.create(proposal=proposal, member=MemberFactory())
        if status == S.AWAITING_COSIGNERS:
            services.cosigner_respond(cosigner=cosigner, confirm=True, by=walk.office)
            continue
        before = snapshot()
        with pytest.raises(IllegalTransition):
            services.cosigner_respond(cosigner=cosigner, confirm=True, by=walk.office)
        assert snapshot() == before
