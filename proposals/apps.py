from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    """Proposals from drafting to closing: review, assignment, replies, feedback."""

    name = "proposals"
    verbose_name = _("Proposals")
    role_permissions = {}
