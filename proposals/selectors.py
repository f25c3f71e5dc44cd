"""Reads that span several models: scorecards, evaluation results, deadline clocks and the
public form of a proposal. Each runs a fixed number of queries, whatever the data size."""

import datetime
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hcppcc.directory.models import HandlingUnit
from proposals.choices import (
    ANSWERING_ROLES,
    AssignmentAction,
    AssignmentRole,
    AssignmentStatus,
    CoSignerStatus,
    DeskQueue,
    EvaluationRating,
    ProposalStatus,
    ReplyStatus,
    RequestDecision,
    Satisfaction,
)
from proposals.deadlines import deadlines
from proposals.models import (
    OPEN_ASSIGNMENT,
    Assignment,
    EvaluationVote,
    Feedback,
    LookBackItem,
    Proposal,
    Reply,
    ResultClass,
    ReturnRequest,
    Transition,
)


@dataclass
class UnitScorecard:
    """How one handling unit handled the proposals assigned to it in one year."""

    unit: HandlingUnit
    received: int = 0
    acknowledged_on_time: int = 0
    answering: int = 0
    replied: int = 0
    replied_on_time: int = 0
    days_to_reply: list[int] = field(default_factory=list)
    results: Counter = field(default_factory=Counter)
    satisfaction: Counter = field(default_factory=Counter)
    rehandled: int = 0
    return_requests: int = 0
    returns_approved: int = 0
    look_back: Counter = field(default_factory=Counter)

    @property
    def on_time_rate(self) -> float | None:
        """Share of the answering assignments replied to by their due date."""
        return self.replied_on_time / self.answering if self.answering else None

    @property
    def median_days_to_reply(self) -> float | None:
        return statistics.median(self.days_to_reply) if self.days_to_reply else None


def latest_approved_replies(assignments) -> dict[int, Reply]:
    """The latest approved reply of each assignment in ``assignments``, in one query."""
    replies = (
        Reply.objects.filter(assignment__in=assignments, status=ReplyStatus.APPROVED)
        .select_related("result_class", "assignment")
        .order_by("assignment_id", "round", "pk")
    )
    return {reply.assignment_id: reply for reply in replies}  # the last one wins


def latest_result_codes(assignments) -> dict[int, str]:
    """The result class code of each assignment's latest approved reply, read as pairs
    (a session's tallies need no reply records)."""
    rows = (
        Reply.objects.filter(assignment__in=assignments, status=ReplyStatus.APPROVED)
        .values_list("assignment_id", "result_class__code")
        .order_by("assignment_id", "round", "pk")
    )
    return dict(rows)  # the latest wins


def reclassified_codes(assignments) -> dict[int, str]:
    """For assignments a look-back review reclassified, the latest class they were given."""
    rows = (
        LookBackItem.objects.filter(assignment__in=assignments, reclassified_to__isnull=False)
        .values_list("assignment_id", "reclassified_to__code")
        .order_by("assignment_id", "decided_at", "pk")
    )
    return dict(rows)  # the latest wins


