"""Small forms for the steps on public-opinion reports."""

from django import forms
from django.utils.translation import gettext_lazy as _

from activities.choices import UpwardLevel
from activities.models import Bulletin


class AdoptForm(forms.Form):
    bulletin = forms.ModelChoiceField(
        queryset=Bulletin.objects.order_by("-year", "-number")[:200],
        required=False,
        label=_("bulletin issue"),
        help_text=_("The issue the report goes into, if any (the latest 200 are listed)."),
    )


class UpwardForm(forms.Form):
    level = forms.ChoiceField(choices=UpwardLevel.choices, label=_("sent to"))
    reported_on = forms.DateField(
        label=_("sent on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    adopted = forms.BooleanField(label=_("adopted"), required=False)
