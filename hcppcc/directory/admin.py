"""Admin for the directory: data entry by the proposal office, reading for the others."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hcppcc.core.admin import AuditHistoryAdmin, ModelAdmin
from hcppcc.directory import services
from hcppcc.directory.choices import Role
from hcppcc.directory.models import (
    Committee,
    HandlingUnit,
    Member,
    Organization,
    Sector,
    Session,
    User,
)


class DeactivateMixin:
    """Records are deactivated, never deleted: proposals and history point at them."""

    @admin.action(description=_("Deactivate selected records"), permissions=("change",))
    def deactivate(self, request, queryset):
        count = services.records_set_active(records=queryset, active=False)
        self.message_user(request, _("%(count)d record(s) deactivated.") % {"count": count})

    @admin.action(description=_("Reactivate selected records"), permissions=("change",))
    def reactivate(self, request, queryset):
        count = services.records_set_active(records=queryset, active=True)
        self.message_user(request, _("%(count)d record(s) reactivated.") % {"count": count})

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Session)
class SessionAdmin(ModelAdmin):
    list_display = ("label", "term", "number", "year", "opens_on", "closes_on", "is_current")
    list_filter = ("is_current", "term", "year")
    search_fields = ("label", "year")
    fields = ("term", "number", "label", "year", "opens_on", "closes_on", "is_current")
    readonly_fields = ("is_current",)
    actions = ("make_current",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Make the selected session current"), permissions=("change",))
    def make_current(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one session."), messages.ERROR)
            return
        session = services.session_make_current(session=queryset.get())
        self.message_user(request, _("%(session)s is now current.") % {"session": session})


@admin.register(Committee)
class CommitteeAdmin(DeactivateMixin, ModelAdmin):
    list_display = ("name", "short_name", "sort_order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "short_name")
    fields = ("name", "short_name", "description", "sort_order", "is_active")
    actions = ("deactivate", "reactivate")


@admin.register(Sector)
class SectorAdmin(DeactivateMixin, ModelAdmin):
    list_display = ("name", "sort_order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)
    fields = ("name", "sort_order", "is_active")
    actions = ("deactivate", "reactivate")


@admin.register(Organization)
class OrganizationAdmin(DeactivateMixin, ModelAdmin):
    list_display = ("name", "short_name", "kind", "sort_order", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "short_name")
    fields = ("name", "short_name", "kind", "sort_order", "is_active")
    actions = ("deactivate", "reactivate")


@admin.register(Member)
class MemberAdmin(DeactivateMixin, AuditHistoryAdmin):
    list_display = ("name", "position", "sector", "organization", "committee_list", "is_active")
    list_filter = ("position", "is_active", "committees", "sector", "organization")
    search_fields = ("name", "sector__name", "organization__name", "organization__short_name")
    autocomplete_fields = ("sector", "organization", "committees", "user")
    fields = (
        "name",
        "position",
        "sector",
        "organization",
        "committees",
        "phone",
        "user",
        "notes",
        "is_active",
    )
    actions = ("deactivate", "reactivate")
    list_select_related = ("sector", "organization")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("committees")

    def get_readonly_fields(self, request, obj=None):
        # Scoping keys on this link: only a superuser (through the user's roles) may set it.
        return () if request.user.is_superuser else ("user",)

    @admin.display(description=_("committees"))
    def committee_list(self, obj: Member) -> str:
        return "、".join(committee.name for committee in obj.committees.all())


@admin.register(HandlingUnit)
class HandlingUnitAdmin(DeactivateMixin, AuditHistoryAdmin):
    list_display = ("name", "short_name", "kind", "contact_person", "contact_phone", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "short_name", "contact_person")
    fields = (
        "name",
        "short_name",
        "kind",
        "contact_person",
        "contact_phone",
        "contact_email",
        "sort_order",
        "is_active",
    )
    actions = ("deactivate", "reactivate")


class UserForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User

    def clean(self):
        cleaned = super().clean()
        groups = cleaned.get("groups")
        if groups is not None:
            try:
                services.validate_role_links(
                    roles=[group.name for group in groups],
                    handling_unit=cleaned.get("handling_unit"),
                )
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserForm
    list_display = ("username", "full_name", "role_list", "handling_unit", "is_active")
    list_filter = ("groups", "is_active", "is_staff", "handling_unit__kind")
    search_fields = ("username", "first_name", "last_name", "email", "handling_unit__name")
    autocomplete_fields = ("handling_unit",)
    list_select_related = ("handling_unit",)
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:2],
        (_("Role"), {"fields": ("groups", "handling_unit")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "user_permissions")},
        ),
        *DjangoUserAdmin.fieldsets[3:],
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("name"))
    def full_name(self, obj: User) -> str:
        return obj.get_full_name()

    @admin.display(description=_("roles"))
    def role_list(self, obj: User) -> str:
        labels = dict(Role.choices)
        return "、".join(str(labels.get(group.name, group.name)) for group in obj.groups.all())