def unit_scorecards(year: int) -> list[UnitScorecard]:
    """Scorecards of every unit assigned proposals in ``year`` (by assignment date), in
    eight queries however many units and assignments there are.

    - acknowledged on time: within the return window of the assignment date;
    - replied on time: the first approved reply was handed in on or before the due date
      in force then; the rate is over answering (lead and separate) assignments that were
      not returned; days to reply run from assignment to that hand-in;
    - results: the class of each answering assignment's latest approved reply, or the
      class a look-back review reclassified it as;
    - handled again: answering assignments reopened after unsatisfied feedback or a
      look-back review (not units merely added in a later round);
    - satisfaction: the proposer's latest verdict on the result, counted for each
      answering unit of the proposal.
    """
    clocks = deadlines()
    zone = timezone.get_current_timezone()
    # Every query below filters by this, not by a list of ids, so that a year of a large
    # committee costs no longer statements. Rows are read as tuples, not records: a
    # provincial year is tens of thousands of assignments.
    of_year = Assignment.objects.filter(assigned_on__year=year)
    assignments = of_year.values_list(
        "pk", "unit_id", "proposal_id", "role", "status", "assigned_on", "acknowledged_at"
    ).order_by("unit__sort_order", "unit__name", "pk")
    cards: dict[int, UnitScorecard] = {}
    by_id: dict[int, tuple[int, datetime.date]] = {}  # assignment → unit, assignment date
    answering_by_proposal = defaultdict(set)
    for pk, unit_id, proposal_id, role, status, assigned_on, acknowledged in assignments:
        card = cards.get(unit_id)
        if card is None:
            card = cards[unit_id] = UnitScorecard(unit=None)  # read below, all at once
        by_id[pk] = (unit_id, assigned_on)
        card.received += 1
        if acknowledged and acknowledged.astimezone(zone).date() <= clocks.return_window_ends(
            assigned_on
        ):
            card.acknowledged_on_time += 1
        if role in ANSWERING_ROLES and status != AssignmentStatus.RETURNED:
            card.answering += 1
            answering_by_proposal[proposal_id].add(unit_id)
    for unit in HandlingUnit.objects.filter(pk__in=list(cards)):
        cards[unit.pk].unit = unit

    reopened = (
        Transition.objects.filter(assignment__in=of_year, action=AssignmentAction.REOPEN)
        .exclude(assignment__status=AssignmentStatus.RETURNED)
        .values_list("assignment_id", flat=True)
        .distinct()
    )
    for assignment_id in reopened:
        cards[by_id[assignment_id][0]].rehandled += 1

    replies = (
        Reply.objects.filter(assignment__in=of_year, status=ReplyStatus.APPROVED)
        .values_list("assignment_id", "submitted_at", "due_on", "result_class__code")
        .order_by("assignment_id", "round", "pk")
    )
    first: dict[int, tuple] = {}
    latest: dict[int, str] = {}
    for assignment_id, submitted_at, due_on, code in replies:
        if assignment_id not in first:
            first[assignment_id] = (submitted_at.astimezone(zone).date(), due_on)
        latest[assignment_id] = code
    latest.update(reclassified_codes(of_year))
    for assignment_id, (handed_in, due_on) in first.items():
        unit_id, assigned_on = by_id[assignment_id]
        card = cards[unit_id]
        card.replied += 1
        card.days_to_reply.append((handed_in - assigned_on).days)
        if due_on is None or handed_in <= due_on:
            card.replied_on_time += 1
    for assignment_id, code in latest.items():
        cards[by_id[assignment_id][0]].results[code] += 1

    verdicts = (
        Feedback.objects.filter(proposal__in=of_year.values("proposal_id"))
        .values_list("proposal_id", "result")
        .order_by("proposal_id", "round")
    )
    for proposal_id, result in dict(verdicts).items():  # the last round's verdict wins
        for unit_id in answering_by_proposal.get(proposal_id, ()):
            cards[unit_id].satisfaction[result] += 1

    returns = (
        ReturnRequest.objects.filter(assignment__in=of_year)
        .values("assignment__unit_id", "decision")
        .annotate(total=Count("pk"))
        .order_by()
    )
    for row in returns:
        card = cards[row["assignment__unit_id"]]
        card.return_requests += row["total"]
        if row["decision"] == RequestDecision.APPROVED:
            card.returns_approved += row["total"]

    outcomes = (
        LookBackItem.objects.filter(assignment__in=of_year)
        .exclude(outcome="")
        .values("assignment__unit_id", "outcome")
        .annotate(total=Count("pk"))
        .order_by()
    )
    for row in outcomes:
        cards[row["assignment__unit_id"]].look_back[row["outcome"]] += row["total"]
    return list(cards.values())


@dataclass
class EvaluationResult:
    unit: HandlingUnit
    votes: Counter

    @property
    def satisfaction_rate(self) -> float | None:
        """Very satisfied, satisfied and basically satisfied over every vote but abstentions."""
        counted = sum(n for rating, n in self.votes.items() if rating != EvaluationRating.ABSTAIN)
        content = sum(
            self.votes[rating]
            for rating in (
                EvaluationRating.VERY_SATISFIED,
                EvaluationRating.SATISFIED,
                EvaluationRating.BASICALLY_SATISFIED,
            )
        )
        return content / counted if counted else None


def evaluation_results(evaluation_round) -> list[EvaluationResult]:
    """Each evaluated unit's votes by rating, in two queries."""
    rows = (
        EvaluationVote.objects.filter(round=evaluation_round)
        .values("unit_id", "rating")
        .annotate(total=Count("pk"))
        .order_by()
    )
    votes = defaultdict(Counter)
    for row in rows:
        votes[row["unit_id"]][row["rating"]] = row["total"]
    return [
        EvaluationResult(unit=unit, votes=votes[unit.pk])
        for unit in evaluation_round.units.order_by("sort_order", "name")
    ]


@dataclass(frozen=True)
class Clock:
    """A stage with a deadline: what, when, and how many days are left (negative: late)."""

    label: str
    due: datetime.date
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_late(self) -> int:
        return max(0, -self.days_left)


def _clock(label, due: datetime.date, today: datetime.date) -> Clock:
    return Clock(label=str(label), due=due, days_left=(due - today).days)


