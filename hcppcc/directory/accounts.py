"""Accounts, kept by the proposal office.

The office creates an account for a handling unit's contact (role handling_unit, linked to
the unit), for a member (role member, linked from ``Member.user``) or for a staff clerk
(the roles chosen); sets its roles (``services.user_set_roles``); deactivates and
reactivates it; and issues a link to set a password — Django's password-reset token, good
for ``PASSWORD_RESET_TIMEOUT`` and spent once a password is set — e-mailed where an
address is known and printed for the others. In bulk, it gives an account to every active
unit, or every active member, that has none: all or nothing. A person sets their own
password and e-mail address here too.

Every service asks ``MANAGE_ACCOUNTS`` (the office, on any account but a superuser's),
except where a person acts on their own account; ``by=None`` is the system (seeds,
commands). Each save names its author for
the audit history.

Usernames the office leaves blank follow one scheme, short enough to read out over the
phone: a unit's is ``dw-`` (单位) and the pinyin initials of its short name, else of its
name ("dw-cgj" for 城管局); a member's is the pinyin of their name ("liwenhua" for 李文华);
a number follows a name already taken ("liwenhua2").
"""

import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urljoin

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from hcppcc.core import pinyin, security
from hcppcc.core.audit import Change, Version, versions
from hcppcc.core.records import check_unchanged
from hcppcc.directory.choices import ADMIN_ROLES, AccountKind, Role
from hcppcc.directory.models import HandlingUnit, Member, User
from hcppcc.directory.services import user_set_roles
from hcppcc.directory.workflow import MANAGE_ACCOUNTS, RESET_ACCESS

logger = logging.getLogger(__name__)
UNIT_PREFIX = "dw-"


@dataclass(frozen=True)
class Issued:
    """An account and its one-time link to set a password; ``emailed``: the link goes to
    the account's e-mail address. A staff account's link, once e-mailed, is not shown to
    the office (``shown``): its holder alone reads it."""

    user: User
    link: str
    emailed: bool

    @property
    def shown(self) -> bool:
        return not (self.emailed and self.user.roles & ADMIN_ROLES)


@dataclass(frozen=True)
class Planned:
    """An account that bulk creation would make: for which record, under which username,
    and the address its link would go to."""

    record: HandlingUnit | Member
    username: str
    email: str


# --- usernames ---------------------------------------------------------------------------


def suggested_username(record: HandlingUnit | Member, taken: set[str] | None = None) -> str:
    """The scheme's username for a unit's or a member's account, one not in ``taken``
    (the usernames in use; read here when not given, and the new one added to it)."""
    if isinstance(record, HandlingUnit):
        base = UNIT_PREFIX + (pinyin.initials(record.short_name or record.name) or str(record.pk))
    else:
        base = pinyin.spelled(record.name) or f"member{record.pk}"
    if taken is None:
        taken = set(
            User.objects.filter(username__startswith=base).values_list("username", flat=True)
        )
    name, number = base, 1
    while name in taken:
        number += 1
        name = f"{base}{number}"
    taken.add(name)
    return name


# --- creating, changing, deactivating ----------------------------------------------------


@transaction.atomic
def account_create(
    *,
    by: User | None,
    username: str,
    roles: list[Role],
    name: str = "",
    email: str = "",
    handling_unit: HandlingUnit | None = None,
    member: Member | None = None,
    password: str = "",
) -> User:
    """A new account holding ``roles``, with the unit or member record they need.

    Without ``password`` it has none until its holder sets one from a link
    (``account_issue_link``); with one (an initial password the office hands over), its
    holder must change it at first sign-in. The whole name goes in ``first_name``: Chinese
    names are not split into given and family names here."""
    MANAGE_ACCOUNTS.check(None, by)
    user = User(
        username=User.normalize_username(username),
        first_name=name,
        email=email,
        must_change_password=True,
    )
    user.set_unusable_password()
    user.full_clean()
    if password:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from error
        user.set_password(password)
        user.password_changed_at = timezone.now()
    user._history_user = by
    user.save()
    return user_set_roles(user=user, roles=roles, handling_unit=handling_unit, member=member, by=by)


def unit_account_create(
    *,
    unit: HandlingUnit,
    by: User | None,
    username: str = "",
    name: str = "",
    email: str | None = None,
    password: str = "",
) -> User:
    """An account for ``unit``'s contact: role handling_unit, named after the contact
    person and with the unit's contact e-mail unless others are given."""
    return account_create(
        by=by,
        username=username or suggested_username(unit),
        roles=[Role.HANDLING_UNIT],
        name=name or unit.contact_person,
        email=unit.contact_email if email is None else email,
        handling_unit=unit,
        password=password,
    )


