"""The history pages of a workplan and of a workplan item: who changed what,
when and why, through `governance.history` as the strategy's page is
(docs/history.md), with the record's path (its lifecycle steps) above.

A member reads the history of a workplan or item they may read, and of a
workplan only the items they may read now (`WorkplanItem.objects
.visible_to`): a draft item added since approval is not shown to them, as
it is not on the workplan's page. One query per kind of row, however long
the history.
"""

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.generic import DetailView

from decisions.models import DecisionRecord, Meeting
from governance.choices import Role
from governance.events import Event
from governance.history import HistorySource, history_entries
from governance.lifecycle import MinorAmendment
from governance.mixins import OrganisationScopedMixin
from governance.permissions import roles_of

from .models import Milestone, Workplan, WorkplanItem

#: An item's fields shown on its history (its lead officer's account is
#: left out: the item page names them; `lead_name` is the named lead).
ITEM_FIELDS = [
    "reference",
    "title",
    "description",
    "theme",
    "category",
    "work_type",
    "lead_name",
    "sponsor",
    "start_date",
    "target_date",
    "start_as_written",
    "target_as_written",
    "budget",
    "delivery_status",
    "status_as_reported",
    "rag",
    "rag_reason",
    "percent_complete",
    "status",
]
WORKPLAN_FIELDS = ["title", "financial_year", "status"]
MILESTONE_FIELDS = ["title", "due", "done"]


def _item_subject(row):
    return _("Item %(reference)s “%(title)s”") % {
        "reference": row.reference,
        "title": Truncator(row.title).chars(60),
    }


def _milestone_subject(row):
    return _("Milestone “%s”") % Truncator(row.title).chars(60)


class _RecordHistoryView(OrganisationScopedMixin, DetailView):
    template_name = "governance/history.html"

    def sources(self):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.object
        context["entries"] = history_entries(self.sources())
        context["events"] = list(
            Event.objects.for_record(record).prefetch_related(
                GenericPrefetch(
                    "link",
                    [
                        Meeting.objects.select_related("committee"),
                        DecisionRecord.objects.all(),
                    ],
                )
            )
        )
        context["amendments"] = list(MinorAmendment.for_record(record))
        context["show_path"] = True
        return context


class WorkplanHistoryView(_RecordHistoryView):
    """The workplan, and each of its items the person may read."""

    model = Workplan

    def sources(self):
        workplan = self.object
        items = WorkplanItem.history.filter(workplan_id=workplan.pk)
        if roles_of(self.request.user).get(workplan.organisation_id) == Role.MEMBER:
            # Officers, clerks and administrators read every item, deleted
            # ones included; a member only those they may read now.
            items = items.filter(
                id__in=WorkplanItem.objects.visible_to(self.request.user)
                .filter(workplan_id=workplan.pk)
                .values("pk")
            )
        return [
            HistorySource(
                workplan.history.select_related("history_user"),
                WORKPLAN_FIELDS,
                lambda row: _("The workplan"),
            ),
            HistorySource(
                items.select_related("history_user"),
                ITEM_FIELDS,
                _item_subject,
                name=lambda row: f"{row.reference} {row.title}",
            ),
        ]


class ItemHistoryView(_RecordHistoryView):
    """The item and its milestones."""

    model = WorkplanItem

    def get_queryset(self):
        # The title names the item's workplan: read with the item.
        return super().get_queryset().select_related("workplan")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Items of different workplans share references: the title names its
        # workplan, as the item's own page does.
        context["title_within"] = self.object.workplan
        return context

    def sources(self):
        item = self.object
        return [
            HistorySource(
                item.history.select_related("history_user"),
                ITEM_FIELDS,
                lambda row: _("The item"),
            ),
            HistorySource(
                Milestone.history.filter(item_id=item.pk).select_related(
                    "history_user"
                ),
                MILESTONE_FIELDS,
                _milestone_subject,
                name=lambda row: row.title,
            ),
        ]
