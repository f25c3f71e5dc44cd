"""Key proposals (重点提案) and their supervision by the chair meeting's members."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hcppcc.core.workflow.fields import actor_field
from hcppcc.directory.models import Committee, Member, Organization, TimeStamped
from proposals.choices import NominatedBy, RequestDecision, SupervisionMethod, SupervisionStatus
from proposals.models.lifecycle import Proposal


class KeyNomination(TimeStamped):
    """A proposal put forward as a key proposal, decided by the chair meeting (主席会议)."""

    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        on_delete=models.PROTECT,
        related_name="key_nominations",
    )
    nominated_by = models.CharField(_("nominated by"), max_length=20, choices=NominatedBy.choices)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("nominating organization"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("nominating committee"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    nominated_on = models.DateField(_("nominated on"))
    reason = models.TextField(_("reason"), blank=True)
    recorded_by = actor_field(editable=False)
    decision = models.CharField(
        _("decision"),
        max_length=10,
        choices=RequestDecision.choices,
        default=RequestDecision.PENDING,
        editable=False,
    )
    decided_on = models.DateField(_("chair meeting date"), null=True, blank=True, editable=False)
    decision_note = models.TextField(_("decision note"), blank=True, editable=False)
    decided_by = actor_field(editable=False)

    class Meta:
        verbose_name = _("key proposal nomination")
        verbose_name_plural = _("key proposal nominations")
        ordering = ("-nominated_on", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("proposal",),
                condition=Q(decision="pending"),
                name="key_nomination_one_pending",
                violation_error_message=_("This proposal already has a nomination pending."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.proposal)


class Supervision(TimeStamped):
    """The supervision (督办) of one key proposal, led by members of the chair meeting."""

    proposal = models.OneToOneField(
        Proposal, verbose_name=_("proposal"), on_delete=models.PROTECT, related_name="supervision"
    )
    leaders = models.ManyToManyField(
        Member, verbose_name=_("leading leaders"), related_name="supervisions"
    )
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("responsible committee"),
        on_delete=models.PROTECT,
        related_name="supervisions",
        null=True,
        blank=True,
    )
    plan = models.TextField(_("plan"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SupervisionStatus.choices,
        default=SupervisionStatus.PLANNED,
        editable=False,
    )
    report = models.TextField(_("supervision report"), blank=True, editable=False)
    reported_on = models.DateField(_("reported on"), null=True, blank=True, editable=False)

    # Field-level audit history of every save: who, when, before → after.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supervision")
        verbose_name_plural = _("supervisions")
        ordering = ("proposal",)

    def __str__(self) -> str:
        return str(self.proposal)


class SupervisionEvent(TimeStamped):
    """One supervision activity (督办活动): a visit, a symposium, a consultation …"""

    supervision = models.ForeignKey(
        Supervision, verbose_name=_("supervision"), on_delete=models.PROTECT, related_name="events"
    )
    date = models.DateField(_("date"))
    method = models.CharField(_("method"), max_length=20, choices=SupervisionMethod.choices)
    participants = models.CharField(_("participants"), max_length=300, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = actor_field()

    class Meta:
        verbose_name = _("supervision activity")
        verbose_name_plural = _("supervision activities")
        ordering = ("date", "pk")

    def __str__(self) -> str:
        return f"{self.date} {self.get_method_display()}"
