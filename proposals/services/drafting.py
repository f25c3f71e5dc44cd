"""Drafting and submission: a draft saved and edited, co-signers invited and answering, the
proposal submitted (提交) with its registration number."""

import datetime
from collections.abc import Sequence
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hcppcc.core.records import check_unchanged
from hcppcc.core.workflow.errors import WorkflowError
from hcppcc.directory.models import HandlingUnit, Member, User
from proposals import notices, workflow
from proposals.choices import (
    CoSignerStatus,
    ProposalAction,
    ProposalStatus,
    ProposerKind,
)
from proposals.deadlines import deadlines
from proposals.models import (
    CoSigner,
    Proposal,
    ProposalAttachment,
    Transition,
)
from proposals.services.transitions import (
    begin_proposal_step,
    lock_proposal,
    log_event,
    move_proposal,
    next_number,
    now_or,
)


@transaction.atomic
def proposal_create(
    *,
    proposal: Proposal,
    by: User | None,
    cosigners: Sequence[Member] = (),
    suggested_units: Sequence[HandlingUnit] = (),
    attachments: Sequence[File] = (),
    at: datetime.datetime | None = None,
) -> Proposal:
    """Save a new draft (暂存) built by a form or a loader, with the units its proposer
    suggests, its invited co-signers and the material handed in with it."""
    if proposal.pk is not None:
        raise WorkflowError(_("This proposal has already been saved."))
    workflow.CREATE.check(proposal, by)
    proposal.status = ProposalStatus.DRAFT
    proposal.created_by = by
    proposal.full_clean()
    proposal.save()
    proposal.suggested_units.set(suggested_units)
    for member in cosigners:
        cosigner_invite(proposal=proposal, member=member, by=by)
    _attach(proposal, attachments, by=by)
    Transition.objects.create(
        proposal=proposal,
        action=ProposalAction.CREATE,
        to_status=ProposalStatus.DRAFT,
        by=by,
        at=now_or(at),
    )
    return proposal


# What a proposer writes; editable while the proposal is a draft, fixed once submitted.
CONTENT_FIELDS = (
    "session",
    "title",
    "situation",
    "suggestions",
    "explanation",
    "category",
    "proposer_kind",
    "lead_member",
    "organization",
    "committee",
    "sector",
    "period",
    "source",
    "source_note",
    "suggested_units",
    "consent_to_publish",
    "no_publish_reason",
)


@transaction.atomic
def proposal_update(
    *,
    proposal: Proposal,
    by: User | None,
    changes: dict,
    cosigners: Sequence[Member] | None = None,
    attachments: Sequence[File] = (),
    at: datetime.datetime | None = None,
    unchanged_since: datetime.datetime | None = None,
) -> Proposal:
    """Edit a draft's content. Only the fields in ``changes`` are written, on the locked
    row, so a step taken meanwhile by someone else is never undone by a stale form; with
    ``unchanged_since`` (the version the editor read), an edit made meanwhile is refused.
    ``cosigners``, when given, are the members invited from now on (those dropped are no
    longer invited); ``attachments`` are added to those handed in."""
    locked = lock_proposal(proposal)
    check_unchanged(locked, unchanged_since)
    workflow.EDIT.check(locked, by, at=at)
    unknown = set(changes) - set(CONTENT_FIELDS)
    if unknown:
        raise WorkflowError(_("These fields cannot be edited: %(fields)s") % {"fields": unknown})
    many = {name: value for name, value in changes.items() if name == "suggested_units"}
    for name, value in changes.items():
        if name not in many:
            setattr(locked, name, value)
    # The edited draft must still be one its editor may write (a member: in their own name,
    # not a collective one).
    workflow.CREATE.check(locked, by)
    locked.full_clean()
    fields = [name for name in changes if name not in many]
    if changes:  # a new version even when only the suggested units changed
        locked.save(update_fields=[*fields, "updated_at"])
    for name, value in many.items():
        getattr(locked, name).set(value)
    edited = sorted(changes)
    if cosigners is not None:
        edited.extend(_set_cosigners(locked, cosigners, by=by))
    if _attach(locked, attachments, by=by):
        edited.append("attachments")
    log_event(locked, "edit", by=by, at=at, note="、".join(edited))
    return locked