def member_account_create(
    *,
    member: Member,
    by: User | None,
    username: str = "",
    name: str = "",
    email: str = "",
    password: str = "",
) -> User:
    """An account for ``member``: role member, linked from the member record, named as the
    member unless another name is given."""
    return account_create(
        by=by,
        username=username or suggested_username(member),
        roles=[Role.MEMBER],
        name=name or member.name,
        email=email,
        member=member,
        password=password,
    )


def _locked(user: User) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


@transaction.atomic
def account_update(
    *,
    user: User,
    by: User | None,
    name: str,
    email: str,
    roles: list[Role],
    handling_unit: HandlingUnit | None = None,
    member: Member | None = None,
    unchanged_since=None,
) -> User:
    """The office corrects an account's name and e-mail and sets its roles, with the unit
    or member record they need. With ``unchanged_since`` (the version the clerk read), a
    change someone made meanwhile is refused (``StaleRecord``)."""
    locked = _locked(user)
    MANAGE_ACCOUNTS.check(locked, by)
    check_unchanged(locked, unchanged_since)
    if by is not None and by.pk == locked.pk and set(roles) != locked.roles:
        raise ValidationError(
            {"roles": _("Your own roles are set by another clerk of the proposal office.")}
        )
    if email != locked.email and (reason := RESET_ACCESS.refusal(locked)):
        raise ValidationError({"email": reason})
    if name != locked.get_full_name():
        locked.first_name, locked.last_name = name, ""
    locked.email = email
    locked.full_clean()
    locked._history_user = by
    locked.save(update_fields=["first_name", "last_name", "email", "updated_at"])
    return user_set_roles(
        user=locked, roles=roles, handling_unit=handling_unit, member=member, by=by
    )


@transaction.atomic
def account_set_active(*, user: User, by: User | None, active: bool) -> User:
    """Deactivate an account (it signs in no more, its open sessions end at their next
    request) or reactivate it. Accounts are never deleted: the history points at them."""
    locked = _locked(user)
    MANAGE_ACCOUNTS.check(locked, by)
    if not active and by is not None and by.pk == locked.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    if locked.is_active != active:
        locked.is_active = active
        locked._history_user = by
        locked.save(update_fields=["is_active", "updated_at"])
    return locked


# --- links to set a password -------------------------------------------------------------


def password_link(user: User, base_url: str) -> str:
    """The address at which ``user`` sets a password: Django's reset confirmation with a
    token that lapses after PASSWORD_RESET_TIMEOUT and once the password is set."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return urljoin(base_url, path)


@transaction.atomic
def account_issue_link(*, user: User, by: User | None, base_url: str) -> Issued:
    """A link for ``user`` to set a password — the first, or a new one the office was asked
    for — e-mailed to their address if they have one. Until they set a password, every
    page sends them to change it. ``base_url``: the site's address (``https://…/``)."""
    locked = _locked(user)
    RESET_ACCESS.check(locked, by)
    if not locked.is_active:
        raise ValidationError(_("This account is deactivated; reactivate it first."))
    if not locked.must_change_password:
        locked.must_change_password = True
        locked._history_user = by
        locked.save(update_fields=["must_change_password", "updated_at"])
    return _issue([locked], base_url, by)[0]


def _issue(users: list[User], base_url: str, by: User | None) -> list[Issued]:
    """Each account's link, e-mailed where it has an address; each issue is in the
    security log with who asked for it (never the link itself)."""
    issued = [Issued(user, password_link(user, base_url), bool(user.email)) for user in users]
    for one in issued:
        security.record(
            "password_link_issued",
            username=one.user.get_username(),
            by=by.get_username() if by else "",
            emailed=one.emailed,
        )
    mails = [_mail(one) for one in issued if one.emailed]
    if mails:
        # Only once the accounts are committed: no link to an account rolled back.
        transaction.on_commit(lambda: _send(mails))
    return issued


def _mail(issued: Issued) -> EmailMessage:
    context = {
        "user": issued.user,
        "link": issued.link,
        "days": settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60),
    }
    body = render_to_string("registration/account_link_email.txt", context)
    subject = _("Your account for the CPPCC proposal pages")
    return EmailMessage(subject, body, to=[issued.user.email])


