"""FilterSets of the committee's work, shared by the API and the staff pages."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from activities.choices import ActivityStatus, ReportStatus
from activities.models import Activity, Bulletin, OpinionReport
from hcppcc.core.filtering import DATE, IdFilter, StableOrderingFilter


def year_filter(date_field: str) -> django_filters.NumberFilter:
    """The calendar year of ``date_field``; years a date cannot hold are bad input."""
    return django_filters.NumberFilter(
        field_name=date_field, lookup_expr="year", min_value=1949, max_value=2999, label=_("year")
    )


class ActivityFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ActivityStatus.choices)
    committee = IdFilter(field_name="committees", label=_("committee"))
    leader = IdFilter(field_name="leaders", label=_("leader"))
    year = year_filter("starts_on")
    starts_after = django_filters.DateFilter(
        field_name="starts_on", lookup_expr="gte", label=_("starts from"), widget=DATE
    )
    starts_before = django_filters.DateFilter(
        field_name="starts_on", lookup_expr="lte", label=_("starts until"), widget=DATE
    )
    q = django_filters.CharFilter(method="filter_text", label=_("text"))
    ordering = StableOrderingFilter(fields=("starts_on", "title", "id"))

    class Meta:
        model = Activity
        fields = ("kind", "is_demo")

    def filter_text(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value)
            | Q(places__icontains=value)
            | Q(report_title__icontains=value)
        )


class OpinionReportFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ReportStatus.choices)
    member = IdFilter(field_name="members", label=_("member"))
    year = year_filter("received_on")
    received_after = django_filters.DateFilter(
        field_name="received_on", lookup_expr="gte", label=_("received from"), widget=DATE
    )
    received_before = django_filters.DateFilter(
        field_name="received_on", lookup_expr="lte", label=_("received until"), widget=DATE
    )
    q = django_filters.CharFilter(method="filter_text", label=_("text"))
    ordering = StableOrderingFilter(fields=("received_on", "title", "id"))

    class Meta:
        model = OpinionReport
        fields = ("bulletin", "is_demo")

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(content__icontains=value))


class BulletinFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(min_value=1949, max_value=2999, label=_("year"))
    ordering = StableOrderingFilter(fields=("year", "number", "issued_on", "id"))

    class Meta:
        model = Bulletin
        fields = ("year", "series")
