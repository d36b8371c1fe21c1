"""The Django admin, reduced to what the installation's operators need.

Only superusers reach it (`admin_site.py`). Operators add councils, appoint
a new council's first administrator, switch accounts off and look at the
record when supporting a council; everything a council does for itself —
inviting people, roles, committees, departments, settings — is in the app.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Membership, Organisation


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "bank_holiday_region"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    """Who holds which role where (an operator appoints a new council's first
    administrator here; the council's administrators take it from there)."""

    list_display = ["user", "organisation", "role", "job_title", "ended_at"]
    list_filter = ["organisation", "role", ("ended_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fk_name = "user"


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(UserAdmin):
    """Accounts, with the roles each holds in each council."""

    inlines = [MembershipInline]
