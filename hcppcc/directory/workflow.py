"""Who may do what in the directory, declared once like the proposals' steps
(hcppcc/core/workflow): the proposal office keeps the accounts. The account services ask
``MANAGE_ACCOUNTS.check(account, by)`` (``None`` for a new account); the account pages
open to ``roles.allow_some``."""

from django.utils.translation import gettext_lazy

from hcppcc.core.workflow.roles import Roles
from hcppcc.core.workflow.steps import Step
from hcppcc.directory.choices import Role


def not_a_superuser(user, account) -> bool:
    """The office keeps every account but a superuser's: a link to set that password, or
    its e-mail address, would give the office more than its own role."""
    return account is None or not account.is_superuser


MANAGE_ACCOUNTS = Step(
    "manage-accounts",
    gettext_lazy("Manage accounts"),
    Roles({Role.PROPOSAL_OFFICE: not_a_superuser}),
)
