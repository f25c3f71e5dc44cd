"""Proposals (提案) and their handling.

A proposal is drafted by a member or an organization, reviewed by the proposal office,
assigned to handling units, answered, and judged by its proposer. Status fields change only
through the services (proposals/services/); every change writes a ``Transition`` row, from which the
timeline is read.
"""

import datetime

from django.conf import settings
from django.contrib.admin import display as admin_display
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import (
    Case,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hcppcc.core.files import RandomName, validate_document
from hcppcc.core.workflow.fields import actor_field
from hcppcc.directory.models import (
    Committee,
    HandlingUnit,
    Member,
    Named,
    Organization,
    Sector,
    Session,
    TimeStamped,
)
from proposals.choices import (
    OPEN_ASSIGNMENT_STATES,
    OPEN_STATES,
    PROPOSAL_HANDLING_STATES,
    AssignmentAction,
    AssignmentRole,
    AssignmentStatus,
    ContactWay,
    Conversion,
    CoSignerStatus,
    ProposalAction,
    ProposalSource,
    ProposalStatus,
    ProposerKind,
    ReplyStatus,
    RequestDecision,
    Satisfaction,
    SubmissionPeriod,
)

EXPLANATION_MAX_LENGTH = 200


class ProposalQuerySet(models.QuerySet):
    def for_list(self, assignments: "AssignmentQuerySet | None" = None) -> "ProposalQuerySet":
        """Everything a proposal list row shows, in a fixed number of queries. A collective
        proposer's name comes by subquery (``collective_name``), not by three more joins:
        PostgreSQL takes longer to plan a seven-table join (6 ms) than to read the page.
        ``assignments``: those the reader may see (their scope), where not all."""
        assignments = Assignment.objects.all() if assignments is None else assignments
        collective = [
            Subquery(model.objects.filter(pk=OuterRef(f"{field}_id")).values("name"))
            for field, model in (
                ("organization", Organization),
                ("committee", Committee),
                ("sector", Sector),
            )
        ]
        return (
            self.select_related("session", "category", "lead_member")
            .annotate(collective_name=Coalesce(*collective))
            .prefetch_related(
                Prefetch(
                    "assignments",
                    queryset=assignments.select_related("unit").order_by("role", "pk"),
                )
            )
        )

    def for_session(self, session) -> "ProposalQuerySet":
        """The session's proposals and, carried over (跨届续办), those of earlier sessions
        still being handled; each annotated with ``carried_over``."""
        earlier = Q(session__term__lt=session.term) | Q(
            session__term=session.term, session__number__lt=session.number
        )
        return self.filter(
            Q(session=session) | (earlier & Q(status__in=OPEN_STATES))
        ).with_carried_over(session)

    def with_carried_over(self, session) -> "ProposalQuerySet":
        """Annotate ``carried_over``: still being handled, of a session before ``session``."""
        return self.annotate(
            carried_over=Case(
                When(~Q(session=session) & Q(status__in=OPEN_STATES), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )


# An assignment still on its unit's desk: its own state open, its proposal being handled.
OPEN_ASSIGNMENT = Q(
    status__in=OPEN_ASSIGNMENT_STATES, proposal__status__in=PROPOSAL_HANDLING_STATES
)


class AssignmentQuerySet(models.QuerySet):
    def for_list(self) -> "AssignmentQuerySet":
        return self.select_related("unit", "proposal", "proposal__session", "proposal__lead_member")

    def open(self) -> "AssignmentQuerySet":
        return self.filter(OPEN_ASSIGNMENT)

    def by_urgency(self) -> "AssignmentQuerySet":
        """The desk's order: open assignments first, by due date (the overdue, then the
        nearest deadline), then the finished ones, latest due first. ``clock_due`` is the
        due date of an open one (None for the finished: their clock has stopped)."""
        clock_due = Case(When(OPEN_ASSIGNMENT, then=F("due_on")), default=None)
        return self.annotate(clock_due=clock_due).order_by(
            F("clock_due").asc(nulls_last=True), "-due_on", "pk"
        )

    def overdue(self, today: datetime.date) -> "AssignmentQuerySet":
        """Assignments past their due date without an approved reply (or, for a joint unit,
        without its opinion), annotated with ``overdue_by`` (a timedelta)."""
        return (
            self.open()
            .filter(due_on__lt=today)
            .annotate(
                overdue_by=ExpressionWrapper(
                    Value(today, output_field=models.DateField()) - F("due_on"),
                    output_field=DurationField(),
                )
            )
            .order_by("due_on", "pk")
        )

    def due_soon(self, today: datetime.date, days: int) -> "AssignmentQuerySet":
        """Open assignments due within ``days`` days from ``today`` (today included)."""
        return (
            self.open()
            .filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=days))
            .order_by("due_on", "pk")
        )


class Category(Named):
    """A proposal category (提案类别): 经济建设, 城乡建设, 社会民生 …"""

    class Meta(Named.Meta):
        verbose_name = _("category")
        verbose_name_plural = _("categories")


class RejectionReason(Named):
    """A ground for not accepting a proposal (不予立案理由), e.g. 涉密 or 内容空泛."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta(Named.Meta):
        verbose_name = _("reason for not accepting")
        verbose_name_plural = _("reasons for not accepting")


class ResultClass(Named):
    """A class of handling result (答复类别): A 已解决或采纳, B 正在解决或列入计划 …

    Each city labels its classes its own way, so they are records, not code.
    """

    code = models.CharField(_("code"), max_length=4, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta(Named.Meta):
        verbose_name = _("result class")
        verbose_name_plural = _("result classes")
        ordering = ("sort_order", "code")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Proposal(TimeStamped):
    """A proposal (提案), from draft to closed."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="proposals"
    )
    registration_number = models.PositiveIntegerField(
        _("registration number"), null=True, blank=True, editable=False
    )
    case_number = models.PositiveIntegerField(
        _("case number"), null=True, blank=True, editable=False
    )
    title = models.CharField(_("title (案由)"), max_length=200)
    situation = models.TextField(_("situation and analysis (案据)"), blank=True)
    suggestions = models.TextField(_("suggestions (建议)"), blank=True)
    explanation = models.TextField(
        _("explanation (提案情况说明)"),
        blank=True,
        validators=[MaxLengthValidator(EXPLANATION_MAX_LENGTH)],
        help_text=_("How the proposal was researched. Required to submit; at most 200 characters."),
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="proposals",
        null=True,
        blank=True,
    )
    proposer_kind = models.CharField(
        _("proposer kind"),
        max_length=20,
        choices=ProposerKind.choices,
        default=ProposerKind.INDIVIDUAL,
    )
    lead_member = models.ForeignKey(
        Member,
        verbose_name=_("lead proposer"),
        on_delete=models.PROTECT,
        related_name="proposals",
        null=True,
        blank=True,
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("proposing organization"),
        on_delete=models.PROTECT,
        related_name="proposals",
        null=True,
        blank=True,
    )
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("proposing committee"),
        on_delete=models.PROTECT,
        related_name="proposals",
        null=True,
        blank=True,
    )
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("proposing sector group"),
        on_delete=models.PROTECT,
        related_name="proposals",
        null=True,
        blank=True,
    )
    co_signers = models.ManyToManyField(
        Member,
        through="CoSigner",
        verbose_name=_("co-signers"),
        related_name="co_signed_proposals",
        blank=True,
    )
    period = models.CharField(
        _("submitted"),
        max_length=20,
        choices=SubmissionPeriod.choices,
        default=SubmissionPeriod.PLENARY,
    )
    source = models.CharField(
        _("source"), max_length=30, choices=ProposalSource.choices, default=ProposalSource.OTHER
    )
    source_note = models.CharField(_("source note"), max_length=200, blank=True)
    suggested_units = models.ManyToManyField(
        HandlingUnit,
        verbose_name=_("units the proposer suggests"),
        related_name="suggested_for",
        blank=True,
    )
    consent_to_publish = models.BooleanField(_("agrees to publication"), default=True)
    no_publish_reason = models.CharField(_("reason for not publishing"), max_length=200, blank=True)
    is_key = models.BooleanField(_("key proposal"), default=False, editable=False)
    is_published = models.BooleanField(_("published"), default=False, editable=False)

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProposalStatus.choices,
        default=ProposalStatus.DRAFT,
        editable=False,
    )
    # Review outcome details; each is set by the one service that takes that step.
    rejection_reason = models.ForeignKey(
        RejectionReason,
        verbose_name=_("reason for not accepting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
    )
    review_note = models.TextField(_("note to the proposer"), blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        related_name="merged_proposals",
        null=True,
        blank=True,
        editable=False,
    )
    conversion = models.CharField(
        _("converted to"), max_length=20, choices=Conversion.choices, blank=True, editable=False
    )
    handling_round = models.PositiveSmallIntegerField(
        _("handling round"), default=1, editable=False
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        editable=False,
    )

    objects = ProposalQuerySet.as_manager()

    # Field-level audit history of every save: who, when, before → after.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ("-session__term", "-session__number", "case_number", "registration_number")
        constraints = [
            models.UniqueConstraint(
                fields=("session", "case_number"), name="proposal_unique_case_number"
            ),
            models.UniqueConstraint(
                fields=("session", "registration_number"),
                name="proposal_unique_registration_number",
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | ~Q(merged_into=F("pk")),
                name="proposal_not_merged_into_itself",
            ),
        ]
        indexes = [
            # The office's daily list: this session's proposals by status.
            models.Index(fields=("session", "status"), name="proposal_session_status"),
            # The lists' orderings (?ordering=…), each then by id, page after page: without
            # these, sorting an archive of a million rows reads all of them for one page.
            models.Index(fields=("case_number", "id"), name="proposal_case_number"),
            models.Index(fields=("registration_number", "id"), name="proposal_registration"),
            models.Index(fields=("submitted_at", "id"), name="proposal_submitted_at"),
            models.Index(fields=("updated_at", "id"), name="proposal_updated_at"),
            models.Index(fields=("title", "id"), name="proposal_title"),
            # ?key=true: the few key proposals among all.
            models.Index(fields=("id",), condition=Q(is_key=True), name="proposal_key"),
            # ?category=… and ?proposer=… use the foreign keys' own indexes; ?q= the search
            # index (migration 0007); ?unit=, ?overdue=, ?result_class=, ?satisfaction= look
            # up assignments, replies and feedback by proposal (their foreign-key indexes).
        ]

    def __str__(self) -> str:
        return f"{self.number_display} {self.title}" if self.case_number else self.title

    @property
    def number_display(self) -> str:
        """The case number as the office writes it: 第0001号."""
        return f"第{self.case_number:04d}号" if self.case_number else ""

    @property
    def registration_display(self) -> str:
        return f"{self.registration_number:04d}" if self.registration_number else ""

    @property
    def proposer_display(self) -> str:
        if self.proposer_kind == ProposerKind.COLLECTIVE:
            if "collective_name" in self.__dict__:  # annotated by for_list()
                name = self.collective_name
            else:
                collective = self.organization or self.committee or self.sector
                name = str(collective) if collective else ""
            if name:
                return name
        return str(self.lead_member) if self.lead_member_id else ""


class CoSigner(TimeStamped):
    """A member invited to co-sign (联名) a joint proposal, and their answer."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.PROTECT, related_name="cosigners"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="cosignatures"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CoSignerStatus.choices,
        default=CoSignerStatus.INVITED,
        editable=False,
    )
    deadline = models.DateField(_("confirm by"), null=True, blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("co-signer")
        verbose_name_plural = _("co-signers")
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(fields=("proposal", "member"), name="cosigner_once"),
        ]

    def __str__(self) -> str:
        return str(self.member)


class Assignment(TimeStamped):
    """One handling unit's share of a proposal (交办): lead, joint or separate."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.PROTECT, related_name="assignments"
    )
    unit = models.ForeignKey(
        HandlingUnit,
        verbose_name=_("handling unit"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    role = models.CharField(_("role"), max_length=10, choices=AssignmentRole.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.ASSIGNED,
        editable=False,
    )
    assigned_on = models.DateField(_("assigned on"))
    due_on = models.DateField(_("reply due"))
    round = models.PositiveSmallIntegerField(_("handling round"), default=1, editable=False)
    acknowledged_at = models.DateTimeField(
        _("acknowledged at"), null=True, blank=True, editable=False
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True, editable=False)

    objects = AssignmentQuerySet.as_manager()

    # Field-level audit history of every save: who, when, before → after.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ("proposal", "role", "pk")
        constraints = [
            # A unit holds a proposal once at a time; after a return it may be given it again.
            models.UniqueConstraint(
                fields=("proposal", "unit"),
                condition=~Q(status=AssignmentStatus.RETURNED),
                name="assignment_unit_once",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("assigned_on")), name="assignment_due_after_assigned"
            ),
        ]
        indexes = [
            # overdue() and due_soon(): open assignments by due date.
            models.Index(fields=("status", "due_on"), name="assignment_status_due"),
            # A unit's desk: its assignments by status.
            models.Index(fields=("unit", "status"), name="assignment_unit_status"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_role_display()}"

    def days_left(self, today: datetime.date) -> int:
        return (self.due_on - today).days


class OfficeDecision(TimeStamped):
    """A unit's request that the office grants or refuses, and who decided it when."""

    requested_by = actor_field()
    decision = models.CharField(
        _("decision"),
        max_length=10,
        choices=RequestDecision.choices,
        default=RequestDecision.PENDING,
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_by = actor_field()
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ("-created_at",)


class ReturnRequest(OfficeDecision):
    """A unit's request to be relieved of an assignment (退办), decided by the office."""

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.PROTECT,
        related_name="return_requests",
    )
    reason = models.TextField(_("reason"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now, editable=False)
    suggested_unit = models.ForeignKey(
        HandlingUnit,
        verbose_name=_("unit that should handle it instead"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta(OfficeDecision.Meta):
        verbose_name = _("return request")
        verbose_name_plural = _("return requests")


class ExtensionRequest(OfficeDecision):
    """A unit's request for more time to reply, decided by the office."""

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.PROTECT,
        related_name="extension_requests",
    )
    days = models.PositiveSmallIntegerField(_("days"), validators=[MinValueValidator(1)])
    reason = models.TextField(_("reason"))

    class Meta(OfficeDecision.Meta):
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")


class ContactLog(TimeStamped):
    """Contact between a unit and the proposer (办前沟通, 走访)."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="contacts"
    )
    date = models.DateField(_("date"))
    way = models.CharField(_("way"), max_length=10, choices=ContactWay.choices)
    people = models.CharField(_("who took part"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    recorded_by = actor_field()

    class Meta:
        verbose_name = _("contact with the proposer")
        verbose_name_plural = _("contacts with the proposer")
        ordering = ("date", "pk")


class JointOpinion(TimeStamped):
    """A joint unit's opinion (会办意见). It goes to the lead unit, not to the proposer."""

    assignment = models.OneToOneField(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.PROTECT,
        related_name="joint_opinion",
    )
    text = models.TextField(_("opinion"))
    submitted_by = actor_field()

    class Meta:
        verbose_name = _("joint opinion")
        verbose_name_plural = _("joint opinions")


def reply_upload_to(reply: "Reply", filename: str) -> str:
    # No longer used (files get random names, hcppcc/core/files.py); old migrations name it.
    return f"replies/{datetime.date.today():%Y}/{filename}"


class Reply(TimeStamped):
    """A unit's reply (答复) to the proposer, reviewed by the office before it counts."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="replies"
    )
    round = models.PositiveSmallIntegerField(_("handling round"), default=1)
    result_class = models.ForeignKey(
        ResultClass, verbose_name=_("result class"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("reply letter"))
    signer = models.CharField(_("signed by"), max_length=50)
    reply_date = models.DateField(_("reply date"))
    # The due date in force when the reply was submitted: whether it came on time is a
    # fact of that day, whatever later extensions or rounds do to the assignment.
    due_on = models.DateField(_("due on"), null=True, blank=True, editable=False)
    # When the unit handed the reply in (the letter's own date may be earlier).
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now, editable=False)
    is_published = models.BooleanField(_("published"), default=False, editable=False)
    file = models.FileField(
        _("letter file"),
        upload_to=RandomName("replies"),
        blank=True,
        validators=[validate_document],
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ReplyStatus.choices,
        default=ReplyStatus.SUBMITTED,
        editable=False,
    )
    review_note = models.TextField(_("review note"), blank=True, editable=False)
    submitted_by = actor_field()
    reviewed_by = actor_field()
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)

    # Field-level audit history of every save: who, when, before → after.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ("assignment", "round", "pk")

    def __str__(self) -> str:
        return f"{self.assignment.unit} · {self.result_class.code}"


class Feedback(TimeStamped):
    """The proposer's judgement of the handling (委员反馈), one per handling round."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.PROTECT, related_name="feedback"
    )
    round = models.PositiveSmallIntegerField(_("handling round"))
    attitude = models.CharField(_("on the attitude"), max_length=20, choices=Satisfaction.choices)
    result = models.CharField(_("on the result"), max_length=20, choices=Satisfaction.choices)
    comment = models.TextField(_("comment"), blank=True)
    given_by = actor_field()

    # Field-level audit history of every save: who, when, before → after.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ("proposal", "round")
        constraints = [
            models.UniqueConstraint(fields=("proposal", "round"), name="feedback_once_per_round"),
        ]

    @property
    def is_unsatisfied(self) -> bool:
        return Satisfaction.UNSATISFIED in (self.attitude, self.result)


class Transition(models.Model):
    """One step in a proposal's life (healthchecks' Flip): who moved what, from where to where.

    A step on an assignment names the assignment too. The timeline is read from here.
    """

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.PROTECT, related_name="transitions"
    )
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.PROTECT,
        related_name="transitions",
        null=True,
        blank=True,
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    # A step replayed from a spreadsheet names the import that wrote it (and so its file
    # and the clerk who ran it); ``by`` is then empty.
    import_run = models.ForeignKey(
        "ImportRun",
        verbose_name=_("import"),
        on_delete=models.PROTECT,
        related_name="transitions",
        null=True,
        blank=True,
        editable=False,
    )

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ("at", "pk")
        indexes = [
            # The timeline of one proposal, in order.
            models.Index(fields=("proposal", "at"), name="transition_timeline"),
        ]

    def __str__(self) -> str:
        return f"{self.action_label}: {self.from_label} → {self.to_label}"

    @property
    @admin_display(description=_("action"))
    def action_label(self) -> str:
        return _label(self.action, ACTION_LABELS)

    @property
    @admin_display(description=_("from"))
    def from_label(self) -> str:
        return _label(self.from_status, self._status_labels)

    @property
    @admin_display(description=_("to"))
    def to_label(self) -> str:
        return _label(self.to_status, self._status_labels)

    @property
    def _status_labels(self) -> dict:
        return ASSIGNMENT_STATUS_LABELS if self.assignment_id else PROPOSAL_STATUS_LABELS


def _label(value: str, labels: dict) -> str:
    return str(labels.get(value, value)) if value else "—"


PROPOSAL_STATUS_LABELS = dict(ProposalStatus.choices)
ASSIGNMENT_STATUS_LABELS = dict(AssignmentStatus.choices)
ACTION_LABELS = {
    **dict(ProposalAction.choices),
    **dict(AssignmentAction.choices),
    "add_unit": _("Add a handling unit"),
}
