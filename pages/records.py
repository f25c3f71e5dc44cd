"""The record pages and the step view: a proposal or an assignment with its clocks,
replies and timeline, the steps its reader may take now, and each step's form, which the
step's one service takes. A record outside the reader's scope is a 404."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from activities import scopes as work
from activities import workflow as activity_workflow
from hcppcc.core import stale
from hcppcc.core.audit import versions
from hcppcc.core.scopes import Scope
from hcppcc.core.workflow.errors import WorkflowError
from hcppcc.core.workflow.steps import Workflow
from hcppcc.directory.choices import Role
from pages.forms import ProposalDraftForm
from proposals import scopes, services, workflow
from proposals.selectors import (
    assignment_clocks,
)


def step_links(kind: str, record, user) -> list[tuple[str, str]]:
    """The steps ``user`` may take on ``record`` now, as (label, link) pairs; a step the
    office takes for a unit or a member says so (代为登记)."""
    return [
        (
            _("On their behalf: %(step)s") % {"step": step.label}
            if workflow.on_behalf(step, record, user)
            else step.label,
            reverse("pages:step", args=[kind, record.pk, step.name]),
        )
        for step in STEP_RECORDS[kind].workflow.offered(record, user)
    ]


UNIT_ACTIONS = workflow.owners_actions(workflow.ASSIGNMENT.steps, Role.HANDLING_UNIT)
PROPOSER_ACTIONS = workflow.owners_actions(workflow.PROPOSAL.steps, Role.MEMBER)


def _timeline(user, proposal) -> list:
    """The proposal's log as ``user`` may read it, each step marked ``on_behalf`` where
    the office recorded a unit's or the proposer's step for them (代为登记)."""
    events = list(
        scopes.TRANSITIONS.visible_to(user)
        .filter(proposal=proposal)
        .select_related("by", "assignment__unit", "import_run__created_by")
        .order_by("at", "pk")
    )
    proposer_user = proposal.lead_member.user_id if proposal.lead_member else None
    for event in events:
        by = event.by
        if by is None:
            event.on_behalf = False
        elif event.assignment_id and event.action in UNIT_ACTIONS:
            event.on_behalf = by.handling_unit_id != event.assignment.unit_id
        else:
            event.on_behalf = event.action in PROPOSER_ACTIONS and by.pk != proposer_user
    return events


def proposal_detail(request, pk: int):
    user = request.user
    proposal = get_object_or_404(
        scopes.PROPOSALS.visible_to(user).select_related(
            "session", "category", "lead_member", "organization", "committee", "sector"
        ),
        pk=pk,
    )
    today = timezone.localdate()
    assignments = (
        scopes.ASSIGNMENTS.visible_to(user)
        .filter(proposal=proposal)
        .select_related("unit", "proposal")
        .prefetch_related("extension_requests")
        .order_by("round", "pk")
    )
    replies = (
        scopes.REPLIES.visible_to(user)
        .filter(assignment__proposal=proposal)
        .select_related("assignment__unit", "assignment__proposal", "result_class")
        .order_by("pk")
    )
    supervision = scopes.SUPERVISIONS.visible_to(user).filter(proposal=proposal).first()
    context = {
        "proposal": proposal,
        "cosigners": [
            (c, step_links("cosigner", c, user))
            for c in scopes.COSIGNERS.visible_to(user)
            .filter(proposal=proposal)
            .select_related("member", "proposal")
            .order_by("pk")
        ],
        "attachments": scopes.ATTACHMENTS.visible_to(user).filter(proposal=proposal),
        "assignments": [
            (
                a,
                assignment_clocks(a, today),
                step_links("assignment", a, user),
            )
            for a in assignments
        ],
        "replies": [(r, step_links("reply", r, user)) for r in replies],
        "feedback": scopes.FEEDBACK.visible_to(user).filter(proposal=proposal).order_by("round"),
        "nominations": [
            (n, step_links("keynomination", n, user))
            for n in scopes.KEY_NOMINATIONS.visible_to(user)
            .filter(proposal=proposal)
            .order_by("pk")
        ],
        "supervision": supervision,
        "supervision_steps": (step_links("supervision", supervision, user) if supervision else []),
        "supervision_events": supervision.events.order_by("date") if supervision else [],
        "lookback": [
            (item, step_links("lookbackitem", item, user))
            for item in scopes.LOOKBACK_ITEMS.visible_to(user)
            .filter(assignment__proposal=proposal)
            .select_related("campaign", "assignment__unit", "reply__result_class")
        ],
        "timeline": _timeline(user, proposal),
        "steps": step_links("proposal", proposal, user),
        "may_edit": workflow.EDIT.available(proposal, user),
    }
    if scopes.HANDLING.reads_everything(user):
        context["history"] = _audit_history(proposal, assignments, replies)
    template = "pages/proposal_print.html" if request.GET.get("print") else "pages/proposal.html"
    return render(request, template, context)


def _audit_history(proposal, assignments, replies) -> list:
    """Field-level changes of the proposal, its assignments and its replies, newest first
    (the office, leaders and auditors read it)."""
    entries = versions(proposal.history.all(), _("proposal"))
    for assignment in assignments:
        entries += versions(assignment.history.all(), str(assignment.unit))
    for reply in replies:
        entries += versions(
            reply.history.all(), _("reply of %(unit)s") % {"unit": reply.assignment.unit}
        )
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def assignment_detail(request, pk: int):
    """The handling desk's view of one assignment: its clocks, its steps, its requests."""
    user = request.user
    assignment = get_object_or_404(
        scopes.ASSIGNMENTS.visible_to(user).select_related(
            "unit", "proposal", "proposal__session", "proposal__category", "proposal__lead_member"
        ),
        pk=pk,
    )
    returns = scopes.RETURN_REQUESTS.visible_to(user).filter(assignment=assignment)
    extensions = scopes.EXTENSION_REQUESTS.visible_to(user).filter(assignment=assignment)
    context = {
        "assignment": assignment,
        "proposal": assignment.proposal,
        "clocks": assignment_clocks(assignment, timezone.localdate()),
        "steps": step_links("assignment", assignment, user),
        "replies": [
            (r, step_links("reply", r, user))
            for r in scopes.REPLIES.visible_to(user)
            .filter(assignment=assignment)
            .select_related("result_class", "assignment__proposal")
            .order_by("pk")
        ],
        "contacts": assignment.contacts.order_by("pk"),
        "returns": [(r, step_links("returnrequest", r, user)) for r in returns.order_by("pk")],
        "extensions": [
            (e, step_links("extensionrequest", e, user)) for e in extensions.order_by("pk")
        ],
    }
    return render(request, "pages/assignment.html", context)


