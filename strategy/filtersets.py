"""Filters for the strategies list; the query string is the bookmark."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.filtersets import GovukFilterSet
from governance.lifecycle import LifecycleStatus

from .models import Strategy


class StrategyFilterSet(GovukFilterSet):
    error_nouns = {"ordering": _("the order"), "year": _("the year")}

    q = django_filters.CharFilter(label=_("Words in the title or text"), method="text")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=LifecycleStatus, empty_label=_("Any status")
    )
    year = django_filters.NumberFilter(
        label=_("Covering the year"), method="covering", min_value=2000, max_value=2100
    )
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=[("period_start_year", "period"), ("title", "title")],
        field_labels={
            "period": _("Period, oldest first"),
            "-period": _("Period, newest first"),
            "title": _("Title, A to Z"),
            "-title": _("Title, Z to A"),
        },
        empty_label=_("Newest first"),
    )

    class Meta:
        model = Strategy
        fields = ["q", "status", "year"]

    def text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(summary__icontains=value)
            | Q(vision__icontains=value)
        )

    def covering(self, queryset, name, value):
        return queryset.filter(period_start_year__lte=value, period_end_year__gte=value)
