"""Committees are managed by each council's clerks and administrators in the
app (`decisions/views.py`). The admin lists meetings and decision records,
read-only, for operators supporting a council (and as the baseline
`make bench` measures our meetings and decisions lists against)."""

from django.contrib import admin

from .models import DecisionRecord, Meeting


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows to look at, never to change: the app's pages write them."""

    list_per_page = 25

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["starts_at", "committee", "venue", "status"]
    list_filter = ["committee__organisation"]
    list_select_related = ["committee"]


@admin.register(DecisionRecord)
class DecisionRecordAdmin(ReadOnlyAdmin):
    list_display = ["title", "decision_date", "meeting", "key_decision", "status"]
    list_filter = ["organisation"]
    list_select_related = ["meeting__committee"]
    search_fields = ["title"]
