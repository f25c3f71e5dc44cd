from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    """Investigations, consultations, opinion reports, duty records and yearly figures."""

    name = "activities"
    verbose_name = _("Activities")
    role_permissions = {}
