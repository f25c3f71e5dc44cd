"""Widgets of the FilterSets, which people read on the staff pages as well as programs
through the API: "yes / no / either" rather than "unknown", and date pickers."""

from django import forms
from django.utils.translation import gettext_lazy as _

YES_NO = forms.Select(choices=[("", "---------"), ("true", _("Yes")), ("false", _("No"))])
DATE = forms.DateInput(attrs={"type": "date"})
