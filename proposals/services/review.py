"""Review (审查): accepted with a case number (立案), not accepted, merged into another
proposal (并案), converted, returned for revision or withdrawn (撤案)."""

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from hcppcc.directory.models import User
from proposals import workflow
from proposals.choices import (
    MERGE_HOST_STATES,
    Conversion,
    ProposalAction,
    ProposalStatus,
)
from proposals.models import (
    Category,
    Proposal,
    RejectionReason,
)
from proposals.services.transitions import (
    begin_proposal_step,
    field_error,
    move_proposal,
    next_number,
    now_or,
)


def _conclude_review(
    proposal: Proposal,
    action: str,
    to: str,
    *,
    by: User | None,
    at: datetime.datetime | None,
    note: str,
    fields: Sequence[str],
) -> Proposal:
    """Record a review outcome: its note for the proposer, when, and the new status."""
    proposal.review_note = note
    proposal.reviewed_at = now_or(at)
    return move_proposal(
        proposal,
        action,
        to,
        by=by,
        at=at,
        note=note,
        fields=[*fields, "review_note", "reviewed_at"],
    )


@transaction.atomic
def proposal_accept(
    *,
    proposal: Proposal,
    by: User | None,
    category: Category | None = None,
    note: str = "",
    case_number: int | None = None,
    at: datetime.datetime | None = None,
) -> Proposal:
    """Accept a proposal (立案): it gets the next case number of its session (第0001号),
    or ``case_number`` when a loader brings the number its ledger gave it."""
    proposal = begin_proposal_step(proposal, workflow.ACCEPT, by, at)
    if category is not None:
        proposal.category = category
    if proposal.category_id is None:
        raise field_error("category", _("Choose a category before accepting."))
    if case_number is None:
        proposal.case_number = next_number(proposal.session, "case_number")
    elif Proposal.objects.filter(session=proposal.session, case_number=case_number).exists():
        raise field_error(
            "case_number",
            _("Case number %(number)s is already taken in this session.")
            % {"number": f"第{case_number:04d}号"},
        )
    else:
        proposal.case_number = case_number
    return _conclude_review(
        proposal,
        ProposalAction.ACCEPT,
        ProposalStatus.ACCEPTED,
        by=by,
        at=at,
        note=note,
        fields=["category", "case_number"],
    )


@transaction.atomic
def proposal_reject(
    *,
    proposal: Proposal,
    by: User | None,
    reason: RejectionReason,
    note: str = "",
    at: datetime.datetime | None = None,
) -> Proposal:
    """Do not accept a proposal (不予立案), with a reason code and a note for the proposer."""
    proposal = begin_proposal_step(proposal, workflow.REJECT, by, at)
    if reason is None or not reason.is_active:
        raise field_error("rejection_reason", _("Choose an active reason."))
    proposal.rejection_reason = reason
    return _conclude_review(
        proposal,
        ProposalAction.REJECT,
        ProposalStatus.NOT_ACCEPTED,
        by=by,
        at=at,
        note=note,
        fields=["rejection_reason"],
    )


@transaction.atomic
def proposal_merge(
    *,
    proposal: Proposal,
    by: User | None,
    host: Proposal,
    note: str = "",
    at: datetime.datetime | None = None,
) -> Proposal:
    """Merge a proposal into an accepted one of the same session (并案)."""
    if host.pk == proposal.pk:
        raise field_error("merged_into", _("A proposal cannot be merged into itself."))
    # Both rows locked, in primary-key order: the host must not close (or be withdrawn)
    # while a proposal is being merged into it.
    locked = {
        p.pk: p
        for p in Proposal.objects.select_for_update()
        .filter(pk__in=[proposal.pk, host.pk])
        .order_by("pk")
    }
    proposal, host = locked[proposal.pk], locked[host.pk]
    workflow.MERGE.check(proposal, by, at=at)
    if host.session_id != proposal.session_id:
        raise field_error("merged_into", _("The host proposal must be of the same session."))
    if host.status not in MERGE_HOST_STATES:
        raise field_error(
            "merged_into", _("The host proposal must be accepted and not yet closed.")
        )
    proposal.merged_into = host
    return _conclude_review(
        proposal,
        ProposalAction.MERGE,
        ProposalStatus.MERGED,
        by=by,
        at=at,
        note=note,
        fields=["merged_into"],
    )


@transaction.atomic
def proposal_convert(
    *,
    proposal: Proposal,
    by: User | None,
    conversion: Conversion,
    note: str = "",
    at: datetime.datetime | None = None,
) -> Proposal:
    """Convert a proposal into an opinion or a public-opinion report (转为意见建议/社情民意)."""
    proposal = begin_proposal_step(proposal, workflow.CONVERT, by, at)
    if conversion not in Conversion.values:
        raise field_error("conversion", _("Choose what the proposal becomes."))
    proposal.conversion = conversion
    return _conclude_review(
        proposal,
        ProposalAction.CONVERT,
        ProposalStatus.CONVERTED,
        by=by,
        at=at,
        note=note,
        fields=["conversion"],
    )


@transaction.atomic
def proposal_return_for_revision(
    *, proposal: Proposal, by: User | None, note: str, at: datetime.datetime | None = None
) -> Proposal:
    """Send a proposal back to its proposer to revise (退回修改); it becomes a draft again."""
    proposal = begin_proposal_step(proposal, workflow.RETURN_FOR_REVISION, by, at)
    if not note.strip():
        raise field_error("review_note", _("Tell the proposer what to revise."))
    proposal.review_note = note
    return move_proposal(
        proposal,
        ProposalAction.RETURN_FOR_REVISION,
        ProposalStatus.DRAFT,
        by=by,
        at=at,
        note=note,
        fields=["review_note"],
    )


@transaction.atomic
def proposal_withdraw(
    *, proposal: Proposal, by: User | None, note: str = "", at: datetime.datetime | None = None
) -> Proposal:
    """Withdraw a proposal (撤案), at any time before it is assigned."""
    proposal = begin_proposal_step(proposal, workflow.WITHDRAW, by, at)
    return move_proposal(
        proposal, ProposalAction.WITHDRAW, ProposalStatus.WITHDRAWN, by=by, at=at, note=note
    )
