"""Filters for the meetings, reports and decisions lists; the query string
is the bookmark."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from governance.date_input import GovukDateFilter
from governance.filtersets import GovukFilterSet

from . import report_subjects
from .choices import DecisionStatus
from .models import AgendaItem, Committee, DecisionRecord, Meeting, Report


def committees_of(request):
    if request is None or getattr(request, "organisation", None) is None:
        return Committee.objects.none()
    return Committee.objects.for_organisation(request.organisation)


class MeetingFilterSet(GovukFilterSet):
    error_nouns = {"when": _("upcoming or past meetings")}

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


def meetings_of(request):
    if request is None or getattr(request, "organisation", None) is None:
        return Meeting.objects.none()
    return (
        Meeting.objects.for_organisation(request.organisation)
        .select_related("committee")
        .order_by("-starts_at")
    )


def subject_kinds():
    return [*report_subjects.kinds(), ("none", _("Nothing: the report stands alone"))]


class ReportFilterSet(GovukFilterSet):
    error_nouns = {
        "committee": _("the committee"),
        "meeting": _("the meeting"),
        "presents": _("what the report presents"),
        "placed": _("whether the report is on an agenda"),
    }

    q = django_filters.CharFilter(label=_("Words in the title"), method="filter_text")
    committee = django_filters.ModelChoiceFilter(
        label=_("On an agenda of"),
        queryset=committees_of,
        method="filter_committee",
        empty_label=_("Any committee"),
    )
    meeting = django_filters.ModelChoiceFilter(
        label=_("On the agenda of the meeting"),
        queryset=meetings_of,
        method="filter_meeting",
        empty_label=_("Any meeting"),
    )
    presents = django_filters.ChoiceFilter(
        label=_("What it presents"),
        choices=subject_kinds,
        method="filter_presents",
        empty_label=_("Anything"),
    )
    placed = django_filters.ChoiceFilter(
        label=_("Placed on an agenda"),
        choices=[
            ("yes", _("Placed on an agenda")),
            ("no", _("Not placed yet")),
        ],
        method="filter_placed",
        empty_label=_("Placed or not"),
    )

    class Meta:
        model = Report
        fields = ["q", "committee", "meeting", "presents", "placed"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(title__icontains=value) if value else queryset

    # What the open data API's schema says each takes (`api/`): an id, a word.
    @extend_schema_field(OpenApiTypes.INT)
    def filter_committee(self, queryset, name, value):
        items = AgendaItem.objects.filter(meeting__committee=value)
        return queryset.filter(pk__in=items.values("report_id"))

    @extend_schema_field(OpenApiTypes.INT)
    def filter_meeting(self, queryset, name, value):
        items = AgendaItem.objects.filter(meeting=value)
        return queryset.filter(pk__in=items.values("report_id"))

    @extend_schema_field(OpenApiTypes.STR)
    def filter_presents(self, queryset, name, value):
        if value == "none":
            return queryset.filter(subject_content_type__isnull=True)
        content_type = report_subjects.content_type_of_kind(value)
        return queryset.filter(subject_content_type=content_type)

    def filter_placed(self, queryset, name, value):
        placed = Exists(AgendaItem.objects.filter(report=OuterRef("pk")))
        return queryset.filter(placed if value == "yes" else ~placed)


class DecisionFilterSet(GovukFilterSet):
    error_nouns = {"ordering": _("the order")}

    q = django_filters.CharFilter(
        label=_("Words in the title or record"), method="filter_text"
    )
    committee = django_filters.ModelChoiceFilter(
        label=_("Committee"),
        queryset=committees_of,
        field_name="meeting__committee",
        empty_label=_("All committees"),
    )
    decided_after = GovukDateFilter(
        label=_("Decided on or after"), field_name="decision_date", lookup_expr="gte"
    )
    decided_before = GovukDateFilter(
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