def assignment_clocks(assignment: Assignment, today: datetime.date) -> list[Clock]:
    """The deadlines running on an assignment: the return window, the joint opinion or
    reply, and extension requests waiting for the office."""
    clocks = []
    if assignment.status in (AssignmentStatus.ASSIGNED, AssignmentStatus.ACKNOWLEDGED):
        window_ends = deadlines().return_window_ends(assignment.assigned_on)
        if window_ends >= today:
            clocks.append(_clock(_("Return window (退办)"), window_ends, today))
    if assignment.status in (
        AssignmentStatus.ASSIGNED,
        AssignmentStatus.ACKNOWLEDGED,
        AssignmentStatus.RETURN_REQUESTED,
        AssignmentStatus.REPLY_SUBMITTED,
    ):
        label = (
            _("Joint opinion due") if assignment.role == AssignmentRole.JOINT else _("Reply due")
        )
        clocks.append(_clock(label, assignment.due_on, today))
    for request in assignment.extension_requests.all():
        if request.decision == RequestDecision.PENDING:
            due = deadlines().extension_decision_due(timezone.localdate(request.created_at))
            clocks.append(_clock(_("Extension request to be decided by"), due, today))
    return clocks


def proposal_clocks(proposal: Proposal, today: datetime.date) -> list[Clock]:
    """The deadlines running on a proposal: co-signing, its units' clocks, feedback."""
    clocks = []
    if proposal.status == ProposalStatus.AWAITING_COSIGNERS:
        deadlines = [
            c.deadline
            for c in proposal.cosigners.all()
            if c.status == CoSignerStatus.INVITED and c.deadline
        ]
        if deadlines:
            clocks.append(_clock(_("Co-signers confirm by"), max(deadlines), today))
    for assignment in proposal.assignments.all():
        for clock in assignment_clocks(assignment, today):
            clocks.append(Clock(f"{assignment.unit} · {clock.label}", clock.due, clock.days_left))
    if proposal.status == ProposalStatus.REPLIED and proposal.replied_at:
        due = deadlines().feedback_due(proposal.replied_at.date())
        clocks.append(_clock(_("Proposer feedback due"), due, today))
    return clocks


# Fields a published proposal shows. Contact details (phones, e-mail, contact persons) are
# never among them.
PUBLIC_PROPOSAL_FIELDS = ("title", "situation", "suggestions")


def public_record(proposal: Proposal) -> dict:
    """What may be shown to the public about a published proposal and its published
    replies; nothing for an unpublished one."""
    if not proposal.is_published or not proposal.consent_to_publish:
        return {}
    record = {name: getattr(proposal, name) for name in PUBLIC_PROPOSAL_FIELDS}
    record["number"] = proposal.number_display
    record["session"] = str(proposal.session)
    record["proposer"] = proposal.proposer_display
    record["replies"] = [
        {
            "unit": reply.assignment.unit.name,
            "result_class": reply.result_class.code,
            "date": reply.reply_date.isoformat(),
            "text": reply.text,
        }
        for reply in Reply.objects.filter(
            assignment__proposal=proposal, is_published=True, status=ReplyStatus.APPROVED
        ).select_related("assignment__unit", "result_class")
    ]
    return record


@dataclass
class Tally:
    """One bar of a chart and one row of the table beside it."""

    label: str
    count: int
    key: str = ""


def _tallies(rows, key: str, labels: dict, order=None) -> list[Tally]:
    counts = {row[key]: row["n"] for row in rows}
    keys = list(order) if order is not None else sorted(counts, key=lambda k: -counts[k])
    return [Tally(str(labels.get(k, k or "—")), counts.get(k, 0), str(k or "")) for k in keys]


@dataclass
class SessionDashboard:
    """The office's view of one session: where its proposals stand, how the units answer."""

    session: object
    by_status: list[Tally]
    by_category: list[Tally]
    replies_by_class: list[Tally]
    satisfaction: list[Tally]
    overdue: list[Assignment]
    overdue_count: int
    due_soon: list[Assignment]
    due_soon_count: int
    units: list[UnitScorecard]
    replied_on_time: int
    answering: int
    key_proposals: list

    @property
    def total(self) -> int:
        return sum(t.count for t in self.by_status)

    @property
    def on_time_rate(self) -> float | None:
        return self.replied_on_time / self.answering if self.answering else None


