"""What the proposals' steps tell the people they concern (hcppcc/notices): an assigned
unit, a proposer whose reply is approved, a unit whose reply is sent back or whose request
is decided, a member invited to co-sign. A step replayed from the past (``at`` given: an
import, the seeds) tells nobody — those people heard at the time."""

import datetime
from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext as _

from hcppcc.notices.services import notify, unit_contacts


def _now(at: datetime.datetime | None) -> bool:
    return at is None


def _assignment_link(assignment) -> str:
    return reverse("pages:assignment", args=[assignment.pk])


def assigned(assignments, *, at=None) -> None:
    """Each unit's contacts hear of their new assignment."""
    if not _now(at):
        return
    for assignment in assignments:
        title = _("New assignment: %(proposal)s (%(role)s), reply by %(due)s") % {
            "proposal": assignment.proposal,
            "role": assignment.get_role_display(),
            "due": assignment.due_on,
        }
        notify(
            unit_contacts(assignment.unit),
            kind="assigned",
            title=title,
            link=_assignment_link(assignment),
        )


def assigned_in_batch(assignments) -> None:
    """After a 交办会, each unit hears once, of all it was given."""
    by_unit = defaultdict(list)
    for assignment in assignments:
        by_unit[assignment.unit].append(assignment)
    for unit, given in by_unit.items():
        title = _("%(count)d new assignments for %(unit)s") % {"count": len(given), "unit": unit}
        body = "\n".join(
            f"{a.proposal}（{a.get_role_display()}，{_('reply by')} {a.due_on}）" for a in given
        )
        link = f"{reverse('pages:assignments')}?queue=to_acknowledge"
        notify(unit_contacts(unit), kind="assigned", title=title, body=body, link=link)


def reply_approved(reply, *, at=None) -> None:
    """The proposer hears that a unit's reply is approved and may be read."""
    proposal = reply.assignment.proposal
    lead = proposal.lead_member
    if not _now(at) or lead is None:
        return
    title = _("The reply of %(unit)s to your proposal %(proposal)s") % {
        "unit": reply.assignment.unit,
        "proposal": proposal,
    }
    link = reverse("pages:proposal", args=[proposal.pk])
    notify([lead.user], kind="reply_approved", title=title, link=link)


def reply_sent_back(reply, reason: str, *, at=None) -> None:
    if not _now(at):
        return
    assignment = reply.assignment
    title = _("Reply sent back for revision: %(proposal)s") % {"proposal": assignment.proposal}
    notify(
        unit_contacts(assignment.unit),
        kind="reply_sent_back",
        title=title,
        body=reason,
        link=_assignment_link(assignment),
    )


def request_decided(request, *, what: str, approved: bool, at=None) -> None:
    """The unit hears the office's decision on its return or extension request."""
    if not _now(at):
        return
    assignment = request.assignment
    decision = _("approved") if approved else _("refused")
    title = _("Your request %(what)s for %(proposal)s is %(decision)s") % {
        "what": what,
        "proposal": assignment.proposal,
        "decision": decision,
    }
    notify(
        unit_contacts(assignment.unit),
        kind="request_decided",
        title=title,
        body=request.decision_note,
        link=_assignment_link(assignment),
    )


def cosigning_invited(proposal, cosigners, *, at=None) -> None:
    """Each member invited hears of it, with the date to answer by."""
    if not _now(at):
        return
    link = reverse("pages:proposal", args=[proposal.pk])
    for cosigner in cosigners:
        title = _("Invitation to co-sign %(proposal)s, answer by %(deadline)s") % {
            "proposal": proposal,
            "deadline": cosigner.deadline,
        }
        notify([cosigner.member.user], kind="cosigning_invited", title=title, link=link)
