"""The admin lists strategies, read-only, for operators supporting a council
(and as the baseline `make bench` measures our strategies list against);
councils write them in the app (`strategy/views.py`)."""

from django.contrib import admin

from decisions.admin import ReadOnlyAdmin

from .models import Strategy


@admin.register(Strategy)
class StrategyAdmin(ReadOnlyAdmin):
    list_display = ["title", "period_start_year", "period_end_year", "status"]
    list_filter = ["organisation"]
    search_fields = ["title"]
