from django.contrib import admin

from .models import WorkplanItem


@admin.register(WorkplanItem)
class WorkplanItemAdmin(admin.ModelAdmin):
    """Items, read-only, for operators supporting a council (and the baseline
    `make bench` measures our workplan page against)."""

    list_display = ["reference", "title", "workplan", "rag", "percent_complete"]
    list_filter = ["workplan"]
    list_per_page = 50
    list_select_related = ["workplan"]
    search_fields = ["reference", "title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
