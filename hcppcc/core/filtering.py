"""Shared parts of the FilterSets, which people read on the staff pages as well as
programs through the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

# "Yes / no / either" rather than Django's "unknown", and date pickers.
YES_NO = forms.Select(choices=[("", "---------"), ("true", _("Yes")), ("false", _("No"))])
DATE = forms.DateInput(attrs={"type": "date"})


class StableOrderingFilter(django_filters.OrderingFilter):
    """Ordering by an allow-listed field, then by id, so that rows with equal values keep
    one order from page to page (no row shown twice, none skipped)."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            qs = qs.order_by(*qs.query.order_by, "pk")
        return qs


class IdFilter(django_filters.NumberFilter):
    """A record's id: a whole number a database key can hold (anything else is a 400 on
    every database, not an empty list on one and an error on another)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)