def session_dashboard(session, today: datetime.date, *, due_days: int = 14, rows: int = 10):
    """Everything the dashboard shows for ``session``, in a fixed number of queries that
    grows with the session asked for, not with the archive."""
    from proposals.models import Supervision

    proposals = Proposal.objects.filter(session=session)
    by_status = _tallies(
        proposals.values("status").annotate(n=Count("pk")),
        "status",
        dict(ProposalStatus.choices),
        order=list(ProposalStatus.values),
    )
    by_status = [t for t in by_status if t.count]
    by_category = _tallies(
        proposals.exclude(category=None).values("category__name").annotate(n=Count("pk")),
        "category__name",
        {},
    )
    # Each answering assignment's result: its latest approved reply's class, or the class a
    # look-back review gave it (as the yearly figures and the scorecards count).
    answering = Assignment.objects.filter(proposal__session=session, role__in=ANSWERING_ROLES)
    results = latest_result_codes(answering)
    results.update(reclassified_codes(answering))
    names = dict(ResultClass.objects.values_list("code", "name"))
    replies_by_class = [
        Tally(f"{code} {names.get(code, '')}".strip(), count, code)
        for code, count in sorted(Counter(results.values()).items())
    ]
    # The proposer's latest verdict on the result of each proposal.
    latest_verdicts = dict(
        Feedback.objects.filter(proposal__session=session)
        .order_by("proposal_id", "round")
        .values_list("proposal_id", "result")
    )
    verdicts = Counter(latest_verdicts.values())
    satisfaction = [
        Tally(str(label), verdicts.get(value, 0), value) for value, label in Satisfaction.choices
    ]
    assignments = Assignment.objects.filter(proposal__session=session)
    overdue = assignments.overdue(today).for_list().order_by("due_on", "pk")
    due_soon = assignments.due_soon(today, due_days).for_list()
    cards = unit_scorecards(session.year)
    ranked = sorted(
        (card for card in cards if card.answering),
        key=lambda card: (-(card.on_time_rate or 0), card.unit.name),
    )
    key_proposals = list(
        Supervision.objects.filter(proposal__session=session)
        .select_related("proposal", "proposal__session")
        .prefetch_related("leaders")
        .order_by("proposal__case_number")
    )
    return SessionDashboard(
        session=session,
        by_status=by_status,
        by_category=by_category,
        replies_by_class=replies_by_class,
        satisfaction=satisfaction,
        overdue=list(overdue[:rows]),
        overdue_count=overdue.count(),
        due_soon=list(due_soon[:rows]),
        due_soon_count=due_soon.count(),
        units=ranked,
        replied_on_time=sum(card.replied_on_time for card in cards),
        answering=sum(card.answering for card in cards),
        key_proposals=key_proposals,
    )


# --- the handling desk ---------------------------------------------------------------------

DESK_DUE_SOON_DAYS = 7


def desk_queues(today: datetime.date) -> dict[str, Q]:
    """Each queue of the handling desk (DeskQueue) as a condition on assignments. Only
    assignments still on the desk count (``OPEN_ASSIGNMENT``, as ``overdue()`` reads it):

    - to acknowledge (待签收): assigned, not yet acknowledged;
    - to answer (待答复): acknowledged, the reply (a joint unit's opinion) not yet sent;
    - due within 7 days: due today or in the next 7 days (``due_soon(today, 7)``);
    - overdue (已逾期): past the due date without an approved reply (``overdue(today)``);
    - sent back (被退回修改): to answer again because the office sent this round's reply back.
    """
    sent_back = Reply.objects.filter(
        assignment=OuterRef("pk"), round=OuterRef("round"), status=ReplyStatus.SENT_BACK
    )
    soon = today + datetime.timedelta(days=DESK_DUE_SOON_DAYS)
    return {
        DeskQueue.TO_ACKNOWLEDGE: OPEN_ASSIGNMENT & Q(status=AssignmentStatus.ASSIGNED),
        DeskQueue.TO_ANSWER: OPEN_ASSIGNMENT & Q(status=AssignmentStatus.ACKNOWLEDGED),
        DeskQueue.DUE_SOON: OPEN_ASSIGNMENT & Q(due_on__gte=today, due_on__lte=soon),
        DeskQueue.OVERDUE: OPEN_ASSIGNMENT & Q(due_on__lt=today),
        DeskQueue.SENT_BACK: OPEN_ASSIGNMENT
        & Q(status=AssignmentStatus.ACKNOWLEDGED)
        & Q(Exists(sent_back)),
    }


@dataclass(frozen=True)
class DeskCount:
    queue: str
    label: str
    count: int


def desk_counts(assignments, today: datetime.date) -> list[DeskCount]:
    """How many of ``assignments`` (a reader's scope) wait in each desk queue, in the
    order of DeskQueue: one query, whatever the number of assignments."""
    queues = desk_queues(today)
    counts = assignments.aggregate(
        **{queue: Count("pk", filter=condition) for queue, condition in queues.items()}
    )
    return [DeskCount(queue, str(label), counts[queue]) for queue, label in DeskQueue.choices]
