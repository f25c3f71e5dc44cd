"""Small forms for the workflow steps: what a clerk types in to take a step.

The forms only parse input; ``workflow.py`` passes the cleaned data to the service.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from hcppcc.core.files import validate_document
from hcppcc.directory.models import Committee, Member, Organization
from hcppcc.directory.pickers import unit_field
from proposals.choices import (
    AssignmentRole,
    ContactWay,
    Conversion,
    LookBackDecision,
    LookBackOutcome,
    NominatedBy,
    Satisfaction,
    SupervisionMethod,
)
from proposals.models import Category, Proposal, RejectionReason, ResultClass

DATE = forms.DateInput(attrs={"type": "date"})


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The note is an afterthought: it goes below the fields the step is about.
        self.order_fields([name for name in self.fields if name != "note"] + ["note"])


class EmptyForm(forms.Form):
    pass


class AcceptForm(NoteForm):
    category = forms.ModelChoiceField(queryset=Category.objects.active(), label=_("category"))


class RejectForm(NoteForm):
    reason = forms.ModelChoiceField(
        queryset=RejectionReason.objects.active(), label=_("reason for not accepting")
    )
    note = forms.CharField(
        label=_("note to the proposer"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MergeForm(NoteForm):
    host_case_number = forms.IntegerField(
        label=_("case number of the host proposal"),
        min_value=1,
        help_text=_("An accepted proposal of the same session."),
    )

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal = proposal

    def clean_host_case_number(self):
        number = self.cleaned_data["host_case_number"]
        host = Proposal.objects.filter(
            session_id=self.proposal.session_id, case_number=number
        ).first()
        if host is None:
            raise forms.ValidationError(
                _("No proposal of this session has case number %(number)d."),
                params={"number": number},
            )
        self.cleaned_data["host"] = host
        return number


class ConvertForm(NoteForm):
    conversion = forms.ChoiceField(choices=Conversion.choices, label=_("converted to"))


class ReturnForRevisionForm(forms.Form):
    note = forms.CharField(label=_("what to revise"), widget=forms.Textarea(attrs={"rows": 3}))


class AssignRowForm(forms.Form):
    unit = unit_field(required=False)
    role = forms.ChoiceField(choices=AssignmentRole.choices, label=_("role"), required=False)
    due_on = forms.DateField(
        label=_("reply due"),
        required=False,
        help_text=_("Left blank, it follows the rules (three months; one for joint units)."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("unit") and not cleaned.get("role"):
            self.add_error("role", _("Choose the unit's role."))
        return cleaned


AssignRowFormSet = forms.formset_factory(AssignRowForm, extra=3, max_num=20)


class AssignForm(NoteForm):
    assigned_on = forms.DateField(
        label=_("assigned on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class AddUnitForm(NoteForm):
    unit = unit_field()
    role = forms.ChoiceField(choices=AssignmentRole.choices, label=_("role"))
    due_on = forms.DateField(
        label=_("reply due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class FeedbackForm(forms.Form):
    attitude = forms.ChoiceField(choices=Satisfaction.choices, label=_("on the attitude"))
    result = forms.ChoiceField(choices=Satisfaction.choices, label=_("on the result"))
    comment = forms.CharField(
        label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RequestReturnForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))
    suggested_unit = unit_field(required=False)
    suggested_unit.label = _("unit that should handle it instead")


class RequestExtensionForm(forms.Form):
    days = forms.IntegerField(label=_("days"), min_value=1, max_value=365)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ContactForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    way = forms.ChoiceField(choices=ContactWay.choices, label=_("way"))
    people = forms.CharField(label=_("who took part"), max_length=200)
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class OpinionForm(forms.Form):
    text = forms.CharField(label=_("opinion"), widget=forms.Textarea(attrs={"rows": 6}))


class ReplyForm(forms.Form):
    result_class = forms.ModelChoiceField(
        queryset=ResultClass.objects.active(), label=_("result class")
    )
    text = forms.CharField(label=_("reply letter"), widget=forms.Textarea(attrs={"rows": 8}))
    signer = forms.CharField(label=_("signed by"), max_length=50)
    reply_date = forms.DateField(
        label=_("reply date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    file = forms.FileField(label=_("letter file"), required=False, validators=[validate_document])


class DecisionForm(NoteForm):
    approve = forms.TypedChoiceField(
        label=_("decision"),
        choices=((True, _("Approve")), (False, _("Refuse"))),
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
    )


class ReturnDecisionForm(DecisionForm):
    replacement = unit_field(required=False)
    replacement.label = _("unit that takes over (if approved)")


class SendBackForm(forms.Form):
    reason = forms.CharField(label=_("what to change"), widget=forms.Textarea(attrs={"rows": 3}))


class CoSignForm(forms.Form):
    confirm = forms.TypedChoiceField(
        label=_("answer"),
        choices=((True, _("Confirm")), (False, _("Decline"))),
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
    )


# --- key proposals and supervision ---------------------------------------------------------


class NominateForm(forms.Form):
    nominated_by = forms.ChoiceField(choices=NominatedBy.choices, label=_("nominated by"))
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.active(), required=False, label=_("nominating organization")
    )
    committee = forms.ModelChoiceField(
        queryset=Committee.objects.active(), required=False, label=_("nominating committee")
    )
    nominated_on = forms.DateField(label=_("nominated on"), widget=DATE)
    reason = forms.CharField(
        label=_("reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class KeyDecisionForm(NoteForm):
    approve = forms.TypedChoiceField(
        label=_("chair meeting decision"),
        choices=((True, _("Approve")), (False, _("Refuse"))),
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(label=_("chair meeting date"), widget=DATE)


class SupervisionPlanForm(forms.Form):
    # The chair meeting has a dozen members at most: check boxes, not a search.
    leaders = forms.ModelMultipleChoiceField(
        queryset=Member.objects.active().leaders(),
        label=_("leading leaders"),
        widget=forms.CheckboxSelectMultiple,
    )
    committee = forms.ModelChoiceField(
        queryset=Committee.objects.active(), required=False, label=_("responsible committee")
    )
    plan = forms.CharField(
        label=_("plan"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class SupervisionEventForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=DATE)
    method = forms.ChoiceField(choices=SupervisionMethod.choices, label=_("method"))
    participants = forms.CharField(label=_("participants"), max_length=300, required=False)
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    notes = forms.CharField(
        label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class SupervisionReportForm(forms.Form):
    report = forms.CharField(
        label=_("supervision report"), widget=forms.Textarea(attrs={"rows": 8})
    )
    reported_on = forms.DateField(label=_("reported on"), required=False, widget=DATE)


# --- look-back reviews and publication -------------------------------------------------------


class FindingsForm(forms.Form):
    commitments = forms.CharField(
        label=_("promises"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The promises taken from the reply, one a line."),
    )
    visited_on = forms.DateField(label=_("visited on"), required=False, widget=DATE)
    evidence = forms.CharField(
        label=_("what was found"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachment = forms.FileField(
        label=_("evidence file"), required=False, validators=[validate_document]
    )
    outcome = forms.ChoiceField(choices=LookBackOutcome.choices, label=_("outcome"))
    satisfaction = forms.ChoiceField(
        choices=[("", "—"), *Satisfaction.choices],
        required=False,
        label=_("proposer satisfaction now"),
    )


class LookBackDecisionForm(NoteForm):
    decision = forms.ChoiceField(
        choices=[c for c in LookBackDecision.choices if c[0] != LookBackDecision.PENDING],
        label=_("decision"),
        widget=forms.RadioSelect,
    )
    result_class = forms.ModelChoiceField(
        queryset=ResultClass.objects.active(),
        required=False,
        label=_("reclassified as"),
        help_text=_("Only when reclassifying. The reply keeps its own class."),
    )
    due_on = forms.DateField(
        label=_("reply due"),
        required=False,
        widget=DATE,
        help_text=_("Only when reopening; left blank, it follows the rules."),
    )


class PublishForm(forms.Form):
    published = forms.TypedChoiceField(
        label=_("publication"),
        choices=((True, _("Publish")), (False, _("Do not publish"))),
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
    )