def proposal_attachment(request, pk: int):
    """A file handed in with a proposal, to whoever may read the proposal (404 else)."""
    attachment = get_object_or_404(scopes.ATTACHMENTS.visible_to(request.user), pk=pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


def proposal_detach(request, pk: int):
    """Take a file off a draft (POST only), as whoever may edit the draft."""
    attachment = get_object_or_404(scopes.ATTACHMENTS.visible_to(request.user), pk=pk)
    if request.method != "POST":
        return redirect("pages:proposal-edit", pk=attachment.proposal_id)
    try:
        services.proposal_detach(attachment=attachment, by=request.user)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Removed: %(file)s.") % {"file": attachment.name})
    return redirect("pages:proposal-edit", pk=attachment.proposal_id)


def reply_file(request, pk: int):
    """A reply letter, to whoever may read the reply (404 for anyone else)."""
    reply = get_object_or_404(scopes.REPLIES.visible_to(request.user).exclude(file=""), pk=pk)
    return FileResponse(
        reply.file.open("rb"), as_attachment=True, filename=reply.file.name.rsplit("/", 1)[-1]
    )


def _proposal_url(proposal_id: int) -> str:
    return reverse("pages:proposal", args=[proposal_id])


def _assignment_url(assignment_id: int) -> str:
    return reverse("pages:assignment", args=[assignment_id])


@dataclass(frozen=True)
class StepRecords:
    """A kind of record the pages take steps on: who reads which (``scope``), its steps,
    what its steps' conditions read with it (``related``) and where the clerk returns."""

    scope: Scope
    workflow: Workflow
    back: Callable[[Any], str]
    related: tuple[str, ...] = ()

    def records(self, user):
        return self.scope.visible_to(user).select_related(*self.related)


STEP_RECORDS = {
    "proposal": StepRecords(scopes.PROPOSALS, workflow.PROPOSAL, lambda p: _proposal_url(p.pk)),
    "assignment": StepRecords(
        scopes.ASSIGNMENTS, workflow.ASSIGNMENT, lambda a: _assignment_url(a.pk), ("proposal",)
    ),
    "reply": StepRecords(
        scopes.REPLIES,
        workflow.REPLY,
        lambda r: _proposal_url(r.assignment.proposal_id),
        ("assignment__proposal",),
    ),
    "returnrequest": StepRecords(
        scopes.RETURN_REQUESTS,
        workflow.RETURN_REQUEST,
        lambda r: _assignment_url(r.assignment_id),
        ("assignment__proposal",),
    ),
    "extensionrequest": StepRecords(
        scopes.EXTENSION_REQUESTS,
        workflow.EXTENSION_REQUEST,
        lambda r: _assignment_url(r.assignment_id),
        ("assignment__proposal",),
    ),
    "cosigner": StepRecords(
        scopes.COSIGNERS, workflow.COSIGNER, lambda c: _proposal_url(c.proposal_id), ("proposal",)
    ),
    "keynomination": StepRecords(
        scopes.KEY_NOMINATIONS, workflow.KEY_NOMINATION, lambda n: _proposal_url(n.proposal_id)
    ),
    "supervision": StepRecords(
        scopes.SUPERVISIONS, workflow.SUPERVISION, lambda s: _proposal_url(s.proposal_id)
    ),
    "lookbackitem": StepRecords(
        scopes.LOOKBACK_ITEMS,
        workflow.LOOK_BACK_ITEM,
        lambda i: _proposal_url(i.assignment.proposal_id),
        ("assignment",),
    ),
    "activity": StepRecords(
        work.ACTIVITIES,
        activity_workflow.ACTIVITY,
        lambda a: reverse("pages:activity", args=[a.pk]),
    ),
    "opinionreport": StepRecords(
        work.OPINION_REPORTS,
        activity_workflow.REPORT,
        lambda r: reverse("pages:report", args=[r.pk]),
    ),
}


def step(request, kind: str, pk: int, name: str):
    """Take one workflow step: its form, then its service. Bad input or a refused step
    shows the reasons on the form; nothing is half-saved."""
    if kind not in STEP_RECORDS:
        raise Http404
    records = STEP_RECORDS[kind]
    record = get_object_or_404(records.records(request.user), pk=pk)
    spec = records.workflow.get(name)
    if spec is None:
        raise Http404
    if not spec.permitted(record, request.user):
        raise PermissionDenied(_("Your role does not allow this step on this record."))
    if (reason := spec.refusal(record)) is not None:
        messages.error(request, reason)
        return redirect(records.back(record))
    posted = request.method == "POST"
    if posted:
        attempt = records.workflow.attempt(spec, record, request.user, request.POST, request.FILES)
        if attempt.done:
            messages.success(request, _("Done: %(step)s.") % {"step": spec.label})
            return redirect(records.back(record))
        form, units = attempt.form, attempt.table
    else:
        form, units = spec.bind(record)
    return render(
        request,
        "pages/step.html",
        {
            "record": record,
            "step": spec,
            "form": form,
            "units": units,
            "kind": kind,
            "on_behalf": workflow.on_behalf(spec, record, request.user),
            "media": form.media + units.media if units is not None else form.media,
            "back": records.back(record),
            "opened_version": stale.version_of(record),
        },
        status=400 if posted else 200,
    )


def proposal_new(request):
    """Record a proposal (a draft): the office for anyone, a member in their own name."""
    user = request.user
    if not workflow.CREATE.roles.allow_some(user):
        raise PermissionDenied(_("Your role does not allow this step on this record."))
    posted = request.method == "POST"
    form = ProposalDraftForm(
        request.POST if posted else None, request.FILES if posted else None, user=user
    )
    if request.method == "POST" and form.is_valid():
        proposal = form.save_through_service(by=user)
        if proposal is not None:
            messages.success(request, _("The draft is saved."))
            return redirect("pages:proposal", pk=proposal.pk)
    return render(
        request, "pages/proposal_form.html", {"form": form}, status=400 if form.errors else 200
    )


def proposal_edit(request, pk: int):
    """Edit a draft: whoever may submit it (the office, or the member who drafts it).
    A save made by someone else after the page was opened is shown, never overwritten."""
    user = request.user
    proposal = get_object_or_404(scopes.PROPOSALS.visible_to(user), pk=pk)
    if not workflow.EDIT.permitted(proposal, user):
        raise PermissionDenied(_("Your role does not allow this step on this record."))
    if (reason := workflow.EDIT.refusal(proposal)) is not None:
        messages.error(request, reason)
        return redirect("pages:proposal", pk=proposal.pk)
    posted = request.method == "POST"
    form = ProposalDraftForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        instance=proposal,
        user=user,
    )
    opened = request.POST.get(stale.FIELD) if posted else stale.version_of(proposal)
    if posted and form.is_valid() and form.save_changes(by=user, opened=opened):
        messages.success(request, _("The draft is saved."))
        return redirect("pages:proposal", pk=proposal.pk)
    return render(
        request,
        "pages/proposal_form.html",
        {
            "form": form,
            "proposal": proposal,
            "opened_version": opened,
            "attachments": proposal.attachments.all(),
        },
        status=400 if posted else 200,
    )
