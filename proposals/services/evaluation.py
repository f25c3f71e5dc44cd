"""The office's records of a year's end: democratic evaluation of the handling units
(民主评议: a round, its units, the ballots typed in from paper) and awards (优秀提案,
先进承办单位).

These are plain records (no lifecycle): written through ``hcppcc.core.records.record_save``
(the model permission, the whole-record validation, stale edits refused), each with the
rules of its kind. The pages and the admin call these functions, never ``record_save``.
"""

import datetime
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hcppcc.core.records import permission_for, record_save
from hcppcc.directory.models import HandlingUnit, Member, User
from proposals.choices import ACCEPTED_STATES, AwardKind, EvaluationRating
from proposals.models import Award, EvaluationRound, EvaluationVote

# --- awards --------------------------------------------------------------------------------


def _award_rules(award: Award, changes: Mapping[str, object]) -> None:
    """An excellent proposal was accepted (立案); a winner is awarded once a year per kind.
    (That the award names the winner its kind needs is the model's constraint.)"""

    def value(name):
        return changes.get(name, getattr(award, name))

    kind, proposal, unit, year = value("kind"), value("proposal"), value("unit"), value("year")
    accepted = proposal is None or proposal.status in ACCEPTED_STATES
    if kind == AwardKind.EXCELLENT_PROPOSAL and not accepted:
        raise ValidationError(
            {"proposal": _("Only an accepted proposal can be an excellent proposal.")}
        )
    winner = {"proposal": proposal} if kind == AwardKind.EXCELLENT_PROPOSAL else {"unit": unit}
    if None in winner.values():
        return  # the model's constraint names what is missing
    twins = Award.objects.filter(year=year, kind=kind, **winner).exclude(pk=award.pk)
    if twins.exists():
        raise ValidationError(_("This award has already been recorded for this year."))


def award_record(
    *,
    award: Award,
    by: User | None,
    changes: Mapping[str, object],
    unchanged_since: datetime.datetime | None = None,
) -> Award:
    """Record an award (new ``award``) or correct one: the office types them in."""
    return record_save(
        record=award,
        by=by,
        changes=changes,
        unchanged_since=unchanged_since,
        editable=_award_rules,
    )


# --- evaluation rounds ---------------------------------------------------------------------


def evaluation_round_save(
    *,
    evaluation_round: EvaluationRound,
    by: User | None,
    changes: Mapping[str, object],
    units: Iterable[HandlingUnit] | None = None,
    unchanged_since: datetime.datetime | None = None,
) -> EvaluationRound:
    """Open a round of democratic evaluation with the units it evaluates (``units``, needed
    for a new round), or correct one. A unit already rated in the round stays in it: its
    votes would otherwise count for a unit the round no longer names."""
    units = None if units is None else list(units)

    def rules(record: EvaluationRound, changes: Mapping[str, object]) -> None:
        if units is None:
            if record._state.adding:
                raise ValidationError({"units": _("Choose the units this round evaluates.")})
            return
        if not units:
            raise ValidationError({"units": _("Choose the units this round evaluates.")})
        if record._state.adding:
            return
        rated = HandlingUnit.objects.filter(
            pk__in=EvaluationVote.objects.filter(round=record).values("unit_id")
        ).exclude(pk__in=[unit.pk for unit in units])
        if names := "、".join(unit.name for unit in rated.order_by("name")):
            raise ValidationError(
                {
                    "units": _("Already rated in this round, so kept in it: %(units)s.")
                    % {"units": names}
                }
            )

    return record_save(
        record=evaluation_round,
        by=by,
        changes=changes,
        related=None if units is None else {"units": units},
        unchanged_since=unchanged_since,
        editable=rules,
    )


@transaction.atomic
def evaluation_votes_record(
    *,
    evaluation_round: EvaluationRound,
    by: User | None,
    member: Member,
    ratings: Mapping[HandlingUnit, str],
) -> list[EvaluationVote]:
    """Type in one participant's paper ballot: their rating (``EvaluationRating``) of each
    unit they rated. A participant rates a unit of the round once: a ballot naming a unit
    they already rated is refused whole (a second ballot typed in under the same name is
    a mistake to look at, not a correction to take silently)."""
    if by is not None and not by.has_perm(permission_for(EvaluationVote, "add")):
        raise PermissionDenied(_("Your role does not allow changing these records."))
    # One ballot at a time per round: two clerks typing in the same participant's ballot
    # at once would otherwise both find it missing.
    evaluation_round = EvaluationRound.objects.select_for_update().get(pk=evaluation_round.pk)
    if not ratings:
        raise ValidationError(_("The ballot rates no unit."))
    units_of_round = set(evaluation_round.units.values_list("pk", flat=True))
    errors = []
    for unit, rating in ratings.items():
        if unit.pk not in units_of_round:
            errors.append(_("%(unit)s is not evaluated in this round.") % {"unit": unit})
        if rating not in EvaluationRating.values:
            errors.append(_("%(unit)s: not a rating.") % {"unit": unit})
    rated = EvaluationVote.objects.filter(
        round=evaluation_round, member=member, unit__in=list(ratings)
    ).select_related("unit")
    if names := "、".join(vote.unit.name for vote in rated.order_by("unit__name")):
        errors.append(
            _("%(member)s's ballot is already recorded for: %(units)s.")
            % {"member": member.name, "units": names}
        )
    if errors:
        raise ValidationError(errors)
    votes = []
    for unit, rating in ratings.items():
        vote = EvaluationVote(round=evaluation_round, unit=unit, member=member, rating=rating)
        vote._history_user = by
        # The links and the once rule were checked above for the whole ballot at once.
        vote.full_clean(exclude=["round", "unit", "member"], validate_constraints=False)
        vote.save()
        votes.append(vote)
    return votes


def evaluation_vote_correct(
    *,
    vote: EvaluationVote,
    by: User | None,
    rating: str,
    unchanged_since: datetime.datetime | None = None,
) -> EvaluationVote:
    """Correct a rating typed in wrong; who rated which unit in which round stays."""
    return record_save(
        record=vote, by=by, changes={"rating": rating}, unchanged_since=unchanged_since
    )
