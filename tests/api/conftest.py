"""The proposal fixtures (``walk`` and what it needs) serve the API tests too, with a world
that has records behind every endpoint."""

import pytest

from proposals.choices import ProposalStatus as S
from tests.proposals.conftest import proposer, reference, session, unit_c, walk  # noqa: F401


@pytest.fixture
def a_bit_of_everything(walk, leader):  # noqa: F811 (walk is the imported fixture)
    """At least two records behind every list endpoint."""
    import datetime

    from activities.models import Activity, ActivityKind, Bulletin, OpinionReport
    from proposals import services
    from proposals.models import LookBackCampaign

    day = datetime.date(2020, 6, 1)
    for _ in range(2):
        closed = walk.to(S.CLOSED)
        handling = walk.to(S.HANDLING)
        lead = walk.lead(handling)
        services.assignment_request_extension(assignment=lead, by=walk.office, days=5, reason="x")
        assigned = walk.to(S.ASSIGNED)
        services.assignment_request_return(
            assignment=walk.lead(assigned), by=walk.office, reason="x"
        )
        nomination = services.key_nominate(
            proposal=handling, by=walk.office, nominated_by="office", nominated_on=day
        )
        services.key_decide(nomination=nomination, by=walk.office, approve=True, decided_on=day)
        services.supervision_plan(proposal=handling, by=walk.office, leaders=[leader.member])
        assert closed.status == S.CLOSED
    for n in range(2):
        services.lookback_campaign_create(
            campaign=LookBackCampaign(
                name=f"回头看{n}", year=2020, session=walk.session, starts_on=day, ends_on=day
            ),
            by=walk.office,
            result_classes=[walk.ref["A"]],
        )
    from tests.factories import CommitteeFactory, OrganizationFactory, SessionFactory

    SessionFactory(term=13, number=4, year=2021)
    CommitteeFactory.create_batch(2)
    OrganizationFactory.create_batch(2)
    kind = ActivityKind.objects.create(name="视察")
    for n in range(2):
        Activity.objects.create(kind=kind, title=f"活动{n}", starts_on=day)
        Bulletin.objects.create(year=2020, number=n + 1, issued_on=day)
        OpinionReport.objects.create(title=f"信息{n}", received_on=day)
    from hcppcc.notices.services import notify

    for n in range(2):  # the office's own notices (the units have theirs from the walk)
        notify([walk.office], kind="reply_submitted", title=f"通知{n}")
