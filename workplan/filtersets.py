"""Filters for a workplan's items; the same filters drive the exports."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.date_input import GovukDateFilter
from governance.filtersets import GovukFilterSet
from governance.lifecycle import LifecycleStatus
from strategy.forms import membership_label

from .choices import Confidence, DeliveryStatus, Rag, WorkType
from .models import Department, WorkplanItem


def themes_of(request):
    workplan = getattr(request, "workplan", None)
    if workplan is None:
        return WorkplanItem.theme.field.related_model.objects.none()
    return workplan.strategy.themes.all()


def departments_of(request):
    organisation = getattr(request, "organisation", None)
    return Department.objects.filter(organisation=organisation)


def officers_of(request):
    workplan = getattr(request, "workplan", None)
    if workplan is None:
        return WorkplanItem.lead_officer.field.related_model.objects.none()
    return workplan.organisation.memberships.filter(role="officer").select_related(
        "user"
    )


#: What the choices above are read from, as parts of the council's data
#: mark (`governance.data_mark.DataMark.of`): the workplan (its strategy),
#: the strategy's themes, the council's departments, its officers' roles
#: and their names. The workplan page's kept filter form is found by them.
CHOICES_READ = (
    "workplan.Workplan",
    "strategy.Theme",
    "workplan.Department",
    "governance.Membership",
    "names",
)


#: The delivery status filter's extra choice: the items past their target
#: date and not finished (`WorkplanItem.is_overdue`).
OVERDUE = "overdue"
DELIVERY_CHOICES = [
    *DeliveryStatus.choices,
    (OVERDUE, _("Overdue (target date passed, not finished)")),
]


class TotalOrderingFilter(django_filters.OrderingFilter):
    """The chosen order, then the key: ties (a target date or a percentage
    many items share) come in one order every time, so that the pages of a
    list hold each row once, and the reversed order the paginator reads
    a page past the middle in (`kept_rows.page_keys`) is exactly its
    mirror."""

    def filter(self, qs, value):
        ordered = super().filter(qs, value)
        return (
            ordered
            if ordered is qs
            else ordered.order_by(*ordered.query.order_by, "pk")
        )


class ItemFilterSet(GovukFilterSet):
    error_nouns = {"ordering": _("the order")}

    q = django_filters.CharFilter(label=_("Words"), method="text")
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"), queryset=themes_of, empty_label=_("All themes")
    )
    category = django_filters.ChoiceFilter(
        label=_("Confidence category"), choices=Confidence, empty_label=_("All")
    )
    work_type = django_filters.ChoiceFilter(
        label=_("Work type"), choices=WorkType, empty_label=_("All")
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Department"),
        field_name="departments",
        queryset=departments_of,
        empty_label=_("All departments"),
    )
    lead_officer = django_filters.ModelChoiceFilter(
        label=_("Lead officer"), queryset=officers_of, empty_label=_("Anyone")
    )
    delivery_status = django_filters.ChoiceFilter(
        label=_("Delivery status"),
        choices=DELIVERY_CHOICES,
        empty_label=_("Any"),
        method="delivery",
    )
    rag = django_filters.ChoiceFilter(label=_("RAG"), choices=Rag, empty_label=_("Any"))
    status = django_filters.ChoiceFilter(
        label=_("Lifecycle state"), choices=LifecycleStatus, empty_label=_("Any")
    )
    due_after = GovukDateFilter(
        label=_("Due on or after"), field_name="target_date", lookup_expr="gte"
    )
    due_before = GovukDateFilter(
        label=_("Due on or before"), field_name="target_date", lookup_expr="lte"
    )
    ordering = TotalOrderingFilter(
        label=_("Sort by"),
        fields=[
            ("reference", "reference"),
            ("target_date", "due"),
            ("percent_complete", "percent"),
            ("title", "title"),
        ],
        field_labels={
            "reference": _("Reference"),
            "-reference": _("Reference, descending"),
            "due": _("Target date, soonest first"),
            "-due": _("Target date, latest first"),
            "percent": _("Percent complete, lowest first"),
            "-percent": _("Percent complete, highest first"),
            "title": _("Title, A to Z"),
            "-title": _("Title, Z to A"),
        },
        empty_label=_("By theme, in plan order"),
    )

    class Meta:
        model = WorkplanItem
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["q"].help_text = _("In the reference, title or description")
        # Officers by name and job title, as the item form offers them (not
        # by account name and role).
        self.form.fields["lead_officer"].label_from_instance = membership_label

    def delivery(self, queryset, name, value):
        if value == OVERDUE:
            return queryset.overdue()
        return queryset.filter(delivery_status=value)

    def text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(title__icontains=value)
            | Q(description__icontains=value)
        )
