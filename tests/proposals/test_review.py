"""Review: case numbers, reasons, merging."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from hcppcc.core.workflow.errors import IllegalTransition
from proposals import services
from proposals.choices import ProposalStatus
from proposals.models import Proposal, Transition
from tests.factories import SessionFactory
from tests.proposals.conftest import refreshed

S = ProposalStatus


@pytest.mark.django_db
def test_case_numbers_are_per_session_and_shown_as_the_office_writes_them(walk):
    first = walk.to(S.ACCEPTED)
    second = walk.to(S.ACCEPTED)
    assert (first.case_number, second.case_number) == (1, 2)
    assert first.number_display == "第0001号"
    walk.session = SessionFactory(term=13, number=4, year=2021)
    assert walk.to(S.ACCEPTED).case_number == 1


@pytest.mark.django_db
def test_a_proposal_not_accepted_gets_no_case_number_and_leaves_no_gap(walk):
    first = walk.to(S.ACCEPTED)
    rejected = walk.to(S.NOT_ACCEPTED)
    third = walk.to(S.ACCEPTED)
    assert rejected.case_number is None
    assert rejected.rejection_reason == walk.ref["reason"]
    assert (first.case_number, third.case_number) == (1, 2)


@pytest.mark.django_db
def test_accepting_needs_a_category(walk):
    proposal = walk.to(S.SUBMITTED)
    with pytest.raises(ValidationError, match="category"):
        services.proposal_accept(proposal=proposal, by=walk.office)
    assert refreshed(proposal).case_number is None


@pytest.mark.django_db
def test_a_proposal_merges_only_into_an_accepted_one_of_its_session(walk):
    proposal = walk.to(S.SUBMITTED)
    with pytest.raises(ValidationError, match="merged_into"):
        services.proposal_merge(proposal=proposal, by=walk.office, host=walk.to(S.SUBMITTED))
    with pytest.raises(ValidationError, match="merged_into"):
        services.proposal_merge(proposal=proposal, by=walk.office, host=proposal)
    host = walk.to(S.HANDLING)
    proposal = services.proposal_merge(proposal=proposal, by=walk.office, host=host)
    assert (proposal.status, proposal.merged_into) == (S.MERGED, host)
    assert list(host.merged_proposals.all()) == [proposal]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_case_numbers_are_unique_and_gap_free_when_clerks_accept_at_once(walk):
    """Twelve clerks accept twelve proposals of one session at the same moment."""
    proposals = [walk.to(S.SUBMITTED) for _ in range(12)]
    barrier = threading.Barrier(len(proposals))
    errors = []

    def accept(proposal):
        try:
            barrier.wait()
            services.proposal_accept(
                proposal=proposal, by=walk.office, category=walk.ref["category"]
            )
        except Exception as error:  # collected and reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=accept, args=(p,)) for p in proposals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = sorted(
        Proposal.objects.filter(status=S.ACCEPTED).values_list("case_number", flat=True)
    )
    assert numbers == list(range(1, 13))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_step_taken_twice_at_once_happens_once(walk):
    proposal = walk.to(S.SUBMITTED)
    barrier = threading.Barrier(6)
    outcomes = []

    def accept():
        try:
            barrier.wait()
            services.proposal_accept(
                proposal=proposal, by=walk.office, category=walk.ref["category"]
            )
            outcomes.append("accepted")
        except IllegalTransition:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["accepted"] + ["refused"] * 5
    assert refreshed(proposal).case_number == 1
    assert Transition.objects.filter(proposal=proposal, action="accept").count() == 1