def _set_cosigners(proposal: Proposal, members: Sequence[Member], *, by: User | None) -> list[str]:
    """Invite ``members`` and no one else to co-sign a draft; what changed, naming the
    members, for the proposal's history. An invitation nobody has answered is withdrawn; a
    confirmed co-signer stays (refused, naming them); a member who declined or let the
    deadline pass is invited afresh only if named again."""
    wanted = {member.pk: member for member in members}
    rows = {row.member_id: row for row in proposal.cosigners.select_related("member")}
    kept = [
        row.member.name
        for member_id, row in rows.items()
        if member_id not in wanted and row.status == CoSignerStatus.CONFIRMED
    ]
    if kept:
        raise ValidationError(
            {
                "cosigners": _(
                    "%(members)s confirmed co-signing and stay on the proposal; only an "
                    "invitation not yet answered can be withdrawn."
                )
                % {"members": "、".join(kept)}
            }
        )
    answered = (CoSignerStatus.DECLINED, CoSignerStatus.EXPIRED)
    withdrawn = [
        row
        for member_id, row in rows.items()
        if member_id not in wanted and row.status == CoSignerStatus.INVITED
    ]
    again = [rows[pk] for pk in wanted if pk in rows and rows[pk].status in answered]
    for row in [*withdrawn, *again]:
        row.delete()
    invited = [wanted[pk] for pk in sorted(wanted) if pk not in rows or rows[pk].status in answered]
    for member in invited:
        cosigner_invite(proposal=proposal, member=member, by=by)
    changed = []
    if invited:
        names = "、".join(member.name for member in invited)
        changed.append(_("co-signers invited: %(members)s") % {"members": names})
    if withdrawn:
        names = "、".join(row.member.name for row in withdrawn)
        changed.append(_("invitations withdrawn: %(members)s") % {"members": names})
    return changed


def _attach(proposal: Proposal, files: Sequence[File], *, by: User | None) -> bool:
    limit = settings.HCPPCC_MAX_ATTACHMENTS
    if files and proposal.attachments.count() + len(files) > limit:
        raise ValidationError(
            {
                "attachments": _(
                    "A proposal holds at most %(limit)d attachments; remove some or "
                    "put the pages into one file."
                )
                % {"limit": limit}
            }
        )
    for file in files:
        attachment = ProposalAttachment(
            proposal=proposal, file=file, name=file.name[-200:], uploaded_by=by
        )
        attachment.full_clean()
        attachment.save()
    return bool(files)


@transaction.atomic
def proposal_detach(*, attachment: ProposalAttachment, by: User | None) -> Proposal:
    """Take a file off a draft (handed in by mistake); the file itself is deleted too."""
    proposal = lock_proposal(Proposal(pk=attachment.proposal_id))
    workflow.EDIT.check(proposal, by)
    attachment = ProposalAttachment.objects.select_for_update().get(pk=attachment.pk)
    stored, name = attachment.file, attachment.name
    attachment.delete()
    # The file goes once the row is gone for good: a rollback keeps both.
    transaction.on_commit(partial(stored.storage.delete, stored.name))
    log_event(proposal, "edit", by=by, at=None, note=_("removed %(file)s") % {"file": name})
    return proposal


@transaction.atomic
def cosigner_invite(*, proposal: Proposal, member: Member, by: User | None) -> CoSigner:
    """Invite ``member`` to co-sign a draft joint proposal."""
    proposal = lock_proposal(proposal)
    workflow.INVITE_COSIGNER.check(proposal, by)
    if member.pk == proposal.lead_member_id:
        raise WorkflowError(_("The lead proposer cannot also co-sign."))
    if proposal.cosigners.filter(member=member).exists():
        raise WorkflowError(_("%(member)s is already invited.") % {"member": member})
    cosigner = CoSigner(proposal=proposal, member=member)
    cosigner.full_clean()
    cosigner.save()
    return cosigner


