"""Filters for the meetings and decisions lists; the query string is the bookmark."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import DecisionStatus
from .models import Committee, DecisionRecord, Meeting


def committees_of(request):
    if request is None or getattr(request, "organisation", None) is None:
        return Committee.objects.none()
    return Committee.objects.for_organisation(request.organisation)


class MeetingFilterSet(django_filters.FilterSet):
    committee = django_filters.ModelChoiceFilter(
        label=_("Committee"), queryset=committees_of, empty_label=_("All committees")
    )
    when = django_filters.ChoiceFilter(
        label=_("When"),
        choices=[("upcoming", _("Upcoming")), ("past", _("Past"))],
        method="filter_when",
        empty_label=_("Any time"),
    )

    class Meta:
        model = Meeting
        fields = ["committee", "when"]

    def filter_when(self, queryset, name, value):
        now = timezone.now()
        if value == "upcoming":
            return queryset.filter(starts_at__gte=now).order_by("starts_at")
        if value == "past":
            return queryset.filter(starts_at__lt=now)
        return queryset


class DecisionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Words in the title or record"), method="filter_text"
    )
    committee = django_filters.ModelChoiceFilter(
        label=_("Committee"),
        queryset=committees_of,
        field_name="meeting__committee",
        empty_label=_("All committees"),
    )
    decided_after = django_filters.DateFilter(
        label=_("Decided on or after"), field_name="decision_date", lookup_expr="gte"
    )
    decided_before = django_filters.DateFilter(
        label=_("Decided on or before"), field_name="decision_date", lookup_expr="lte"
    )
    key_decision = django_filters.ChoiceFilter(
        label=_("Key decision"),
        choices=[("yes", _("Key decisions only")), ("no", _("Not key decisions"))],
        method="filter_key",
        empty_label=_("All"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=DecisionStatus,
        method="filter_status",
        empty_label=_("Any status"),
    )
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=[
            ("decision_date", "decided"),
            ("published_at", "published"),
            ("title", "title"),
        ],
        field_labels={
            "decided": _("Date of decision, oldest first"),
            "-decided": _("Date of decision, newest first"),
            "published": _("Publication, oldest first"),
            "-published": _("Publication, newest first"),
            "title": _("Title, A to Z"),
            "-title": _("Title, Z to A"),
        },
        empty_label=_("Newest decision first"),
    )

    class Meta:
        model = DecisionRecord
        fields = ["q", "committee", "decided_after", "decided_before", "key_decision"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(record__icontains=value))

    def filter_key(self, queryset, name, value):
        return queryset.filter(key_decision=(value == "yes"))

    def filter_status(self, queryset, name, value):
        return queryset.with_status(value)
