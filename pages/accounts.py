"""Accounts on the staff pages: the office's (账户管理) — the list, a new account, an
account's page with its roles, links and history, accounts in bulk for units and members
with a printable sheet of first-time links — and each person's own (我的账户).

Every change is one service of ``hcppcc.directory.accounts``; the office's pages open to
``MANAGE_ACCOUNTS``' roles (others get 403). A page showing links to set a password is
only ever the answer to a POST and is never cached: the links are secrets."""

import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from hcppcc.core import stale
from hcppcc.core.records import StaleRecord
from hcppcc.core.workflow.errors import WorkflowError
from hcppcc.core.workflow.forms import show_on_form
from hcppcc.directory import accounts, scopes
from hcppcc.directory.choices import STAFF_ROLES, AccountKind, Role
from hcppcc.directory.filtersets import AccountFilterSet
from hcppcc.directory.models import HandlingUnit, Member, User
from hcppcc.directory.pickers import member_field, unit_field
from hcppcc.directory.selectors import home_overview
from hcppcc.directory.workflow import MANAGE_ACCOUNTS, RESET_ACCESS
from pages.access import opens_for
from pages.lists import Column, FilteredList

OFFICE = MANAGE_ACCOUNTS.roles.allow_some


def _attempt(form: forms.Form, service, **arguments):
    """The service's result, or None with its refusal on ``form``."""
    try:
        return service(**arguments)
    except WorkflowError as error:
        form.add_error(None, error.message)
    except ValidationError as error:
        show_on_form(form, User(), error)
    return None


def _sheet(request, issued: list[accounts.Issued], title):
    """The printable sheet of usernames and their one-time links."""
    expires = timezone.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    response = render(
        request,
        "pages/accounts/sheet.html",
        {"issued": issued, "expires": expires, "title": title},
    )
    add_never_cache_headers(response)
    return response


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


# --- the list ----------------------------------------------------------------------------


class AccountList(FilteredList):
    scope = scopes.ACCOUNTS
    title = gettext_lazy("Account management")
    filterset_class = AccountFilterSet
    filter_fields = ("q", "role", "is_active")
    columns = (
        Column(gettext_lazy("username"), "username"),
        Column(gettext_lazy("full name")),
        Column(gettext_lazy("roles")),
        Column(gettext_lazy("handling unit or member")),
        Column(gettext_lazy("e-mail")),
        Column(gettext_lazy("last sign-in"), "last_login"),
    )
    row_template = "pages/rows/account.html"

    def records(self, user):
        return (
            super()
            .records(user)
            .select_related("handling_unit", "member")
            .prefetch_related("groups")
            .order_by("username")
        )

    def extra_context(self, request) -> dict:
        return {
            "list_actions": [
                (_("New account"), reverse("pages:account-new")),
                (_("Accounts for handling units"), reverse("pages:accounts-bulk-units")),
                (_("Accounts for members"), reverse("pages:accounts-bulk-members")),
            ]
        }


# --- a new account -----------------------------------------------------------------------


class AccountCreateForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Account for"),
        choices=AccountKind.choices,
        initial=AccountKind.UNIT,
        widget=forms.RadioSelect,
    )
    unit = unit_field(required=False, help_text=gettext_lazy("For a unit's contact."))
    member = member_field(
        required=False, help_text=gettext_lazy("For a member, or the member a leader is.")
    )
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("roles"),
        choices=[(role.value, role.label) for role in STAFF_ROLES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("For a staff account."),
    )
    username = forms.CharField(
        label=gettext_lazy("username"),
        max_length=150,
        required=False,
        help_text=gettext_lazy(
            "Left blank for a unit or a member: dw- and the unit's pinyin initials "
            "(dw-cgj), or the member's name in pinyin (liwenhua)."
        ),
    )
    name = forms.CharField(
        label=gettext_lazy("full name"),
        max_length=150,
        required=False,
        help_text=gettext_lazy(
            "Left blank for a unit or a member: the unit's contact person, or the member's name."
        ),
    )
    email = forms.EmailField(
        label=gettext_lazy("e-mail"),
        required=False,
        help_text=gettext_lazy(
            "The link to set a password goes there. Left blank for a unit: its contact e-mail."
        ),
    )
    password = forms.CharField(
        label=gettext_lazy("initial password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy(
            "Usually left blank: the person sets a password from a link. An initial "
            "password must be changed at first sign-in."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        required = {
            AccountKind.UNIT: ("unit",),
            AccountKind.MEMBER: ("member",),
            AccountKind.STAFF: ("username", "name", "roles"),
        }.get(kind, ())
        for name in required:
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, forms.Field.default_error_messages["required"])
        return cleaned

    def create(self, *, by: User) -> User | None:
        """The account, through the service of its kind; None with the reasons on the form."""
        data = self.cleaned_data
        common = {"by": by, "username": data["username"], "password": data["password"]}
        if data["kind"] != AccountKind.STAFF:
            common["name"] = data["name"]  # blank: the contact person's or member's name
        if data["kind"] == AccountKind.UNIT:
            email = data["email"] or None  # the unit's contact e-mail
            return _attempt(
                self, accounts.unit_account_create, unit=data["unit"], email=email, **common
            )
        if data["kind"] == AccountKind.MEMBER:
            return _attempt(
                self,
                accounts.member_account_create,
                member=data["member"],
                email=data["email"],
                **common,
            )
        return _attempt(
            self,
            accounts.account_create,
            roles=[Role(value) for value in data["roles"]],
            name=data["name"],
            email=data["email"],
            member=data["member"],
            **common,
        )


@opens_for(OFFICE)
def account_new(request):
    """A new account. Without an initial password, the sheet with its link to set one
    follows (e-mailed too where an address is known)."""
    posted = request.method == "POST"
    form = AccountCreateForm(request.POST if posted else None)
    if posted and form.is_valid() and (user := form.create(by=request.user)) is not None:
        messages.success(request, _("The account %(username)s is created.") % {"username": user})
        if form.cleaned_data["password"]:
            return redirect("pages:account-detail", pk=user.pk)
        issued = accounts.account_issue_link(
            user=user, by=request.user, base_url=_base_url(request)
        )
        return _sheet(request, [issued], _("New account"))
    return render(
        request,
        "pages/accounts/new.html",
        {"form": form},
        status=400 if posted else 200,
    )


# --- an account --------------------------------------------------------------------------


class AccountForm(forms.Form):
    """The office's corrections to an account: name, e-mail, roles and their records."""

    name = forms.CharField(label=gettext_lazy("full name"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("e-mail"), required=False)
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("roles"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    unit = unit_field(
        required=False,
        queryset=HandlingUnit.objects.all(),
        help_text=gettext_lazy("For, and only for, the handling unit role."),
    )
    member = member_field(
        required=False,
        queryset=Member.objects.select_related("sector"),
        help_text=gettext_lazy("Needed for the member role; a leader's member record."),
    )

    @classmethod
    def opened_on(cls, user: User) -> "AccountForm":
        member = Member.objects.filter(user=user).first()
        return cls(
            initial={
                "name": user.get_full_name(),
                "email": user.email,
                "roles": sorted(user.roles),
                "unit": user.handling_unit_id,
                "member": member.pk if member else None,
            }
        )

    def save(self, *, user: User, by: User, opened: str | None) -> User | None:
        """The changes through ``account_update``, unless someone saved the account
        since version ``opened``: then None, with who changed what on the form."""
        if problems := stale.conflict(user, opened):
            self.add_error(None, problems)
            return None
        data = self.cleaned_data
        try:
            return _attempt(
                self,
                accounts.account_update,
                user=user,
                by=by,
                name=data["name"],
                email=data["email"],
                roles=[Role(value) for value in data["roles"]],
                handling_unit=data["unit"],
                member=data["member"],
                unchanged_since=user.updated_at,
            )
        except StaleRecord:  # saved in the moment between the check and the lock
            self.add_error(None, stale.conflict(User.objects.get(pk=user.pk), opened))
        return None


@opens_for(OFFICE)
def account_detail(request, pk: int):
    """One account: who it is, its roles and records (editable), its state, a new link to
    set a password, and its history."""
    account = get_object_or_404(
        scopes.ACCOUNTS.visible_to(request.user).select_related("handling_unit"), pk=pk
    )
    posted = request.method == "POST"
    opened = request.POST.get(stale.FIELD) if posted else stale.version_of(account)
    if posted:
        form = AccountForm(request.POST)
        if form.is_valid() and form.save(user=account, by=request.user, opened=opened):
            messages.success(request, _("The account is saved."))
            return redirect("pages:account-detail", pk=account.pk)
    else:
        form = AccountForm.opened_on(account)
    context = {
        "account": account,
        "member": Member.objects.filter(user=account).select_related("sector").first(),
        "form": form,
        "opened_version": opened,
        "history": accounts.account_history(account),
        # A superuser's account is kept by superusers alone.
        "may_change": MANAGE_ACCOUNTS.permitted(account, request.user),
        # Links and addresses of a staff account its holder already uses stay theirs.
        "may_reset": RESET_ACCESS.available(account, request.user),
        "reset_refused": RESET_ACCESS.refusal(account),
    }
    return render(request, "pages/accounts/detail.html", context, status=400 if posted else 200)


@require_POST
@opens_for(OFFICE)
def account_active(request, pk: int):
    """Deactivate or reactivate an account (the button posts ``active``: 1 or 0)."""
    account = get_object_or_404(scopes.ACCOUNTS.visible_to(request.user), pk=pk)
    active = request.POST.get("active") == "1"
    try:
        accounts.account_set_active(user=account, by=request.user, active=active)
    except (ValidationError, WorkflowError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        done = _("The account is active again.") if active else _("The account is deactivated.")
        messages.success(request, done)
    return redirect("pages:account-detail", pk=account.pk)


@require_POST
@opens_for(OFFICE)
def account_link(request, pk: int):
    """A new link to set a password: e-mailed where the account has an address, and shown
    on a sheet to print or hand over."""
    account = get_object_or_404(scopes.ACCOUNTS.visible_to(request.user), pk=pk)
    try:
        issued = accounts.account_issue_link(
            user=account, by=request.user, base_url=_base_url(request)
        )
    except (ValidationError, WorkflowError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("pages:account-detail", pk=account.pk)
    return _sheet(request, [issued], _("Link to set a password"))


# --- in bulk -----------------------------------------------------------------------------

BULK_TITLES = {
    AccountKind.UNIT: gettext_lazy("Accounts for handling units"),
    AccountKind.MEMBER: gettext_lazy("Accounts for members"),
}


@opens_for(OFFICE)
def accounts_bulk(request, kind: str):
    """Who would get an account (one per active unit or member without one), then, once
    confirmed, every one of them — or none, with the reason — and the sheet of links."""
    kind = AccountKind(kind)
    title = BULK_TITLES[kind]
    if request.method == "POST":
        try:
            issued = accounts.accounts_create_in_bulk(
                kind=kind, by=request.user, base_url=_base_url(request)
            )
        except ValidationError as error:
            messages.error(
                request,
                _("No account was created: %(reason)s") % {"reason": " ".join(error.messages)},
            )
            return redirect(request.path)
        created = ngettext(
            "%(count)d account is created.", "%(count)d accounts are created.", len(issued)
        )
        messages.success(request, created % {"count": len(issued)})
        return _sheet(request, issued, title)
    return render(
        request,
        "pages/accounts/bulk.html",
        {"title": title, "kind": kind, "planned": accounts.accounts_planned(kind)},
    )


# --- one's own account -------------------------------------------------------------------


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("e-mail"),
        required=False,
        help_text=gettext_lazy("Where a link to set a new password goes if you forget yours."),
    )
    password = forms.CharField(
        label=gettext_lazy("current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=gettext_lazy("To confirm that it is you who changes the address."),
    )


def profile(request):
    """Their own account (我的账户), for everyone: name, roles, unit or member record;
    they change their e-mail address here and go on to change their password."""
    user = request.user
    posted = request.method == "POST"
    form = EmailForm(request.POST if posted else None, initial={"email": user.email})
    if posted and form.is_valid():
        email, password = form.cleaned_data["email"], form.cleaned_data["password"]
        if _attempt(
            form, accounts.account_set_email, user=user, by=user, email=email, password=password
        ):
            messages.success(request, _("Your e-mail address is saved."))
            return redirect("pages:account")
    context = {**home_overview(user), "email_form": form}
    return render(request, "pages/accounts/profile.html", context, status=400 if posted else 200)
