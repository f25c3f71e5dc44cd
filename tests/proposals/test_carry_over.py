"""Proposals of an earlier session still being handled show up in the current one."""

import datetime

import pytest

from proposals.choices import ProposalStatus
from proposals.models import Proposal
from proposals.selectors import assignment_clocks, proposal_clocks
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db
S = ProposalStatus


def test_open_proposals_of_earlier_sessions_are_carried_over(walk):
    still_open = walk.to(S.HANDLING)
    walk.to(S.CLOSED)
    earlier_session = walk.session
    walk.session = SessionFactory(term=13, number=4, year=2021)
    this_year = walk.to(S.SUBMITTED)
    listed = {p: p.carried_over for p in Proposal.objects.for_session(walk.session)}
    assert listed == {still_open: True, this_year: False}
    assert {p.session for p in Proposal.objects.for_session(earlier_session)} == {earlier_session}


def test_clocks_show_days_left_and_days_overdue(walk):
    proposal = walk.to(S.ASSIGNED)
    lead = walk.lead(proposal)
    assigned = lead.assigned_on
    clocks = {c.label: c for c in assignment_clocks(lead, assigned + datetime.timedelta(days=3))}
    assert clocks["退办期限"].days_left == 7
    late = lead.due_on + datetime.timedelta(days=5)
    reply_clock = next(c for c in assignment_clocks(lead, late) if c.label == "答复期限")
    assert (reply_clock.days_left, reply_clock.overdue) == (-5, True)
    labels = [c.label for c in proposal_clocks(proposal, assigned)]
    assert any("会办意见期限" in label for label in labels)
