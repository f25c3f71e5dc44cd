"""Who may do what in the directory, declared once like the proposals' steps
(hcppcc/core/workflow): the proposal office keeps the accounts. The account services ask
``MANAGE_ACCOUNTS.check(None, by)``; the account pages open to ``roles.allow_some``."""

from django.utils.translation import gettext_lazy

from hcppcc.core.workflow.roles import anyone_with
from hcppcc.core.workflow.steps import Step
from hcppcc.directory.choices import Role

MANAGE_ACCOUNTS = Step(
    "manage-accounts", gettext_lazy("Manage accounts"), anyone_with(Role.PROPOSAL_OFFICE)
)
