"""Key proposals: nomination, the chair meeting's decision, supervision by leaders."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from hcppcc.core.workflow.errors import IllegalTransition, NotAllowed
from hcppcc.directory.choices import MemberPosition
from proposals import services
from proposals.choices import NominatedBy, ProposalStatus, SupervisionStatus
from tests.factories import MemberFactory
from tests.forms import opened
from tests.proposals.conftest import refreshed

pytestmark = pytest.mark.django_db
S = ProposalStatus
DAY = datetime.date(2020, 6, 20)


@pytest.fixture
def key_proposal(walk):
    proposal = walk.to(S.HANDLING)
    nomination = services.key_nominate(
        proposal=proposal, by=walk.office, nominated_by=NominatedBy.OFFICE, nominated_on=DAY
    )
    services.key_decide(nomination=nomination, by=walk.office, approve=True, decided_on=DAY)
    return refreshed(proposal)


def test_a_nominated_proposal_becomes_key_when_the_chair_meeting_approves(walk):
    proposal = walk.to(S.ACCEPTED)
    nomination = services.key_nominate(
        proposal=proposal,
        by=walk.office,
        nominated_by=NominatedBy.COMMITTEE,
        committee=_committee(),
        nominated_on=DAY,
        reason="群众关注度高",
    )
    assert not refreshed(proposal).is_key
    services.key_decide(
        nomination=nomination, by=walk.office, approve=True, decided_on=DAY, note="主席会议通过"
    )
    proposal = refreshed(proposal)
    assert proposal.is_key
    assert proposal.transitions.last().action == "approve_key"


def _committee():
    from tests.factories import CommitteeFactory

    return CommitteeFactory(name="提案委员会")


def test_a_refused_nomination_leaves_the_proposal_as_it_was(walk):
    proposal = walk.to(S.ACCEPTED)
    nomination = services.key_nominate(
        proposal=proposal, by=walk.office, nominated_by=NominatedBy.OFFICE, nominated_on=DAY
    )
    services.key_decide(nomination=nomination, by=walk.office, approve=False, decided_on=DAY)
    assert not refreshed(proposal).is_key
    nomination = refreshed(nomination)
    assert (nomination.recorded_by, nomination.decided_by) == (walk.office, walk.office)
    assert list(proposal.transitions.values_list("action", flat=True))[-2:] == [
        "nominate_key",
        "refuse_key",
    ]
    # Decided once: a second decision is refused.
    with pytest.raises(IllegalTransition):
        services.key_decide(nomination=nomination, by=walk.office, approve=True, decided_on=DAY)


def test_a_party_nomination_names_the_party(walk):
    with pytest.raises(ValidationError, match="organization"):
        services.key_nominate(
            proposal=walk.to(S.ACCEPTED),
            by=walk.office,
            nominated_by=NominatedBy.PARTY,
            nominated_on=DAY,
        )


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.NOT_ACCEPTED, S.CLOSED])
def test_only_accepted_open_proposals_are_nominated(walk, status):
    with pytest.raises(IllegalTransition):
        services.key_nominate(
            proposal=walk.to(status),
            by=walk.office,
            nominated_by=NominatedBy.OFFICE,
            nominated_on=DAY,
        )


def test_a_key_proposal_is_supervised_by_the_leaders_who_lead_it(key_proposal, walk, leader):
    other_leader = MemberFactory(name="副主席乙", position=MemberPosition.VICE_CHAIR)
    supervision = services.supervision_plan(
        proposal=key_proposal,
        by=walk.office,
        leaders=[leader.member],
        plan="视察试点小区，召开办理协商会",
    )
    assert supervision.status == SupervisionStatus.PLANNED
    services.supervision_record_event(
        supervision=supervision, by=leader, date=DAY, method="inspection", place="新城区"
    )
    assert refreshed(supervision).status == SupervisionStatus.IN_PROGRESS
    services.supervision_report(supervision=supervision, by=leader, report="督办报告正文")
    supervision = refreshed(supervision)
    assert supervision.status == SupervisionStatus.REPORTED
    assert list(key_proposal.transitions.values_list("action", flat=True))[-2:] == [
        "plan_supervision",
        "report_supervision",
    ]
    assert list(supervision.leaders.all()) == [leader.member]
    assert other_leader.supervisions.count() == 0


def test_a_leader_cannot_record_supervision_of_a_proposal_they_do_not_lead(
    key_proposal, walk, leader
):
    someone_else = MemberFactory(name="副主席丙", position=MemberPosition.VICE_CHAIR)
    supervision = services.supervision_plan(
        proposal=key_proposal, by=walk.office, leaders=[someone_else]
    )
    with pytest.raises(NotAllowed):
        services.supervision_record_event(
            supervision=supervision, by=leader, date=DAY, method="research"
        )
    assert not supervision.events.exists()


def test_only_members_of_the_chair_meeting_lead_supervision(key_proposal, walk):
    with pytest.raises(ValidationError, match="leaders"):
        services.supervision_plan(
            proposal=key_proposal, by=walk.office, leaders=[MemberFactory(name="普通委员")]
        )


def test_only_key_proposals_are_supervised(walk, leader):
    with pytest.raises(IllegalTransition):
        services.supervision_plan(
            proposal=walk.to(S.HANDLING), by=walk.office, leaders=[leader.member]
        )


def test_a_report_needs_an_activity_first(key_proposal, walk, leader):
    supervision = services.supervision_plan(
        proposal=key_proposal, by=walk.office, leaders=[leader.member]
    )
    with pytest.raises(IllegalTransition):
        services.supervision_report(supervision=supervision, by=leader, report="x")


def test_a_leader_records_supervision_in_the_admin(client, key_proposal, walk, leader):
    supervision = services.supervision_plan(
        proposal=key_proposal, by=walk.office, leaders=[leader.member]
    )
    client.force_login(leader)
    page = client.get(reverse("admin:proposals_supervision_change", args=[supervision.pk]))
    step = reverse("admin:proposals_supervision_step", args=[supervision.pk, "record-event"])
    assert step in page.content.decode()
    response = client.post(
        step,
        {
            **opened(supervision),
            "date": "2020-07-15",
            "method": "symposium",
            "participants": "孙建华等",
            "place": "市政协",
        },
    )
    assert response.status_code == 302
    assert supervision.events.get().method == "symposium"
    # ...but takes no proposal steps.
    proposal_page = client.get(reverse("admin:proposals_proposal_change", args=[key_proposal.pk]))
    assert "/step/" not in proposal_page.content.decode()
