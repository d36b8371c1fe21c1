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
from governance.data_mark import bound, compiled, counted_marks, day_written_in
from governance.kept_queries import kept_query, reader_key
from governance.lifecycle import LifecycleStatus
from governance.models import Organisation
from governance.prepared import compiled_at_start, prepared_cursor
from governance.querysets import PublicReader
from strategy.models import Strategy

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
        "strategy",
        _strategys_workplans,
        strategy.pk,
        user,
        today or timezone.localdate(),
    )


def _strategys_workplans(strategy, reader):
    return Workplan.objects.filter(strategy=strategy)


def strategies_in_force(organisation, reader):
    """The strategies in force (approved, or in review) of `organisation`
    (an id) that `reader` may read, the newest period first: what the home
    page's headline is about."""
    return (
        Strategy.objects.visible_to(reader)
        .for_organisation(organisation)
        .filter(status__in=[LifecycleStatus.APPROVED, LifecycleStatus.REVIEW])
        .order_by("-period_start_year", "title")
    )


def current_delivery(organisation, user, today=None):
    """{strategy id: WorkplanDelivery} of the latest approved workplan of
    each of `organisation`'s strategies in force (`strategies_in_force`)
    that has one `user` may open: what the home page's headline is about."""
    deliveries = _deliveries(
        "current",
        _current_workplans,
        organisation.pk,
        user,
        today or timezone.localdate(),
    )
    latest = {}
    for delivery in deliveries:
        latest.setdefault(delivery.workplan.strategy_id, delivery)
    return latest


def _current_workplans(organisation, reader):
    return Workplan.objects.filter(
        strategy__in=strategies_in_force(organisation, reader).values("pk"),
        approved_on__isnull=False,
    )


def _deliveries(scope, workplans_of, record, reader, today):
    """The deliveries of the workplans `workplans_of(record, reader)`, as
    `reader` may read them. For a person each query is built and compiled
    once per `scope` and class of reader (`governance.kept_queries`): a
    change to any item's figures draws the home page's panel again, for
    every class of reader, and the queries' building was half its time."""

    def run(name, build):
        if isinstance(reader, PublicReader):
            return build(record, reader, today)
        return kept_query(
            ("delivery", scope, name, reader_key(reader)),
            build,
            record=record,
            reader=reader,
            today=today,
        )

    def plans(record, reader):
        # The same queries with no workplan as with many (the later ones
        # select by this subquery, not by a list of ids, which Django would
        # skip when empty).
        return (
            workplans_of(record, reader)
            .filter(pk__in=Workplan.objects.readable_by(reader).values("pk"))
            .select_related("approving_decision__meeting__committee")
            .order_by("-financial_year", "pk")
        )

    def items(record, reader):
        return (
            WorkplanItem.objects.readable_by(reader)
            .in_the_plan()
            .filter(workplan__in=plans(record, reader).values("pk"))
        )

    by_id = {
        plan.pk: WorkplanDelivery(plan)
        for plan in run("plans", lambda record, reader, today: plans(record, reader))
    }
    _count_rag(
        by_id,
        run("rag", lambda record, reader, today: _rag_rows(items(record, reader))),
    )
    overdue = run(
        "overdue",
        lambda record, reader, today: (
            items(record, reader)
            .overdue(today)
            .values("workplan_id")
            .annotate(n=Count("pk"))
            .order_by()
        ),
    )
    for row in overdue:
        by_id[row["workplan_id"]].overdue = row["n"]
    reviews = run(
        "reviews",
        lambda record, reader, today: (
            Review.objects.readable_by(reader)
            .filter(
                workplan__in=plans(record, reader).values("pk"),
                status=Review.Status.CLOSED,
            )
            .select_related("meeting__committee", "decision")
            .order_by("workplan_id", "-number")
            .distinct("workplan_id")
        ),
    )
    for review in reviews:
        by_id[review.workplan_id].latest_review = review

    def agreed(record, reader):
        return (
            Variation.objects.readable_by(reader)
            .filter(
                workplan__in=plans(record, reader).values("pk"),
                agreed_on__isnull=False,
            )
            .order_by()
        )

    _count_variations(
        by_id,
        run(
            "variations",
            lambda record, reader, today: agreed(record, reader).values_list(
                "workplan_id", "agreed_on", "decision_id"
            ),
        ),
        run(
            "variation decisions",
            lambda record, reader, today: (
                DecisionRecord.objects.readable_by(reader)
                .filter(
                    pk__in=agreed(record, reader)
                    .exclude(decision=None)
                    .values("decision_id")
                )
                .order_by("decision_date", "pk")
            ),
        ),
    )
    return list(by_id.values())


def _rag_rows(items):
    return (
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


def _count_rag(by_id, rows):
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


def _count_variations(by_id, agreed, decisions):
    """Counts the variations `agreed` (workplan, day agreed, decision) since
    each plan's latest review, and lists the `decisions` that agreed them."""
    decision_ids = {}
    for workplan_id, agreed_on, decision_id in agreed:
        plan = by_id[workplan_id]
        if agreed_on > (plan.since or date.min):
            plan.variations_since += 1
        if decision_id is not None:
            decision_ids.setdefault(decision_id, set()).add(workplan_id)
    for decision in decisions:
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


@compiled_at_start()
def _counted_sql():
    return compiled(_counted_query, organisation=2_123_456_791, today=date(2001, 2, 5))


@functools.lru_cache(maxsize=4)
def _counted_sql_of_day(today):
    """`_counted_sql()` with `today` written in (`day_written_in`): one plan
    a day, not one a run."""
    return day_written_in(*_counted_sql(), today)


def counted_mark(organisation, today=None):
    """A string that moves whenever the delivery figures of any of
    `organisation`'s workplans may have changed through their items: their
    tally by theme, category, RAG and status, and which are overdue
    `today` (`governance.data_mark.counted_marks`). A new percentage or
    note moves no figure, and leaves it. One prepared query
    (`governance/prepared.py`), compiled once per process."""
    sql, roles = _counted_sql_of_day(today or timezone.localdate())
    with prepared_cursor() as cursor:
        cursor.execute(sql, bound(roles, {"organisation": organisation.pk}))
        row = cursor.fetchone()
    return ".".join(str(value or 0) for value in row or ())
