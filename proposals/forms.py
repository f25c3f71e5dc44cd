"""Small forms for the workflow steps: what a clerk types in to take a step.

The forms only parse input; ``workflow.py`` passes the cleaned data to the service.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.utils.translation import gettext_lazy as _

from hcppcc.directory.models import HandlingUnit
from proposals.choices import AssignmentRole, ContactWay, Conversion, Satisfaction
from proposals.models import Assignment, Category, Proposal, RejectionReason, ResultClass


def unit_field(required: bool = True) -> forms.ModelChoiceField:
    """A handling unit picked by typing its name (the admin's autocomplete), not from a
    dropdown of every unit."""
    return forms.ModelChoiceField(
        queryset=HandlingUnit.objects.active(),
        required=required,
        label=_("handling unit"),
        widget=AutocompleteSelect(Assignment._meta.get_field("unit"), admin.site),
    )


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


AssignRowFormSet = forms.formset_factory(AssignRowForm, extra=4, max_num=20)


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
    file = forms.FileField(label=_("letter file"), required=False)


class DecisionForm(NoteForm):
    approve = forms.TypedChoiceField(
        label=_("decision"),
        choices=((True, _("Approve")), (False, _("Refuse"))),
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
    )


class SendBackForm(forms.Form):
    reason = forms.CharField(label=_("what to change"), widget=forms.Textarea(attrs={"rows": 3}))


class CoSignForm(forms.Form):
    confirm = forms.TypedChoiceField(
        label=_("answer"),
        choices=((True, _("Confirm")), (False, _("Decline"))),
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
    )
