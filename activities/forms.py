"""Small forms for the steps on public-opinion reports."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.choices import UpwardLevel
from activities.models import Bulletin


class AdoptForm(forms.Form):
    bulletin = forms.ModelChoiceField(
        queryset=Bulletin.objects.none(),
        required=False,
        label=_("bulletin issue"),
        help_text=_("The issue the report goes into, if any (this year's and last year's)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A bounded list: a year has about a hundred issues.
        this_year = timezone.localdate().year
        self.fields["bulletin"].queryset = Bulletin.objects.filter(
            year__gte=this_year - 1
        ).order_by("-year", "-number")


class UpwardForm(forms.Form):
    level = forms.ChoiceField(choices=UpwardLevel.choices, label=_("sent to"))
    reported_on = forms.DateField(
        label=_("sent on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    adopted = forms.BooleanField(label=_("adopted"), required=False)


class DoneForm(forms.Form):
    report_title = forms.CharField(label=_("report title"), max_length=200, required=False)
    report_text = forms.CharField(label=_("report"), required=False, widget=forms.Textarea)
