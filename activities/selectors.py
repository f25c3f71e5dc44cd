"""Reads of the activities app: the yearly figures and the members' duty scorecards.

Both are computed from the records, never typed in, in a fixed number of queries.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from activities.choices import ActivityStatus, Attendance, DutyItem, ReportStatus, UpwardLevel
from activities.models import (
    Activity,
    Bulletin,
    DutyGrade,
    DutyRule,
    Instruction,
    OpinionReport,
    Participation,
    UpwardReport,
)
from hcppcc.directory.models import Member
from proposals.choices import ACCEPTED_STATES, AwardKind, ProposalStatus
from proposals.models import Assignment, Award, CoSigner, Feedback, Proposal, Supervision
from proposals.selectors import Tally, latest_approved_replies

# The bulletin the summary counts: 《呼和浩特市社情民意》.
BULLETIN_SERIES = "呼和浩特市社情民意"


def yearly_figures(year: int) -> dict:
    """The year's work in figures (年度工作综述), as the summary reports them.

    Proposals are those of the year's sessions (十三届三次会议 for 2020); the rest is
    counted by its own date in the year. Returned as plain data, ready for JSON.
    """
    reports = OpinionReport.objects.filter(received_on__year=year)
    # The summary's "向自治区政协报送" counts what went to the regional CPPCC.
    upward = UpwardReport.objects.filter(reported_on__year=year, level=UpwardLevel.REGION)
    proposals = Proposal.objects.filter(session__year=year)
    assignments = Assignment.objects.filter(proposal__session__year=year)
    activities = Activity.objects.filter(starts_on__year=year, status=ActivityStatus.DONE)
    counts = proposals.aggregate(
        received=Count("pk", filter=Q(submitted_at__isnull=False)),
        accepted=Count("pk", filter=Q(status__in=ACCEPTED_STATES)),
        assigned=Count("pk", filter=Q(status__in=ASSIGNED_STATES)),
        key=Count("pk", filter=Q(is_key=True)),
    )
    return {
        "year": year,
        "opinion_reports": {
            "received": reports.count(),
            "adopted": reports.filter(status=ReportStatus.ADOPTED).count(),
            "bulletin_issues": Bulletin.objects.filter(year=year, series=BULLETIN_SERIES).count(),
            "reported_upward": upward.values("report").distinct().count(),
            "adopted_upward": upward.filter(adopted=True).values("report").distinct().count(),
            "instructions": Instruction.objects.filter(date__year=year).count(),
        },
        "proposals": {
            **counts,
            "supervised": Supervision.objects.filter(proposal__session__year=year).count(),
            # One per answering unit: its latest approved reply's class.
            "replies_by_class": dict(
                sorted(
                    Counter(
                        reply.result_class.code
                        for reply in latest_approved_replies(assignments).values()
                    ).items()
                )
            ),
            # One per proposal: the verdict of its latest round.
            "satisfaction": dict(
                sorted(
                    Counter(
                        dict(
                            Feedback.objects.filter(proposal__session__year=year)
                            .order_by("proposal_id", "round")
                            .values_list("proposal_id", "result")
                        ).values()
                    ).items()
                )
            ),
        },
        "activities": {
            "by_kind": dict(
                activities.values_list("kind__name")
                .annotate(total=Count("pk"))
                .order_by("kind__sort_order", "kind__name")
            ),
            "total": activities.count(),
            "members_taking_part": Participation.objects.filter(
                activity__in=activities, attendance=Attendance.PRESENT
            )
            .values("member")
            .distinct()
            .count(),
        },
    }


# Proposals that reached their units.
ASSIGNED_STATES = (
    ProposalStatus.ASSIGNED,
    ProposalStatus.HANDLING,
    ProposalStatus.REPLIED,
    ProposalStatus.CLOSED,
)


@dataclass
class DutyLine:
    item: str
    label: str
    count: int
    points: Decimal


@dataclass
class DutyScorecard:
    member: Member
    counts: Counter = field(default_factory=Counter)
    lines: list[DutyLine] = field(default_factory=list)
    total: Decimal = Decimal(0)
    grade: str = ""


def _member_counts(year: int) -> dict[int, Counter]:
    """How many of each duty item every member did in ``year``: seven queries."""
    counts: dict[int, Counter] = defaultdict(Counter)
    attendance_item = {
        Attendance.PRESENT: DutyItem.PLENARY_PRESENT,
        Attendance.LEAVE: DutyItem.PLENARY_LEAVE,
        Attendance.ABSENT: DutyItem.PLENARY_ABSENT,
    }
    plenary = (
        Participation.objects.filter(
            activity__starts_on__year=year,
            activity__kind__is_plenary=True,
            activity__status=ActivityStatus.DONE,
        )
        .values_list("member_id", "attendance")
        .annotate(total=Count("pk"))
        .order_by()
    )
    for member_id, attendance, total in plenary:
        counts[member_id][attendance_item[attendance]] += total
    attended = (
        Participation.objects.filter(
            activity__starts_on__year=year,
            activity__kind__is_plenary=False,
            activity__status=ActivityStatus.DONE,
            attendance=Attendance.PRESENT,
        )
        .values_list("member_id")
        .annotate(total=Count("pk"))
        .order_by()
    )
    for member_id, total in attended:
        counts[member_id][DutyItem.ACTIVITY_ATTENDED] += total
    own = (
        Proposal.objects.filter(session__year=year, lead_member__isnull=False)
        .exclude(status__in=(ProposalStatus.DRAFT, ProposalStatus.WITHDRAWN))
        .values_list("lead_member_id")
        .annotate(
            total=Count("pk"),
            accepted=Count("pk", filter=Q(case_number__isnull=False)),
            key=Count("pk", filter=Q(is_key=True)),
        )
        .order_by()
    )
    for member_id, total, accepted, key in own:
        counts[member_id][DutyItem.PROPOSAL_LEAD] += total
        counts[member_id][DutyItem.PROPOSAL_ACCEPTED] += accepted
        counts[member_id][DutyItem.PROPOSAL_KEY] += key
    cosigned = (
        CoSigner.objects.filter(proposal__session__year=year, status="confirmed")
        .exclude(proposal__status__in=(ProposalStatus.DRAFT, ProposalStatus.WITHDRAWN))
        .values_list("member_id")
        .annotate(total=Count("pk"))
        .order_by()
    )
    for member_id, total in cosigned:
        counts[member_id][DutyItem.PROPOSAL_COSIGNED] += total
    awarded = (
        Award.objects.filter(year=year, kind=AwardKind.EXCELLENT_PROPOSAL)
        .exclude(proposal__lead_member=None)
        .values_list("proposal__lead_member_id")
        .annotate(total=Count("pk"))
        .order_by()
    )
    for member_id, total in awarded:
        counts[member_id][DutyItem.PROPOSAL_AWARDED] += total
    reports = (
        OpinionReport.objects.filter(received_on__year=year)
        .values_list("members")
        .annotate(
            total=Count("pk", distinct=True),
            adopted=Count("pk", distinct=True, filter=Q(status=ReportStatus.ADOPTED)),
        )
        .exclude(members=None)
        .order_by()
    )
    for member_id, total, adopted in reports:
        counts[member_id][DutyItem.REPORT_SUBMITTED] += total
        counts[member_id][DutyItem.REPORT_ADOPTED] += adopted
    return counts


def member_scorecards(year: int, members=None) -> list[DutyScorecard]:
    """Each active member's duty scorecard for ``year``: line items from the rules, the
    total and the grade. A fixed number of queries for all members at once."""
    rules = {rule.item: rule for rule in DutyRule.objects.all()}
    grades = list(DutyGrade.objects.order_by("-min_points"))
    counts = _member_counts(year)
    labels = dict(DutyItem.choices)
    if members is None:
        members = Member.objects.active().select_related("sector").order_by("name")
    cards = []
    for member in members:
        card = DutyScorecard(member=member, counts=counts.get(member.pk, Counter()))
        for item in DutyItem:
            rule = rules.get(item)
            count = card.counts[item]
            if rule is None or not count:
                continue
            points = rule.points * count
            if rule.cap is not None:
                cap = abs(rule.cap)  # a cap bounds penalties as it bounds credits
                points = min(points, cap) if points >= 0 else max(points, -cap)
            card.lines.append(DutyLine(item, str(labels[item]), count, points))
            card.total += points
        card.grade = next((g.name for g in grades if card.total >= g.min_points), "")
        cards.append(card)
    return cards


REMINDER_REASONS = {
    "below": _("below the threshold"),
    "no_proposal": _("no proposal yet"),
    "no_report": _("no public-opinion report yet"),
    "no_activity": _("no activity attended yet"),
}


def midyear_reminders(year: int, below: Decimal) -> list[tuple[DutyScorecard, list[str]]]:
    """Members to remind at mid-year (半年一提醒): below ``below`` points, or with no
    proposal, no public-opinion report or no activity yet this year. Each comes with the
    reasons, in words."""
    reminders = []
    for card in member_scorecards(year):
        reasons = []
        if card.total < below:
            reasons.append(str(REMINDER_REASONS["below"]))
        if not card.counts[DutyItem.PROPOSAL_LEAD] + card.counts[DutyItem.PROPOSAL_COSIGNED]:
            reasons.append(str(REMINDER_REASONS["no_proposal"]))
        if not card.counts[DutyItem.REPORT_SUBMITTED]:
            reasons.append(str(REMINDER_REASONS["no_report"]))
        if not card.counts[DutyItem.ACTIVITY_ATTENDED]:
            reasons.append(str(REMINDER_REASONS["no_activity"]))
        if reasons:
            reminders.append((card, reasons))
    return reminders


def activities_by_kind(year: int) -> list[Tally]:
    """How many activities of each kind took place (started) in ``year``, most first."""
    rows = (
        Activity.objects.filter(starts_on__year=year)
        .values("kind__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "kind__name")
    )
    return [Tally(row["kind__name"], row["n"]) for row in rows]
