"""Administration of councils, people and their roles (administrators only)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Q
from simple_history.admin import SimpleHistoryAdmin

from .choices import Role
from .models import Membership, Organisation
from .permissions import can, roles_of


def administered_organisations(user):
    """Ids of the organisations in which `user` is an administrator."""
    return [org for org, role in roles_of(user).items() if role == Role.ADMINISTRATOR]


class AdministratorPermissionsMixin:
    """Admin rights come from the administrator role, not Django's model perms.

    Superusers (the people who run the installation) have every right; the
    rows an administrator sees are narrowed by each admin's `get_queryset`.
    """

    def is_administrator(self, request):
        return request.user.is_superuser or can(request.user, "use_admin")

    def has_module_permission(self, request):
        return self.is_administrator(request)

    def has_view_permission(self, request, obj=None):
        return self.is_administrator(request)

    def has_add_permission(self, request, obj=None):
        return self.is_administrator(request)

    def has_change_permission(self, request, obj=None):
        return self.is_administrator(request)

    def has_delete_permission(self, request, obj=None):
        return self.is_administrator(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Offer only the councils the person administers."""
        if db_field.related_model is Organisation and not request.user.is_superuser:
            kwargs["queryset"] = Organisation.objects.filter(
                pk__in=administered_organisations(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def scope(self, request, queryset, organisation_lookup):
        """Narrow `queryset` to the councils `request.user` administers."""
        if request.user.is_superuser:
            return queryset
        organisations = administered_organisations(request.user)
        return queryset.filter(**{f"{organisation_lookup}__in": organisations})


class AdministratorOnlyAdmin(AdministratorPermissionsMixin, SimpleHistoryAdmin):
    """Admin pages for a council's records, limited to the councils administered."""

    #: Lookup from the model to its organisation, for scoping.
    organisation_lookup = "organisation"

    def get_queryset(self, request):
        return self.scope(
            request, super().get_queryset(request), self.organisation_lookup
        )


@admin.register(Organisation)
class OrganisationAdmin(AdministratorOnlyAdmin):
    organisation_lookup = "pk"
    list_display = ["name", "slug", "bank_holiday_region"]
    prepopulated_fields = {"slug": ["name"]}

    def has_add_permission(self, request):
        # A new council is a new tenant: only the installation's operators add one.
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Membership)
class MembershipAdmin(AdministratorOnlyAdmin):
    list_display = ["user", "organisation", "role", "job_title"]
    list_filter = ["organisation", "role"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]


class MembershipInline(AdministratorPermissionsMixin, admin.TabularInline):
    model = Membership
    extra = 1
    fk_name = "user"

    def get_queryset(self, request):
        return self.scope(request, super().get_queryset(request), "organisation")


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(AdministratorPermissionsMixin, UserAdmin):
    """People, for administrators: those of their councils, and roles there.

    A council administrator sees the people who hold a role in a council they
    administer (and people not yet given any role, so a new account can be
    completed); they cannot grant superuser status or permissions, nor delete
    anyone (switch the account off instead).
    """

    inlines = [MembershipInline]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            Q(memberships__organisation__in=administered_organisations(request.user))
            | Q(memberships__isnull=True),
            is_superuser=False,
        ).distinct()

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        return [
            (name, options)
            if name != "Permissions"
            else (name, {**options, "fields": ["is_active"]})
            for name, options in fieldsets
        ]
