"""Role groups and their model permissions.

Each app's AppConfig declares ``role_permissions``: {Role: {model_name: (actions...)}}.
After every ``migrate`` the role groups are made to hold exactly those permissions for that
app's models, so the table in code is the single source of truth and nothing granted by
hand in the admin survives unnoticed.
"""

from django.apps import AppConfig
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS

from hcppcc.directory.choices import Role


def sync_role_permissions(sender: AppConfig, *, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Give each role group exactly the permissions ``sender`` declares for its models."""
    table = getattr(sender, "role_permissions", None)
    if table is None or not sender.models_module:
        return

    content_types = ContentType.objects.db_manager(using).get_for_models(
        *sender.get_models(), for_concrete_models=False
    )
    app_permissions = Permission.objects.using(using).filter(
        content_type__in=content_types.values()
    )
    by_codename = {perm.codename: perm for perm in app_permissions}
    for role in Role:
        wanted = set()
        for model_name, actions in table.get(role, {}).items():
            for action in actions:
                codename = f"{action}_{model_name}"
                if codename not in by_codename:
                    raise LookupError(
                        f"{sender.label}.role_permissions names {codename!r}, "
                        "which is not a permission of this app"
                    )
                wanted.add(by_codename[codename])
        # Migration directory.0002 creates the groups; a test database flushed between
        # tests (TransactionTestCase) has lost them by the time this runs again.
        group, _ = Group.objects.using(using).get_or_create(name=role.value)
        current = set(group.permissions.filter(content_type__in=content_types.values()))
        if missing := wanted - current:
            group.permissions.add(*missing)
        if extra := current - wanted:
            group.permissions.remove(*extra)
