"""Look-back reviews (提案办理"回头看"): were the promises of B and C replies kept?"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hcppcc.core.files import RandomName, validate_document
from hcppcc.core.workflow.fields import actor_field
from hcppcc.directory.models import Committee, Session, TimeStamped
from proposals.choices import LookBackDecision, LookBackOutcome, Satisfaction
from proposals.models.lifecycle import Assignment, Reply, ResultClass


class LookBackCampaign(TimeStamped):
    """A round of look-back reviews over the replies of some classes in one session."""

    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1949), MaxValueValidator(2999)]
    )
    session = models.ForeignKey(
        Session, verbose_name=_("session reviewed"), on_delete=models.PROTECT, related_name="+"
    )
    result_classes = models.ManyToManyField(
        ResultClass, verbose_name=_("result classes reviewed"), related_name="+"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("responsible committee"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("look-back campaign")
        verbose_name_plural = _("look-back campaigns")
        ordering = ("-year", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="lookback_ends_after_start",
                violation_error_message=_("A campaign cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


def evidence_upload_to(item: "LookBackItem", filename: str) -> str:
    # No longer used (files get random names, hcppcc/core/files.py); old migrations name it.
    return f"lookback/{item.campaign.year}/{filename}"


class LookBackItem(TimeStamped):
    """The review of one assignment's reply: its promises, what was found, the decision.

    A reclassification is recorded here, next to the reply's own class, which is never
    overwritten.
    """

    campaign = models.ForeignKey(
        LookBackCampaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="items"
    )
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="+"
    )
    reply = models.ForeignKey(
        Reply, verbose_name=_("reply reviewed"), on_delete=models.PROTECT, related_name="+"
    )
    commitments = models.TextField(
        _("promises"), blank=True, help_text=_("The promises taken from the reply, one a line.")
    )
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    evidence = models.TextField(_("what was found"), blank=True)
    attachment = models.FileField(
        _("evidence file"),
        upload_to=RandomName("lookback"),
        blank=True,
        validators=[validate_document],
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=LookBackOutcome.choices, blank=True
    )
    satisfaction = models.CharField(
        _("proposer satisfaction now"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    findings_by = actor_field(editable=False)
    decision = models.CharField(
        _("decision"),
        max_length=20,
        choices=LookBackDecision.choices,
        default=LookBackDecision.PENDING,
        editable=False,
    )
    reclassified_to = models.ForeignKey(
        ResultClass,
        verbose_name=_("reclassified as"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    decision_note = models.TextField(_("decision note"), blank=True, editable=False)
    decided_by = actor_field(editable=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)

    # Field-level audit history of every save: who, when, before → after.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("look-back item")
        verbose_name_plural = _("look-back items")
        ordering = ("campaign", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("campaign", "assignment"), name="lookback_item_once_per_campaign"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment}"
