from django.contrib import admin

from governance.admin import AdministratorOnlyAdmin

from .models import Department, WorkplanItem


@admin.register(Department)
class DepartmentAdmin(AdministratorOnlyAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]


@admin.register(WorkplanItem)
class WorkplanItemAdmin(AdministratorOnlyAdmin):
    """Read-mostly view of items for administrators (the benchmark's baseline)."""

    list_display = ["reference", "title", "workplan", "rag", "percent_complete"]
    list_filter = ["workplan"]
    list_per_page = 50
    list_select_related = ["workplan"]
    search_fields = ["reference", "title"]
