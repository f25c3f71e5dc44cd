from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    """Notices (通知): what the services tell the people a step concerns, in the app and by
    e-mail. Above the directory (it addresses users), below the domain apps (their services
    write notices)."""

    name = "hcppcc.notices"
    label = "notices"
    verbose_name = _("Notices")
    role_permissions: dict = {}
