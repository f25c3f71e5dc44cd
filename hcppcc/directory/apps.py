from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from hcppcc.directory.choices import Role

# Directory models; nobody deletes them (records are deactivated instead).
MODELS = ("session", "committee", "sector", "organization", "member", "handlingunit")


class DirectoryConfig(AppConfig):
    """Who is who: sessions, committees, sectors, organizations, members, handling units."""

    name = "hcppcc.directory"
    label = "directory"
    verbose_name = _("Directory")

    # What each role may do in the admin with this app's models. Every app declares its
    # own table like this one; roles.sync_role_permissions() makes the groups match it.
    role_permissions = {
        Role.PROPOSAL_OFFICE: dict.fromkeys(MODELS, ("view", "add", "change")),
        # Committee staff keep members' committee and contact details up to date.
        Role.COMMITTEE_STAFF: {**dict.fromkeys(MODELS, ("view",)), "member": ("view", "change")},
        Role.LEADER: dict.fromkeys(MODELS, ("view",)),
        Role.AUDITOR: dict.fromkeys(MODELS, ("view",)),
    }

    def ready(self) -> None:
        # Their receivers (sign-ins, refusals, lockouts) must be connected before the first
        # request, not when a request first loads the middleware.
        import hcppcc.core.security
        import hcppcc.directory.middleware  # noqa: F401
        from hcppcc.directory.roles import sync_role_permissions

        # Permissions only exist after contrib.auth's own post_migrate handler has run for
        # an app, so groups get theirs here rather than in a data migration.
        post_migrate.connect(sync_role_permissions, dispatch_uid="hcppcc.sync_role_permissions")
