"""The admin site: closed to sessions without a verified second factor when
``HCPPCC_ADMIN_OTP`` is on (``hcppcc.core.two_factor``). Kept free of model imports: the app
registry loads it."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache


def required(user) -> bool:
    """Whether this user's admin access needs a verified second factor."""
    return settings.HCPPCC_ADMIN_OTP and user.is_active and user.is_staff


class AdminSite(admin.AdminSite):
    site_header = site_title = "hcppcc"

    def has_permission(self, request) -> bool:
        if not super().has_permission(request):
            return False
        return not required(request.user) or request.user.is_verified()

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        """A signed-in user who lacks only the second factor is sent to enter it."""
        user = request.user
        if user.is_authenticated and required(user) and not user.is_verified():
            target = request.GET.get("next") or reverse("admin:index")
            return redirect(f"{reverse('two-factor')}?{urlencode({'next': target})}")
        return super().login(request, extra_context)


class AdminConfig(DjangoAdminConfig):
    default_site = "hcppcc.core.admin_site.AdminSite"
