from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    """The staff pages: dashboard, filtered lists, detail timelines, step forms, the
    handling-unit desk. No models: they read through the apps' named reads and scopes and
    write through their services."""

    name = "pages"
    verbose_name = _("Staff pages")
