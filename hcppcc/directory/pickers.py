"""Type-ahead pickers for handling units and members: the server searches by name, short
name and pinyin initials ("lwh" finds 李文华), within what the user may read, and every
form that picks a unit or a member uses them (django-autocomplete-light, select2)."""

from dal import autocomplete
from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from hcppcc.directory import scopes
from hcppcc.directory.models import HandlingUnit, Member


def matching(queryset: QuerySet, typed: str, *, short_name: bool) -> QuerySet:
    """Records whose name (or short name) holds ``typed``, or whose pinyin initials begin
    with it ("cgj", and for a unit its short name's: "hhhtscsgl cgj")."""
    typed = typed.strip()
    if not typed:
        return queryset
    letters = typed.lower()
    found = (
        Q(name__icontains=typed)
        | Q(initials__startswith=letters)
        | Q(initials__contains=f" {letters}")
    )
    if short_name:
        found |= Q(short_name__icontains=typed)
    return queryset.filter(found)


class Picker(autocomplete.Select2QuerySetView):
    """A type-ahead that only reads: ten matches at a time, and no POST (which would let
    django-autocomplete-light create a record from the typed text)."""

    http_method_names = ["get"]
    paginate_by = 10


class UnitPicker(Picker):
    """``/pick/units/?q=…``: active handling units, ten at a time."""

    def get_queryset(self):
        units = scopes.UNITS.visible_to(self.request.user).filter(is_active=True)
        return matching(units, self.q, short_name=True).order_by("sort_order", "name")


class MemberPicker(Picker):
    """``/pick/members/?q=…``: active members, with their sector to tell namesakes apart."""

    def get_queryset(self):
        members = scopes.MEMBERS.visible_to(self.request.user).filter(is_active=True)
        members = members.select_related("sector")
        return matching(members, self.q, short_name=False).order_by("name", "pk")

    def get_result_label(self, member: Member) -> str:
        return member_label(member)


def member_label(member: Member) -> str:
    return f"{member.name}（{member.sector.name}）" if member.sector_id else member.name


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, member: Member) -> str:
        return member_label(member)


class MembersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, member: Member) -> str:
        return member_label(member)


class _WithJQuery:
    """select2 needs jQuery on the page before it; the admin brings its own (the same file,
    so the two merge into one), the staff pages only this."""

    @property
    def media(self):
        minified = "" if settings.DEBUG else ".min"
        return forms.Media(js=[f"admin/js/vendor/jquery/jquery{minified}.js"]) + super().media


class PickOne(_WithJQuery, autocomplete.ModelSelect2):
    pass


class PickSeveral(_WithJQuery, autocomplete.ModelSelect2Multiple):
    pass


class Preloaded:
    """A picker that renders its chosen records' labels from ``labels`` (key → label),
    read once for a whole table of pickers, instead of one query per picker."""

    labels: dict = {}

    def filter_choices_to_render(self, selected_choices):
        chosen = [int(key) for key in selected_choices if key and str(key).isdigit()]
        self.choices = [(key, self.labels[key]) for key in chosen if key in self.labels]


class PickOnePreloaded(Preloaded, PickOne):
    pass


class PickSeveralPreloaded(Preloaded, PickSeveral):
    pass


def picker_attrs(placeholder) -> dict:
    return {
        "data-placeholder": placeholder,
        "data-minimum-input-length": 0,
        "data-allow-clear": "true",
        "style": "width: 100%",
    }


def unit_field(
    *, required: bool = True, label=None, multiple: bool = False, queryset=None, **options
) -> forms.Field:
    """A handling unit (or several) picked by typing: name, short name or initials."""
    queryset = HandlingUnit.objects.active() if queryset is None else queryset
    attrs = picker_attrs(_("Type a name, short name or pinyin initials"))
    if multiple:
        widget = PickSeveral(url="directory:pick-units", attrs=attrs)
        field = forms.ModelMultipleChoiceField
    else:
        widget = PickOne(url="directory:pick-units", attrs=attrs)
        field = forms.ModelChoiceField
    return field(
        queryset=queryset,
        required=required,
        label=label or _("handling unit"),
        widget=widget,
        **options,
    )


def member_field(
    *, required: bool = True, label=None, multiple: bool = False, queryset=None, **options
) -> forms.Field:
    """A member (or several) picked by typing: name or pinyin initials."""
    queryset = Member.objects.active().select_related("sector") if queryset is None else queryset
    attrs = picker_attrs(_("Type a name or pinyin initials"))
    if multiple:
        widget = PickSeveral(url="directory:pick-members", attrs=attrs)
        field = MembersChoiceField
    else:
        widget = PickOne(url="directory:pick-members", attrs=attrs)
        field = MemberChoiceField
    return field(
        queryset=queryset,
        required=required,
        label=label or _("member"),
        widget=widget,
        **options,
    )
