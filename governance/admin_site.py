"""The Django admin, for administrators only."""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from .permissions import can


class GovernanceAdminSite(admin.AdminSite):
    site_header = "ICT strategy governance: administration"
    site_title = "Administration"
    index_title = "Users, councils and settings"

    def has_permission(self, request):
        """People holding the administrator role somewhere, and superusers.

        The role decides, not Django's `is_staff` flag, so an administrator
        appointed by another administrator can use the admin straight away.
        """
        user = request.user
        if not user.is_active:
            return False
        return user.is_superuser or can(user, "use_admin")

    def login(self, request, extra_context=None):
        """Send people to the service's own sign-in page, not the admin's.

        Someone already signed in who is not an administrator is refused
        outright rather than asked to sign in again.
        """
        if request.user.is_authenticated:
            raise PermissionDenied(_("Administration is for administrators only."))
        next_url = request.GET.get(REDIRECT_FIELD_NAME, reverse("admin:index"))
        return redirect_to_login(next_url, login_url=reverse("login"))