def _check_ready_to_submit(proposal: Proposal) -> None:
    errors = {}
    for name in ("title", "situation", "suggestions", "explanation"):
        if not getattr(proposal, name).strip():
            errors[name] = _("Required before the proposal can be submitted.")
    if proposal.proposer_kind == ProposerKind.COLLECTIVE:
        if not (proposal.organization_id or proposal.committee_id or proposal.sector_id):
            errors["organization"] = _(
                "A collective proposal needs an organization, committee or sector group."
            )
    elif not proposal.lead_member_id:
        errors["lead_member"] = _("An individual or joint proposal needs a lead proposer.")
    if proposal.proposer_kind == ProposerKind.JOINT and not proposal.cosigners.exists():
        errors["proposer_kind"] = _("A joint proposal needs at least one co-signer.")
    if not proposal.consent_to_publish and not proposal.no_publish_reason.strip():
        errors["no_publish_reason"] = _("Say why the proposal should not be published.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def proposal_submit(
    *, proposal: Proposal, by: User | None, at: datetime.datetime | None = None
) -> Proposal:
    """Submit a draft (提交). A joint proposal first waits for its co-signers (待会签)."""
    proposal = begin_proposal_step(proposal, workflow.SUBMIT, by, at)
    _check_ready_to_submit(proposal)
    now = now_or(at)
    pending = proposal.cosigners.filter(status=CoSignerStatus.INVITED)
    if proposal.proposer_kind == ProposerKind.JOINT and pending.exists():
        deadline = deadlines().cosign_deadline(timezone.localdate(now))
        pending.filter(deadline__isnull=True).update(deadline=deadline, updated_at=now)
        notices.cosigning_invited(proposal, pending.select_related("member__user"), at=at)
        return move_proposal(
            proposal, ProposalAction.SUBMIT, ProposalStatus.AWAITING_COSIGNERS, by=by, at=at
        )
    return _enter_submitted(proposal, ProposalAction.SUBMIT, by=by, at=now)


def _enter_submitted(
    proposal: Proposal, action: str, *, by: User | None, at: datetime.datetime, note: str = ""
) -> Proposal:
    fields = ["submitted_at"]
    if proposal.registration_number is None:
        # A proposal returned for revision keeps its registration number.
        proposal.registration_number = next_number(proposal.session, "registration_number")
        fields.append("registration_number")
    proposal.submitted_at = at
    return move_proposal(
        proposal, action, ProposalStatus.SUBMITTED, by=by, at=at, note=note, fields=fields
    )


@transaction.atomic
def cosigner_respond(
    *, cosigner: CoSigner, confirm: bool, by: User | None, at: datetime.datetime | None = None
) -> CoSigner:
    """A co-signer confirms or declines. The last answer submits the proposal."""
    # The proposal first, then the co-signer: the order every step locks in.
    proposal = lock_proposal(Proposal(pk=cosigner.proposal_id))
    cosigner = CoSigner.objects.select_for_update().get(pk=cosigner.pk)
    cosigner.proposal = proposal
    workflow.RESPOND_COSIGN.check(cosigner, by, at=at)
    cosigner.status = CoSignerStatus.CONFIRMED if confirm else CoSignerStatus.DECLINED
    cosigner.responded_at = now_or(at)
    cosigner.save(update_fields=["status", "responded_at", "updated_at"])
    if not proposal.cosigners.filter(status=CoSignerStatus.INVITED).exists():
        _complete_cosigning(proposal, by=by, at=now_or(at))
    return cosigner


@transaction.atomic
def proposal_complete_cosigning(
    *, proposal: Proposal, by: User | None, at: datetime.datetime | None = None
) -> Proposal:
    """Close co-signing once everyone has answered or the deadline has passed."""
    proposal = begin_proposal_step(proposal, workflow.COMPLETE_COSIGNING, by, at)
    return _complete_cosigning(proposal, by=by, at=now_or(at))


def _complete_cosigning(proposal: Proposal, *, by: User | None, at: datetime.datetime) -> Proposal:
    note = ""
    # Whoever has not answered by now is no co-signer.
    proposal.cosigners.filter(status=CoSignerStatus.INVITED).update(
        status=CoSignerStatus.EXPIRED, updated_at=at
    )
    if not proposal.cosigners.filter(status=CoSignerStatus.CONFIRMED).exists():
        # Nobody confirmed: the proposal goes on in its lead proposer's name alone.
        proposal.proposer_kind = ProposerKind.INDIVIDUAL
        proposal.save(update_fields=["proposer_kind"])
        note = _("No co-signer confirmed; submitted as an individual proposal.")
    return _enter_submitted(proposal, ProposalAction.COMPLETE_COSIGNING, by=by, at=at, note=note)
