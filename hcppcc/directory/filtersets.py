"""FilterSets of the directory, shared by the API and the staff pages."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hcppcc.core.filtering import YES_NO, IdFilter, StableOrderingFilter
from hcppcc.directory.choices import Role
from hcppcc.directory.models import HandlingUnit, Member, User


class MemberFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("name contains"))
    committee = IdFilter(field_name="committees", label=_("committee"))
    ordering = StableOrderingFilter(fields=("name", "id"))

    class Meta:
        model = Member
        fields = ("position", "sector", "organization", "is_active")

    def filter_text(self, queryset, name, value):
        return queryset.filter(name__icontains=value)


class UnitFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("name contains"))
    ordering = StableOrderingFilter(fields=("name", "id"))

    class Meta:
        model = HandlingUnit
        fields = ("kind", "is_active")

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))


class AccountFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("username or name contains"))
    role = django_filters.ChoiceFilter(
        field_name="groups__name", choices=Role.choices, label=_("roles")
    )
    is_active = django_filters.BooleanFilter(label=_("active"), widget=YES_NO)
    ordering = StableOrderingFilter(fields=("username", "last_login", "id"))

    class Meta:
        model = User
        fields = ("role", "is_active")

    def filter_text(self, queryset, name, value):
        return queryset.filter(
            Q(username__icontains=value)
            | Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(handling_unit__name__icontains=value)
            | Q(member__name__icontains=value)
        )
