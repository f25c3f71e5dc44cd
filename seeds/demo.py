"""Synthetic records for a demonstration year, calibrated to the totals the 2020 summary
publishes, so that the yearly figures computed from the records equal the published ones.

Every record made here is marked (``is_demo``, or 【演示】 in a proposal's title). The
generator tops up: it counts what the year already holds (the seeds) and adds only the
difference, so a second run adds nothing. It is deterministic: the same seed gives the same
records.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from activities.choices import ReportStatus, UpwardLevel
from activities.models import Activity, ActivityKind, Bulletin, OpinionReport, UpwardReport
from hcppcc.directory.models import HandlingUnit, Organization, Session
from proposals import services
from proposals.choices import ACCEPTED_STATES, AssignmentRole, ProposerKind
from proposals.models import Category, Proposal

# The figures of "2020年呼和浩特市政协工作综述".
PUBLISHED_2020 = {
    "opinion_reports": 667,
    "bulletin_issues": 107,
    "reported_upward": 87,
    "proposals_accepted_and_assigned": 495,
    "joint_investigations": 33,
    "briefings": 3,
}
DEMO = "【演示】"
TOPICS = (
    "优化营商环境",
    "老旧小区改造",
    "生活垃圾分类",
    "基层医疗服务",
    "义务教育均衡",
    "乡村振兴",
    "黄河流域生态保护",
    "城市交通治理",
    "养老服务体系",
    "民营企业纾困",
)


def _day(rng: random.Random, year: int) -> datetime.date:
    return datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(360))


@transaction.atomic
def generate(year: int, targets: dict[str, int], seed: int = 2020) -> dict[str, int]:
    """Add what ``year`` lacks to reach ``targets``; returns how many of each were added."""
    rng = random.Random(seed)
    added = {}
    added["bulletin_issues"] = _bulletins(year, targets["bulletin_issues"])
    added["opinion_reports"] = _reports(rng, year, targets["opinion_reports"])
    added["reported_upward"] = _upward(rng, year, targets["reported_upward"])
    added["joint_investigations"] = _activities(
        rng, year, "联合调研", targets["joint_investigations"]
    )
    added["briefings"] = _activities(rng, year, "知情明政吹风会", targets["briefings"])
    added["proposals_accepted_and_assigned"] = _proposals(
        rng, year, targets["proposals_accepted_and_assigned"]
    )
    return added


def _bulletins(year: int, target: int) -> int:
    have = Bulletin.objects.filter(year=year).count()
    numbers = set(Bulletin.objects.filter(year=year).values_list("number", flat=True))
    new, number = [], 1
    while have + len(new) < target:
        if number not in numbers:
            issued = datetime.date(year, 1, 1) + datetime.timedelta(days=(number * 3) % 360)
            new.append(Bulletin(year=year, number=number, issued_on=issued, is_demo=True))
        number += 1
    Bulletin.objects.bulk_create(new)
    return len(new)


def _reports(rng: random.Random, year: int, target: int) -> int:
    missing = target - OpinionReport.objects.filter(received_on__year=year).count()
    organizations = list(Organization.objects.active())
    bulletins = list(Bulletin.objects.filter(year=year).order_by("number"))
    made = []
    for index in range(max(missing, 0)):
        # Roughly three adopted reports per bulletin issue, the rest received.
        bulletin = bulletins[index % len(bulletins)] if bulletins and index % 2 == 0 else None
        made.append(
            OpinionReport(
                title=f"{DEMO}关于{rng.choice(TOPICS)}的社情民意（{index + 1}）",
                content="演示数据。",
                received_on=_day(rng, year),
                status=ReportStatus.ADOPTED if bulletin else ReportStatus.RECEIVED,
                bulletin=bulletin,
                is_demo=True,
            )
        )
    created = bulk_create_with_history(made, OpinionReport)
    if organizations:
        links = OpinionReport.organizations.through
        links.objects.bulk_create(
            links(opinionreport_id=report.pk, organization_id=rng.choice(organizations).pk)
            for report in created
        )
    return len(created)


def _upward(rng: random.Random, year: int, target: int) -> int:
    have = UpwardReport.objects.filter(reported_on__year=year).values("report").distinct().count()
    # Only demonstration reports are sent upward: real records are never touched.
    candidates = list(
        OpinionReport.objects.filter(
            received_on__year=year, status=ReportStatus.ADOPTED, upward__isnull=True, is_demo=True
        ).order_by("pk")
    )
    chosen = candidates[: max(target - have, 0)]
    UpwardReport.objects.bulk_create(
        UpwardReport(
            report=report,
            level=UpwardLevel.REGION,
            reported_on=report.received_on,
            adopted=rng.random() < 0.3,
            is_demo=True,
        )
        for report in chosen
    )
    return len(chosen)


def _activities(rng: random.Random, year: int, kind_name: str, target: int) -> int:
    kind = ActivityKind.objects.get(name=kind_name)
    have = Activity.objects.filter(kind=kind, starts_on__year=year, status="done").count()
    made = [
        Activity(
            kind=kind,
            title=f"{DEMO}{kind_name}：{rng.choice(TOPICS)}（{index + 1}）",
            starts_on=_day(rng, year),
            is_demo=True,
        )
        for index in range(max(target - have, 0))
    ]
    bulk_create_with_history(made, Activity)
    return len(made)


def _proposals(rng: random.Random, year: int, target: int) -> int:
    """Accepted and assigned proposals, taken through the services like real ones."""
    session = Session.objects.filter(year=year).order_by("number").first()
    if session is None:
        return 0
    have = Proposal.objects.filter(session=session, status__in=ACCEPTED_STATES).count()
    organizations = list(Organization.objects.active())
    categories = list(Category.objects.active())
    units = list(HandlingUnit.objects.active())
    when = datetime.date(year, 6, 5)
    # Every step on the day of assignment, so the history reads in order (an export of it
    # imports into another system).
    at = timezone.make_aware(datetime.datetime.combine(when, datetime.time(10)))
    for index in range(max(target - have, 0)):
        proposal = services.proposal_create(
            proposal=Proposal(
                session=session,
                title=f"{DEMO}关于{rng.choice(TOPICS)}的提案（{index + 1}）",
                situation="演示数据。",
                suggestions="演示数据。",
                explanation="演示数据，非真实提案。",
                proposer_kind=ProposerKind.COLLECTIVE,
                organization=rng.choice(organizations),
                source_note="演示数据",
            ),
            by=None,
            at=at,
        )
        services.proposal_submit(proposal=proposal, by=None, at=at)
        services.proposal_accept(proposal=proposal, by=None, category=rng.choice(categories), at=at)
        services.proposal_assign(
            proposal=proposal,
            by=None,
            units=[services.UnitAssignment(rng.choice(units), AssignmentRole.LEAD)],
            assigned_on=when,
            at=at,
        )
    return max(target - have, 0)
