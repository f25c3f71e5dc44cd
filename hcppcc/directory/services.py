"""Every change of state in the directory goes through a function here."""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hcppcc.directory.choices import ADMIN_ROLES, Role
from hcppcc.directory.models import HandlingUnit, Member, Session, User
from hcppcc.directory.workflow import MANAGE_ACCOUNTS


def validate_role_links(*, roles: Iterable[str], handling_unit: HandlingUnit | None) -> None:
    """A handling-unit user has exactly one unit; nobody else has one. The proposal office
    checks units' replies and members' proposals, so its clerks hold neither role.

    Shared by the admin user form and ``user_set_roles`` so that the rule lives once.
    """
    roles = set(roles)
    if Role.PROPOSAL_OFFICE in roles and roles & {Role.HANDLING_UNIT, Role.MEMBER}:
        raise ValidationError(
            _(
                "The proposal office role does not go with the handling unit or member "
                "role: the office checks their work."
            )
        )
    is_unit_user = Role.HANDLING_UNIT in roles
    if is_unit_user and handling_unit is None:
        raise ValidationError(
            {"handling_unit": _("A handling-unit user must belong to a handling unit.")}
        )
    if not is_unit_user and handling_unit is not None:
        raise ValidationError(
            {"handling_unit": _("Only users in the handling unit role belong to a unit.")}
        )


@transaction.atomic
def user_set_roles(
    *,
    user: User,
    roles: Iterable[Role],
    handling_unit: HandlingUnit | None = None,
    member: Member | None = None,
    by: User | None = None,
) -> User:
    """Make ``roles`` the user's roles, with the unit or member record the roles need.

    Admin access (``is_staff``) follows the roles: the office, committee staff, leaders and
    auditors work in the admin too; unit and member users only on the staff pages.
    Only the office sets roles (``MANAGE_ACCOUNTS``); ``by=None`` is the system (seeds,
    commands, the tests' personas).
    """
    MANAGE_ACCOUNTS.check(user, by)
    roles = set(roles)
    validate_role_links(roles=roles, handling_unit=handling_unit)
    if Role.MEMBER in roles and member is None:
        raise ValidationError({"member": _("A member user must be linked to a member record.")})
    if member is not None:
        # Locked: two accounts given the same member at once must not both take it.
        member = Member.objects.select_for_update().get(pk=member.pk)
        if member.user_id not in (None, user.pk):
            raise ValidationError(
                {"member": _("This member record is already linked to another user.")}
            )

    user = User.objects.select_for_update().get(pk=user.pk)
    role_groups = Group.objects.filter(name__in=Role.values)
    # The groups change first, unrecorded; the save after them is the one version of the
    # account that the history keeps, its roles beside it.
    user.skip_history_when_saving = True
    try:
        user.groups.remove(*role_groups.exclude(name__in=roles))
        user.groups.add(*role_groups.filter(name__in=roles))
    finally:
        del user.skip_history_when_saving
    user._history_user = by  # the audit history's author
    user.handling_unit = handling_unit
    user.is_staff = user.is_superuser or bool(roles & ADMIN_ROLES)
    user.save(update_fields=["handling_unit", "is_staff", "updated_at"])
    # A user stands for at most one member: drop a link the new roles no longer need.
    stale = Member.objects.filter(user=user)
    if member is not None:
        stale = stale.exclude(pk=member.pk)
    for unlinked in stale:  # saved one by one: the audit history keeps each change
        unlinked._history_user = by
        unlinked.user = None
        unlinked.save(update_fields=["user", "updated_at"])
    if member is not None and member.user_id != user.pk:
        member._history_user = by
        member.user = user
        member.save(update_fields=["user", "updated_at"])
    user._roles = frozenset(roles)
    return user


@transaction.atomic
def records_set_active(*, records: QuerySet, active: bool) -> int:
    """Deactivate (or reactivate) directory records. They are never deleted: proposals and
    history point at them. Returns how many records changed."""
    changed = 0
    # One save each (not a bulk update), so that each change lands in the audit history.
    for record in records.exclude(is_active=active).select_for_update():
        record.is_active = active
        record.save(update_fields=["is_active", "updated_at"])
        changed += 1
    return changed


@transaction.atomic
def session_make_current(*, session: Session) -> Session:
    """Mark ``session`` as the current one; the previous current session stops being so."""
    # Lock every current row first: two clerks switching at once must not leave two
    # current sessions (the partial unique index would refuse the second anyway).
    list(Session.objects.select_for_update().filter(is_current=True))
    Session.objects.filter(is_current=True).exclude(pk=session.pk).update(
        is_current=False, updated_at=timezone.now()
    )
    if not session.is_current:
        session.is_current = True
        session.save(update_fields=["is_current", "updated_at"])
    return session
