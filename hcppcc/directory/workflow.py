"""Who may do what in the directory, declared once like the proposals' steps
(hcppcc/core/workflow): the proposal office keeps the accounts. The account services ask
``MANAGE_ACCOUNTS.check(account, by)`` (``None`` for a new account) and, before a link to
set a password goes out or an address it would go to changes, ``RESET_ACCESS``; the
account pages open to ``roles.allow_some`` and offer the link where ``available``."""

from django.utils.translation import gettext_lazy

from hcppcc.core.workflow.roles import Roles
from hcppcc.core.workflow.steps import Condition, Step
from hcppcc.directory.choices import ADMIN_ROLES, Role


def not_a_superuser(user, account) -> bool:
    """The office keeps every account but a superuser's: a link to set that password, or
    its e-mail address, would give the office more than its own role."""
    return account is None or not account.is_superuser


def not_held_by_staff(account, now) -> bool:
    """Whether the office may still hand out access to ``account``: a unit's or a member's
    account always (a contact without e-mail asks the office for a new link), a staff
    account only until its holder has set a password of their own. After that, a link
    the office printed, or an address it typed in, would let one clerk sign in as
    another clerk, a leader or an auditor."""
    return (
        not (account.roles & ADMIN_ROLES)
        or account.must_change_password
        or not account.has_usable_password()
    )


MANAGE_ACCOUNTS = Step(
    "manage-accounts",
    gettext_lazy("Manage accounts"),
    Roles({Role.PROPOSAL_OFFICE: not_a_superuser}),
)

RESET_ACCESS = Step(
    "reset-access",
    gettext_lazy("Issue a link to set a password"),
    MANAGE_ACCOUNTS.roles,
    conditions=(
        Condition(
            not_held_by_staff,
            lambda account: gettext_lazy(
                "This staff account's holder has set their own password: a new one comes "
                "from “Forgot password” on the sign-in page, to their own e-mail address, "
                "or from a system administrator."
            ),
        ),
    ),
)
