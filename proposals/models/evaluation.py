"""Democratic evaluation of handling units (民主评议) and the year's awards."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hcppcc.directory.models import HandlingUnit, Member, TimeStamped
from proposals.choices import AwardKind, EvaluationRating
from proposals.models.lifecycle import Proposal


class EvaluationRound(TimeStamped):
    """A year's democratic evaluation of the handling units."""

    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=200)
    held_on = models.DateField(_("held on"))
    units = models.ManyToManyField(
        HandlingUnit, verbose_name=_("units evaluated"), related_name="evaluation_rounds"
    )

    # Field-level audit history of every save: who, when, before → after.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ("-year", "pk")

    def __str__(self) -> str:
        return self.name


class EvaluationVote(TimeStamped):
    """One participant's rating of one unit in a round."""

    round = models.ForeignKey(
        EvaluationRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="votes"
    )
    unit = models.ForeignKey(
        HandlingUnit, verbose_name=_("handling unit"), on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("participant"), on_delete=models.PROTECT, related_name="+"
    )
    rating = models.CharField(_("rating"), max_length=20, choices=EvaluationRating.choices)

    # Who typed each ballot in, and who corrected it.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation vote")
        verbose_name_plural = _("evaluation votes")
        ordering = ("round", "unit", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("round", "unit", "member"),
                name="evaluation_vote_once",
                violation_error_message=_("This participant has already rated this unit."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.get_rating_display()}"

    def clean(self) -> None:
        if self.round_id and self.unit_id and not self.round.units.filter(pk=self.unit_id).exists():
            raise ValidationError({"unit": _("This unit is not evaluated in this round.")})


class Award(TimeStamped):
    """An excellent proposal (优秀提案) or an advanced handling unit (先进承办单位)."""

    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=30, choices=AwardKind.choices)
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        on_delete=models.PROTECT,
        related_name="awards",
        null=True,
        blank=True,
    )
    unit = models.ForeignKey(
        HandlingUnit,
        verbose_name=_("handling unit"),
        on_delete=models.PROTECT,
        related_name="awards",
        null=True,
        blank=True,
    )
    decided_on = models.DateField(_("decided on"))
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ("-year", "kind", "pk")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=AwardKind.EXCELLENT_PROPOSAL, proposal__isnull=False, unit__isnull=True)
                    | Q(kind=AwardKind.ADVANCED_UNIT, unit__isnull=False, proposal__isnull=True)
                ),
                name="award_names_its_winner",
                violation_error_message=_(
                    "An excellent-proposal award names a proposal; an advanced-unit award, a unit."
                ),
            ),
            models.UniqueConstraint(fields=("year", "kind", "proposal", "unit"), name="award_once"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()}: {self.proposal or self.unit}"
