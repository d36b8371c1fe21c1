from django.contrib import admin

from governance.admin import AdministratorOnlyAdmin

from .models import Committee


@admin.register(Committee)
class CommitteeAdmin(AdministratorOnlyAdmin):
    list_display = ["name", "kind", "organisation"]
    list_filter = ["organisation", "kind"]
