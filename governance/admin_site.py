"""The Django admin, for the installation's operators (superusers) only.

Council administrators run their council in the app's own pages (people,
roles, committees, departments, settings: `governance/people.py` and the
council pages), which are scoped to their council by the same access
policy as everything else. The admin is not: it reaches every council's
rows, so nobody but a superuser may open any page of it.
"""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

REFUSAL = _(
    "Administration is for the people who run this installation. Council "
    "administrators manage their council from the council's pages."
)


class GovernanceAdminSite(admin.AdminSite):
    site_header = "ICT strategy governance: operators"
    site_title = "Operators"
    index_title = "Councils, accounts and the installation"

    def has_permission(self, request):
        """Active superusers, and nobody else (whatever their council role)."""
        user = request.user
        return user.is_active and user.is_superuser

    def admin_view(self, view, cacheable=False):
        """Refuse a signed-in non-superuser outright (403) on every admin page,
        rather than sending them round the admin's sign-in page."""
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied(REFUSAL)
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, inner)

    def login(self, request, extra_context=None):
        """Send people to the service's own sign-in page, not the admin's.

        Someone already signed in who is not an operator is refused outright
        rather than asked to sign in again.
        """
        if request.user.is_authenticated:
            raise PermissionDenied(REFUSAL)
        next_url = request.GET.get(REDIRECT_FIELD_NAME, reverse("admin:index"))
        return redirect_to_login(next_url, login_url=reverse("login"))
