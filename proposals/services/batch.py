"""Work done many records at a time in the office's peak weeks: the proposals of a 交办会
assigned in one go. Each row goes through the one service of its step; the batch is all or
nothing."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hcppcc.core.workflow.errors import WorkflowError
from hcppcc.directory.models import User
from proposals import notices
from proposals.models import Assignment, Proposal
from proposals.services.handling import proposal_assign
from proposals.workflow import UnitAssignment


@dataclass(frozen=True)
class BatchRow:
    """One proposal of a batch and the units it goes to."""

    proposal: Proposal
    units: Sequence[UnitAssignment]


class BatchRefused(ValidationError):
    """Some rows of a batch were refused, so none was kept. ``refused``: each refused
    proposal with the reason, in the batch's order."""

    def __init__(self, refused: list[tuple[Proposal, str]]):
        self.refused = refused
        super().__init__(
            [
                _("%(proposal)s: %(reason)s") % {"proposal": proposal, "reason": reason}
                for proposal, reason in refused
            ]
        )


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error)


@transaction.atomic
def proposals_assign_batch(
    *,
    rows: Sequence[BatchRow],
    by: User | None,
    assigned_on: datetime.date | None = None,
    note: str = "",
    at: datetime.datetime | None = None,
) -> list[Proposal]:
    """Assign (交办) every proposal of ``rows`` to its units, each through
    ``proposal_assign`` — its step's check, its deadlines, its log — or none of them.

    A refused row does not stop the others from being tried, so that the clerk reads every
    refusal at once (``BatchRefused``); then everything is rolled back. Proposals are locked
    in the order of their keys, so that two batches sharing proposals wait for each other
    rather than deadlock."""
    if not rows:
        raise ValidationError(_("Choose at least one proposal to assign."))
    if len({row.proposal.pk for row in rows}) != len(rows):
        raise ValidationError(_("A proposal is in the batch twice."))
    assigned, refused = {}, {}
    for row in sorted(rows, key=lambda row: row.proposal.pk):
        try:
            with transaction.atomic():
                assigned[row.proposal.pk] = proposal_assign(
                    proposal=row.proposal,
                    by=by,
                    units=row.units,
                    assigned_on=assigned_on,
                    note=note,
                    at=at,
                    tell=False,
                )
        except (WorkflowError, ValidationError) as error:
            refused[row.proposal.pk] = _reason(error)
    if refused:
        raise BatchRefused(
            [(row.proposal, refused[row.proposal.pk]) for row in rows if row.proposal.pk in refused]
        )
    if at is None:
        given = Assignment.objects.filter(proposal__in=list(assigned.values()))
        notices.assigned_in_batch(given.select_related("unit", "proposal").order_by("pk"))
    return [assigned[row.proposal.pk] for row in rows]
