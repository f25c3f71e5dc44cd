"""Twenty clerks take the same step on one record at the same moment: it happens once.

Every step locks its proposal (and assignment) row before it reads the state it checks
(``lock_proposal`` in proposals/services/transitions.py). Without the lock all twenty would
read the same state, pass the check and each write their own transition, case number,
set of assignments or reply. Only real concurrent transactions show this: PostgreSQL,
committed data (``transaction=True``), one database connection per thread.
"""

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection
from django.utils import timezone

from hcppcc.core.workflow.errors import WorkflowError
from proposals import services
from proposals.choices import AssignmentStatus, ProposalStatus, ReplyStatus, Satisfaction
from proposals.models import Assignment, Feedback, Proposal, Reply, Transition
from tests.proposals.conftest import refreshed

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
S = ProposalStatus
AS = AssignmentStatus
CLERKS = 20
DONE = "done"


def race(read: Callable, act: Callable, clerks: int = CLERKS) -> list:
    """Each of ``clerks`` threads reads its own copy of the record (``read(index)``), waits
    until all have, then acts on it (``act(record, index)``). Returns each thread's outcome:
    DONE or the exception it raised."""
    barrier = threading.Barrier(clerks, timeout=30)
    outcomes: list = [None] * clerks

    def clerk(index: int) -> None:
        try:
            record = read(index)
            barrier.wait()
            act(record, index)
            outcomes[index] = DONE
        except Exception as error:  # every outcome is judged by the test
            outcomes[index] = error
        finally:
            # The thread's own connection: left open, it would keep the test database from
            # being dropped at the end of the run.
            connection.close()

    threads = [threading.Thread(target=clerk, args=(index,)) for index in range(clerks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a clerk is still waiting"
    return outcomes


def assert_taken_once(outcomes: list, times: int = 1) -> None:
    """``times`` clerks succeeded; every other one was refused with the domain error (no
    database error, no deadlock, no server fault)."""
    unexpected = [o for o in outcomes if o != DONE and not isinstance(o, WorkflowError)]
    assert unexpected == []
    assert outcomes.count(DONE) == times
    assert sum(isinstance(o, WorkflowError) for o in outcomes) == CLERKS - times


def transitions(proposal: Proposal, action: str) -> int:
    return Transition.objects.filter(proposal=proposal, action=action).count()


def test_accepting_one_proposal_at_once_gives_it_one_case_number(walk):
    proposal = walk.to(S.SUBMITTED)
    later = walk.to(S.SUBMITTED)

    outcomes = race(
        lambda i: Proposal.objects.get(pk=proposal.pk),
        lambda p, i: services.proposal_accept(
            proposal=p, by=walk.office, category=walk.ref["category"]
        ),
    )

    assert_taken_once(outcomes)
    proposal = refreshed(proposal)
    assert (proposal.status, proposal.case_number) == (S.ACCEPTED, 1)
    assert transitions(proposal, "accept") == 1
    # No number was used up by the refused clerks: the next proposal gets the next one.
    later = services.proposal_accept(proposal=later, by=walk.office, category=walk.ref["category"])
    assert later.case_number == 2


def test_different_review_steps_at_once_leave_one_outcome(walk):
    """Clerks accept, reject, convert and return one proposal at the same moment: one of
    them decides, and the log shows that one step only. (Withdrawing is left out: it may
    rightly follow an accept or a return.)"""
    proposal = walk.to(S.SUBMITTED)
    office, ref = walk.office, walk.ref
    steps = [
        lambda p: services.proposal_accept(proposal=p, by=office, category=ref["category"]),
        lambda p: services.proposal_reject(proposal=p, by=office, reason=ref["reason"]),
        lambda p: services.proposal_convert(proposal=p, by=office, conversion="suggestion"),
        lambda p: services.proposal_return_for_revision(proposal=p, by=office, note="请补充"),
    ]

    outcomes = race(
        lambda i: Proposal.objects.get(pk=proposal.pk),
        lambda p, i: steps[i % len(steps)](p),
    )

    assert_taken_once(outcomes)
    proposal = refreshed(proposal)
    after_submit = list(
        proposal.transitions.exclude(action__in=["create", "submit"]).values_list(
            "from_status", "to_status"
        )
    )
    assert after_submit == [(S.SUBMITTED, proposal.status)]
    assert proposal.case_number is None or proposal.status == S.ACCEPTED


def test_assigning_one_proposal_at_once_creates_one_set_of_assignments(walk):
    proposal = walk.to(S.ACCEPTED)

    outcomes = race(lambda i: Proposal.objects.get(pk=proposal.pk), lambda p, i: walk.assign(p))

    assert_taken_once(outcomes)
    assert refreshed(proposal).status == S.ASSIGNED
    assert sorted(proposal.assignments.values_list("unit", flat=True)) == sorted(
        [walk.unit_a.pk, walk.unit_b.pk]
    )
    assert transitions(proposal, "assign") == 1


def test_both_units_acknowledging_at_once_start_handling_once(walk, unit_a_user, unit_b_user):
    """Half the clerks are unit A's (the lead), half unit B's (joint): each assignment is
    acknowledged once, and the proposal starts handling once."""
    proposal = walk.to(S.ASSIGNED)
    desks = [(walk.lead(proposal).pk, unit_a_user), (walk.joint(proposal).pk, unit_b_user)]

    outcomes = race(
        lambda i: Assignment.objects.get(pk=desks[i % 2][0]),
        lambda a, i: services.assignment_acknowledge(assignment=a, by=desks[i % 2][1]),
    )

    assert_taken_once(outcomes, times=2)
    assert refreshed(proposal).status == S.HANDLING
    assert set(proposal.assignments.values_list("status", flat=True)) == {AS.ACKNOWLEDGED}
    assert transitions(proposal, "acknowledge") == 2
    assert transitions(proposal, "start_handling") == 1


def test_submitting_one_reply_at_once_files_one_reply(walk, unit_a_user):
    proposal = walk.to(S.HANDLING)
    lead = walk.lead(proposal)

    outcomes = race(
        lambda i: Assignment.objects.get(pk=lead.pk),
        lambda a, i: services.assignment_submit_reply(
            assignment=a,
            by=unit_a_user,
            result_class=walk.ref["A"],
            text=f"第{i}位联络员的答复。",
            signer="张三",
            reply_date=timezone.localdate(),
        ),
    )

    assert_taken_once(outcomes)
    assert Reply.objects.filter(assignment=lead).count() == 1
    assert refreshed(lead).status == AS.REPLY_SUBMITTED
    assert transitions(proposal, "submit_reply") == 1


def test_approving_one_reply_at_once_marks_the_proposal_replied_once(walk):
    proposal = walk.to(S.HANDLING)
    # The lead unit's reply is the only answer owed (the joint unit advises the lead).
    reply = walk.reply(walk.lead(proposal))

    outcomes = race(
        lambda i: Reply.objects.get(pk=reply.pk),
        lambda r, i: services.reply_approve(reply=r, by=walk.office),
    )

    assert_taken_once(outcomes)
    assert refreshed(reply).status == ReplyStatus.APPROVED
    assert refreshed(proposal).status == S.REPLIED
    assert transitions(proposal, "approve_reply") == 1
    assert transitions(proposal, "mark_replied") == 1


def test_recording_unsatisfied_feedback_at_once_reopens_handling_once(walk):
    proposal = walk.to(S.REPLIED)

    outcomes = race(
        lambda i: Proposal.objects.get(pk=proposal.pk),
        lambda p, i: services.proposal_give_feedback(
            proposal=p,
            by=walk.office,
            attitude=Satisfaction.UNSATISFIED,
            result=Satisfaction.UNSATISFIED,
            comment="问题没有解决。",
        ),
    )

    assert_taken_once(outcomes)
    proposal = refreshed(proposal)
    assert (proposal.status, proposal.handling_round) == (S.HANDLING, 2)
    assert Feedback.objects.filter(proposal=proposal).count() == 1
    assert transitions(proposal, "feedback") == 1
    assert walk.lead(proposal).round == 2
    assert transitions(proposal, "reopen") == 1


def test_publishing_a_reply_while_unsatisfied_feedback_reopens_it_takes_both(walk):
    """The office publishes a reply at the moment the proposer's unsatisfied feedback is
    recorded: the two steps wait for each other in turn, and both are taken."""

    def publish_and_reopen(proposal: Proposal) -> list:
        reply = walk.lead(proposal).replies.get()

        def publish() -> None:
            time.sleep(0.005)  # the feedback has locked the proposal by now
            services.reply_set_published(reply=reply, by=walk.office, published=True)

        def feedback() -> None:
            services.proposal_give_feedback(
                proposal=proposal,
                by=walk.office,
                attitude=Satisfaction.UNSATISFIED,
                result=Satisfaction.UNSATISFIED,
            )

        steps = (publish, feedback)
        return race(lambda i: None, lambda _record, i: steps[i](), clerks=len(steps))

    # The timing is not forced: three tries.
    outcomes = [o for _try in range(3) for o in publish_and_reopen(walk.to(S.REPLIED))]
    assert outcomes == [DONE] * len(outcomes)