def _send(mails: list[EmailMessage]) -> None:
    """Every link through one connection. A failure is logged (without the links, which
    are secrets) and the office still holds the printed sheet."""
    try:
        get_connection().send_messages(mails)
    except (OSError, smtplib.SMTPException):
        logger.warning("could not e-mail %d set-password links", len(mails), exc_info=True)


# --- in bulk -----------------------------------------------------------------------------


def units_without_account() -> QuerySet:
    """Active units that no account belongs to (an inactive account counts: the office
    reactivates it rather than adding another)."""
    has_one = Exists(User.objects.filter(handling_unit=OuterRef("pk")))
    return HandlingUnit.objects.active().filter(~has_one).order_by("sort_order", "name")


def members_without_account() -> QuerySet:
    return (
        Member.objects.active()
        .filter(user__isnull=True)
        .select_related("sector")
        .order_by("name", "pk")
    )


def accounts_planned(kind: AccountKind) -> list[Planned]:
    """The accounts bulk creation would make now: one per active unit (``UNIT``) or
    member (``MEMBER``) without one, with the usernames they would get."""
    taken = set(User.objects.values_list("username", flat=True))
    if kind == AccountKind.UNIT:
        return [
            Planned(unit, suggested_username(unit, taken), unit.contact_email)
            for unit in units_without_account()
        ]
    return [
        Planned(member, suggested_username(member, taken), "")
        for member in members_without_account()
    ]


@transaction.atomic
def accounts_create_in_bulk(*, kind: AccountKind, by: User | None, base_url: str) -> list[Issued]:
    """One account for every active unit (or member) that has none, all or nothing: a
    record refused rolls every account back, and the error names it. Returns the accounts
    with their one-time links, e-mailed (once committed) where an address is known."""
    MANAGE_ACCOUNTS.check(None, by)
    role = Role.HANDLING_UNIT if kind == AccountKind.UNIT else Role.MEMBER
    # The role's group row is the lock: two runs at once go one after the other, and the
    # second finds no record left without an account.
    Group.objects.select_for_update().get(name=role)
    users = []
    for plan in accounts_planned(kind):
        try:
            if kind == AccountKind.UNIT:
                user = unit_account_create(unit=plan.record, by=by, username=plan.username)
            else:
                user = member_account_create(member=plan.record, by=by, username=plan.username)
        except ValidationError as error:
            problem = "；".join(error.messages)
            raise ValidationError(
                _("%(record)s: %(problem)s") % {"record": plan.record, "problem": problem}
            ) from error
        users.append(user)
    return _issue(users, base_url, by)


# --- a person's own account --------------------------------------------------------------


@transaction.atomic
def account_set_password(*, user: User, password: str) -> User:
    """``user`` sets their own password (changing it, or from a link): any forced change
    is over. ``user`` itself takes the new hash, so that the caller may keep its session."""
    validate_password(password, user)
    _locked(user)
    user.set_password(password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user._history_user = user
    user.save(
        update_fields=["password", "must_change_password", "password_changed_at", "updated_at"]
    )
    return user


@transaction.atomic
def account_set_email(*, user: User, by: User | None, email: str, password: str = "") -> User:
    """The e-mail address a person's links go to: changed by the person, who confirms it
    with their ``password`` (an open session left behind must not be enough to reroute
    "forgot password"), or by the office where ``RESET_ACCESS`` allows. A link already
    sent stops working (the token covers the address)."""
    locked = _locked(user)
    if by is None or by.pk != locked.pk:
        RESET_ACCESS.check(locked, by)
    elif not locked.check_password(password):
        raise ValidationError({"password": _("This is not your current password.")})
    locked.email = email
    locked.full_clean()
    locked._history_user = by
    locked.save(update_fields=["email", "updated_at"])
    return locked


# --- reading -----------------------------------------------------------------------------


def account_history(user: User) -> list[Version]:
    """The account's versions, newest first, each with what changed and who changed it —
    its roles too, which the history keeps beside each version (two queries and the
    versions' own)."""
    kept = apps.get_model("directory", "HistoricalUser_groups")
    names = defaultdict(set)
    rows = kept.objects.filter(history__id=user.pk).values_list("history_id", "group__name")
    for version_id, name in rows:
        names[version_id].add(name)
    labels = dict(Role.choices)

    def roles_of(version) -> str | None:
        shown = sorted(str(labels.get(name, name)) for name in names[version.history_id])
        return "、".join(shown) or None

    def roles_changed(previous, current) -> list[Change]:
        old, new = roles_of(previous), roles_of(current)
        return [] if old == new else [Change(_("roles"), old, new)]

    return versions(user.history.all(), also=roles_changed)
