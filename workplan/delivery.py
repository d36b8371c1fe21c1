"""How a strategy is being delivered, for its page: each of its workplans
the reader may open, with RAG by theme, the latest review's headline (items
on track out of all, overdue items, variations agreed since that review,
the next review due), its progress report, and the decisions that approved
and varied it.

A fixed number of queries however many workplans, themes, items, reviews
and variations there are: the figures of every workplan are counted in the
same GROUP BY, and each workplan's latest published review is found with
one DISTINCT ON.
"""

import functools
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from decisions.models import DecisionRecord
from governance.data_mark import bound, compiled, counted_marks
from governance.models import Organisation
from governance.prepared import prepared_cursor

from .dashboard import Bar, chart_rows
from .models import Review, Variation, Workplan, WorkplanItem


@dataclass
class WorkplanDelivery:
    workplan: Workplan
    themes: list = field(default_factory=list)
    items: int = 0
    on_track: int = 0
    red: int = 0
    amber: int = 0
    not_rated: int = 0
    overdue: int = 0
    #: The latest review reported to members (closed), if any, and the
    #: variations agreed since it was reported (or since approval).
    latest_review: Review | None = None
    variations_since: int = 0
    variation_decisions: list = field(default_factory=list)

    @property
    def chart(self):
        """RAG by theme laid out for `workplan/rag_chart.html`."""
        return chart_rows(self.themes)

    @property
    def chart_title(self):
        """Names the plan: a strategy's page may show several charts, and
        each figures table is a landmark that needs a name of its own."""
        return f"RAG by theme, {self.workplan}"

    @property
    def chart_id(self):
        return f"delivery-rag-{self.workplan.pk}"

    @property
    def since(self):
        """The day the variation count runs from."""
        if self.latest_review is not None:
            return self.latest_review.reported_on
        return self.workplan.approved_on


def delivery_of(strategy, user, today=None):
    """[WorkplanDelivery] for `strategy`'s workplans that `user` (a person,
    or a `PublicReader`) may open,
    newest financial year first."""
    return _deliveries(
        Workplan.objects.filter(strategy=strategy), user, today or timezone.localdate()
    )


def current_delivery(strategies, user, today=None):
    """{strategy id: WorkplanDelivery} of the latest approved workplan of
    each of `strategies` (a queryset) that has one `user` may open: what
    the home page's headline is about."""
    deliveries = _deliveries(
        Workplan.objects.filter(
            strategy__in=strategies.values("pk"), approved_on__isnull=False
        ),
        user,
        today or timezone.localdate(),
    )
    latest = {}
    for delivery in deliveries:
        latest.setdefault(delivery.workplan.strategy_id, delivery)
    return latest


def _deliveries(workplans, user, today):
    # The same queries with no workplan as with many (the later ones select
    # by this subquery, not by a list of ids, which Django would skip when
    # empty).
    workplans = (
        workplans.filter(pk__in=Workplan.objects.readable_by(user).values("pk"))
        .select_related("approving_decision__meeting__committee")
        .order_by("-financial_year", "pk")
    )
    by_id = {plan.pk: WorkplanDelivery(plan) for plan in workplans}
    workplans = workplans.values("pk")
    items = (
        WorkplanItem.objects.readable_by(user)
        .in_the_plan()
        .filter(workplan__in=workplans)
    )
    _count_rag(by_id, items)
    for row in (
        items.overdue(today).values("workplan_id").annotate(n=Count("pk")).order_by()
    ):
        by_id[row["workplan_id"]].overdue = row["n"]
    for review in (
        Review.objects.readable_by(user)
        .filter(workplan__in=workplans, status=Review.Status.CLOSED)
        .select_related("meeting__committee", "decision")
        .order_by("workplan_id", "-number")
        .distinct("workplan_id")
    ):
        by_id[review.workplan_id].latest_review = review
    _count_variations(by_id, user, workplans)
    return list(by_id.values())


def _count_rag(by_id, items):
    rows = (
        items.values("workplan_id", "theme__position", "theme__title")
        .annotate(
            red=Count("pk", filter=Q(rag="red")),
            amber=Count("pk", filter=Q(rag="amber")),
            green=Count("pk", filter=Q(rag="green")),
            none=Count("pk", filter=Q(rag="")),
            total=Count("pk"),
        )
        .order_by("workplan_id", "theme__position")
    )
    for row in rows:
        plan = by_id[row["workplan_id"]]
        plan.themes.append(
            Bar(
                label=row["theme__title"] or "No theme",
                counts={
                    "red": row["red"],
                    "amber": row["amber"],
                    "green": row["green"],
                    "": row["none"],
                },
                total=row["total"],
            )
        )
        plan.items += row["total"]
        plan.on_track += row["green"]
        plan.red += row["red"]
        plan.amber += row["amber"]
        plan.not_rated += row["none"]
    for plan in by_id.values():
        largest = max((bar.total for bar in plan.themes), default=0)
        for bar in plan.themes:
            bar.scale = largest


def _count_variations(by_id, user, workplans):
    agreed = (
        Variation.objects.readable_by(user)
        .filter(workplan__in=workplans, agreed_on__isnull=False)
        .order_by()
    )
    decision_ids = {}
    for workplan_id, agreed_on, decision_id in agreed.values_list(
        "workplan_id", "agreed_on", "decision_id"
    ):
        plan = by_id[workplan_id]
        if agreed_on > (plan.since or date.min):
            plan.variations_since += 1
        if decision_id is not None:
            decision_ids.setdefault(decision_id, set()).add(workplan_id)
    for decision in (
        DecisionRecord.objects.readable_by(user)
        .filter(pk__in=agreed.exclude(decision=None).values("decision_id"))
        .order_by("decision_date", "pk")
    ):
        for workplan_id in sorted(decision_ids.get(decision.pk, ())):
            by_id[workplan_id].variation_decisions.append(decision)


def _counted_query(organisation, today):
    marks = counted_marks(
        Workplan.objects.filter(organisation=organisation).values("pk"), today
    )
    return (
        Organisation.objects.filter(pk=organisation)
        .annotate(**marks)
        .order_by("pk")
        .values_list(*marks)[:1]
    )


@functools.cache
def _counted_sql():
    return compiled(_counted_query, organisation=2_123_456_791, today=date(2001, 2, 5))


def counted_mark(organisation, today=None):
    """A string that moves whenever the delivery figures of any of
    `organisation`'s workplans may have changed through their items: their
    tally by theme, category, RAG and status, and which are overdue
    `today` (`governance.data_mark.counted_marks`). A new percentage or
    note moves no figure, and leaves it. One prepared query
    (`governance/prepared.py`), compiled once per process."""
    sql, roles = _counted_sql()
    values = {"organisation": organisation.pk, "today": today or timezone.localdate()}
    with prepared_cursor() as cursor:
        cursor.execute(sql, bound(roles, values))
        row = cursor.fetchone()
    return ".".join(str(value or 0) for value in row or ())
