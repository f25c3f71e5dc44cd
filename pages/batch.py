"""批量交办 on the pages: the accepted proposals of a session in one table, each with the
units its proposer suggests filled in (the first leading, the others joint), to correct
and confirm in one go; the batch goes through ``services.proposals_assign_batch`` (all or
nothing, each refusal shown on its row), and the answer is the list per unit to print and
hand out at the 交办会."""

from collections import defaultdict

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hcppcc.core.workflow.errors import WorkflowError
from hcppcc.directory.models import HandlingUnit, Session
from hcppcc.directory.pickers import (
    PickOnePreloaded,
    PickSeveralPreloaded,
    picker_attrs,
)
from pages.access import opens_for
from proposals import scopes, services, workflow
from proposals.choices import AssignmentRole, ProposalStatus
from proposals.models import Assignment, Category
from proposals.workflow import UnitAssignment

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
OFFICE = workflow.ASSIGN.roles.allow_some


class BatchFilter(forms.Form):
    session = forms.ModelChoiceField(
        Session.objects.all(), label=gettext_lazy("session"), required=False
    )
    category = forms.ModelChoiceField(
        Category.objects.all(),
        label=gettext_lazy("category"),
        required=False,
        empty_label=gettext_lazy("every category"),
    )


class BatchHeader(forms.Form):
    assigned_on = forms.DateField(label=gettext_lazy("assigned on"), widget=DATE)
    due_on = forms.DateField(
        label=gettext_lazy("one reply date for the whole batch"),
        required=False,
        widget=DATE,
        help_text=gettext_lazy("Left blank: each unit's date from the rules (lead 3 months…)."),
    )
    note = forms.CharField(
        label=gettext_lazy("note"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("For example the 交办会 it was decided at."),
    )


class BatchRow(forms.Form):
    proposal = forms.IntegerField(widget=forms.HiddenInput)
    include = forms.BooleanField(label=gettext_lazy("assign"), required=False)
    lead = forms.ModelChoiceField(
        HandlingUnit.objects.active(), label=gettext_lazy("lead unit"), required=False
    )
    joint = forms.ModelMultipleChoiceField(
        HandlingUnit.objects.active(), label=gettext_lazy("joint units"), required=False
    )

    def __init__(self, *args, labels: dict, **kwargs):
        super().__init__(*args, **kwargs)
        placeholder = picker_attrs(_("Type a name, short name or pinyin initials"))
        one = PickOnePreloaded(url="directory:pick-units", attrs=placeholder)
        several = PickSeveralPreloaded(url="directory:pick-units", attrs=placeholder)
        for name, widget in (("lead", one), ("joint", several)):
            widget.labels = labels
            widget.choices = self.fields[name].widget.choices
            self.fields[name].widget = widget

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("include") and not cleaned.get("lead"):
            self.add_error("lead", _("Name the lead unit, or leave the proposal out."))
        lead, joint = cleaned.get("lead"), cleaned.get("joint") or []
        if lead and lead in joint:
            self.add_error("joint", _("The lead unit is not also a joint unit."))
        return cleaned

    def units(self, due_on) -> list[UnitAssignment]:
        data = self.cleaned_data
        return [UnitAssignment(data["lead"], AssignmentRole.LEAD, due_on)] + [
            UnitAssignment(unit, AssignmentRole.JOINT, due_on) for unit in data["joint"]
        ]


RowFormSet = forms.formset_factory(BatchRow, extra=0)


def _candidates(user, session, category):
    """The accepted proposals waiting to be assigned, by case number, with the units their
    proposers suggest (two queries)."""
    accepted = scopes.PROPOSALS.visible_to(user).filter(status=ProposalStatus.ACCEPTED)
    if session is not None:
        accepted = accepted.filter(session=session)
    if category is not None:
        accepted = accepted.filter(category=category)
    return list(
        accepted.select_related("session", "category")
        .prefetch_related("suggested_units")
        .order_by("case_number", "pk")
    )


def _key(value) -> int | None:
    return int(value) if str(value).isdigit() else None


def _initial(proposal) -> dict:
    units = [spec.unit.pk for spec in workflow.suggested_assignments(proposal)]
    return {
        "proposal": proposal.pk,
        "include": bool(units),
        "lead": units[0] if units else None,
        "joint": units[1:],
    }


@opens_for(OFFICE)
def assign_batch(request):
    """GET: the table for a session (and category); POST: the batch assigned, or the
    table again with each refusal on its row."""
    chosen = BatchFilter(request.GET or None)
    chosen.is_valid()
    filters = getattr(chosen, "cleaned_data", {})
    session = filters.get("session") or Session.objects.current()
    proposals = _candidates(request.user, session, filters.get("category"))
    by_pk = {proposal.pk: proposal for proposal in proposals}
    labels = {
        unit.pk: str(unit) for proposal in proposals for unit in proposal.suggested_units.all()
    }
    posted = request.method == "POST"
    if posted:
        # What the clerk picked beyond the suggestions, named in one query.
        picked = {
            int(value)
            for key, values in request.POST.lists()
            if key.endswith(("-lead", "-joint"))
            for value in values
            if value.isdigit()
        }
        others = HandlingUnit.objects.filter(pk__in=picked - set(labels))
        labels |= {unit.pk: str(unit) for unit in others}
    header = BatchHeader(
        request.POST if posted else None, initial={"assigned_on": timezone.localdate()}
    )
    rows = RowFormSet(
        request.POST if posted else None,
        initial=[_initial(proposal) for proposal in proposals],
        form_kwargs={"labels": labels},
    )
    if posted and header.is_valid() and rows.is_valid():
        done = _assign(request, header, rows, by_pk)
        if done is not None:
            return done
    context = {
        "filter": chosen,
        "session": session,
        "header": header,
        "rows": [(form, by_pk.get(_key(form["proposal"].value()))) for form in rows],
        "formset": rows,
    }
    return render(request, "pages/batch/assign.html", context, status=400 if posted else 200)


def _assign(request, header, rows, by_pk):
    """The batch through its service: the per-unit lists, or None with the reasons on the
    rows (and on the header where no row is to blame)."""
    due_on = header.cleaned_data["due_on"]
    chosen = [
        (form, by_pk.get(form.cleaned_data["proposal"]))
        for form in rows
        if form.cleaned_data.get("include")
    ]
    for form, proposal in chosen:
        if proposal is None:  # assigned or taken away since the table was opened
            form.add_error(None, _("This proposal is no longer waiting to be assigned."))
    if any(proposal is None for _form, proposal in chosen):
        return None
    batch = [services.BatchRow(proposal, form.units(due_on)) for form, proposal in chosen]
    try:
        assigned = services.proposals_assign_batch(
            rows=batch,
            by=request.user,
            assigned_on=header.cleaned_data["assigned_on"],
            note=header.cleaned_data["note"],
        )
    except services.BatchRefused as refused:
        forms_of = {proposal.pk: form for form, proposal in chosen}
        for proposal, reason in refused.refused:
            forms_of[proposal.pk].add_error(None, reason)
        return None
    except (ValidationError, WorkflowError) as error:
        header.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
        return None
    messages.success(request, _("%(count)d proposals are assigned.") % {"count": len(assigned)})
    return _per_unit(request, assigned, header.cleaned_data)


def _per_unit(request, assigned, header):
    """The batch's list per unit, to print for the 交办会 (one query)."""
    lists = defaultdict(list)
    assignments = (
        Assignment.objects.filter(proposal__in=assigned)
        .select_related("unit", "proposal")
        .order_by("unit__sort_order", "unit__name", "proposal__case_number", "pk")
    )
    for assignment in assignments:
        lists[assignment.unit].append(assignment)
    context = {"lists": list(lists.items()), "header": header, "count": len(assigned)}
    return render(request, "pages/batch/per_unit.html", context)
