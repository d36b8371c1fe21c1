"""The workplan page's summary, kept per version of what it prints.

Above the items, the workplan's page prints its reviews (with how many
items each open review has had updated), the papers that presented it,
the variations since the last review, RAG by theme and by confidence
category, and the overdue items: five queries and a fifth of the page's
rendering, the same for every reader of one class until something they
print changes. `summary()` renders them once (`workplan/_summary.html`)
and keeps the HTML in Django's cache, with the number of items the
unfiltered list shows (the paginator's count), under a key of:

- the workplan and its `version`;
- the council's data mark (`governance.data_mark`, a prepared query): it
  moves when any record the summary prints is
  saved or deleted, when anyone's name changes, and with the day (overdue
  items are overdue from a date). Not its parts of the rows the summary
  never prints (`NOT_IN_THE_SUMMARY`: an agenda edited, a decision's
  resolutions, a report's text, a strategy's objectives), which would only
  draw it again for nothing;
- in place of the mark's parts for every item and progress update of the
  council (`READ_FROM_ITS_OWN_ROWS`), digests of the workplan's own rows
  the summary prints (`printed_marks`, one prepared query,
  `printed_mark`): its items' tally (the charts and counts),
  its first overdue items as listed, the number of updates its open
  reviews have had, and the items and decisions its variations name
  (nothing else of a decision is printed). An officer's
  progress update moves them only when it changes what the summary shows
  (a RAG, a status, an overdue item's percentage, a review's count), not
  with every percentage anywhere in the council;
- the reader's class (`governance.documents.reader_class`: the council and
  their role there, all that `visible_to()` reads);
- the templates' digest and the language.

The workplan is reached through `visible_to(user)` before anything is
read from the cache, as for kept documents.
"""

import functools
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.utils import timezone, translation

from decisions import considered
from governance.data_mark import (
    TALLY_COLUMNS,
    bound,
    compiled,
    day_written_in,
    rows_digest,
    template_digest,
)
from governance.documents import digest, reader_class
from governance.kept_queries import kept_query, reader_key
from governance.prepared import compiled_at_start, prepared_cursor

from . import dashboard
from .models import (
    ItemTally,
    ProgressUpdate,
    Review,
    Variation,
    Workplan,
    WorkplanItem,
)

#: The parts of the council's data mark (`DataMark.without`) whose rows
#: the summary does not print: what happened to records other than
#: papers sent (events, amendments, approved versions), agendas, reports'
#: text, resolutions and decided records, committees' members, numbering,
#: the strategy's objectives and risks, items' milestones.
NOT_IN_THE_SUMMARY = (
    "decisions.AgendaItem",
    "decisions.CommitteeMember",
    "decisions.DecidedRecord",
    "decisions.NumberingSettings",
    "decisions.Recommendation",
    "decisions.ReportHeading",
    "decisions.ReportText",
    "decisions.Resolution",
    "governance.ApprovedVersion",
    "governance.Event",
    "governance.MinorAmendment",
    "strategy.Objective",
    "strategy.Risk",
    "workplan.Milestone",
)

#: The parts of the council's data mark the summary reads from the
#: workplan's own rows instead (`printed_marks`): its items, its reviews'
#: updates, and the decisions that agreed its variations (the only
#: decisions it prints).
READ_FROM_ITS_OWN_ROWS = (
    "workplan.WorkplanItem",
    "workplan.ProgressUpdate",
    "decisions.DecisionRecord",
)

#: What the summary prints of an overdue item (`_summary.html`).
OVERDUE_PRINTED = (
    "id",
    "reference",
    "title",
    "target_date",
    "percent_complete",
    "lead_officer_id",
)
#: What it prints of the item a variation names, and of the decision that
#: agreed it (`Variation.agreement`).
VARIED_PRINTED = (
    "id",
    "item_id",
    "item__reference",
    "item__title",
    "decision_id",
    "decision__title",
    "decision__decision_date",
)

#: Seconds a summary is kept; its key moves with every change, so this only
#: bounds how long an unused one takes room.
SUMMARY_CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class Summary:
    html: str
    #: The items the list shows unfiltered (those awaiting approval too).
    listed: int


def printed_marks(today):
    """For a query of workplans: of each, digests of the rows the summary
    prints in place of the council's items and updates parts of the mark
    (`READ_FROM_ITS_OWN_ROWS`), as of `today`. Whoever may read a workplan's
    page reads every item "in the plan" (`in_the_plan()`: on an approved
    plan, the approved items, which are a member's too), so these need no
    reader. Served by the workplan's indexes (its tally, its items by
    target date, its reviews' updates, its variations)."""
    in_the_plan = WorkplanItem.objects.in_the_plan()
    overdue_listed = dashboard.overdue(
        in_the_plan.filter(workplan_id=OuterRef(OuterRef("pk"))), today
    )[: dashboard.OVERDUE_LISTED]
    reviewed = (
        ProgressUpdate.objects.filter(
            review__workplan_id=OuterRef("pk"), review__status=Review.Status.OPEN
        )
        .order_by()
        .values("review__workplan_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return {
        "summary_tally": rows_digest(
            ItemTally.objects.filter(workplan_id=OuterRef("pk")), TALLY_COLUMNS
        ),
        "summary_overdue": rows_digest(
            WorkplanItem.objects.filter(
                workplan_id=OuterRef("pk"), pk__in=overdue_listed.values("pk")
            ),
            OVERDUE_PRINTED,
        ),
        "summary_updates": Subquery(reviewed),
        "summary_varied": rows_digest(
            Variation.objects.filter(workplan_id=OuterRef("pk")), VARIED_PRINTED
        ),
    }


def _printed_query(workplan, today):
    marks = printed_marks(today)
    return (
        Workplan.objects.filter(pk=workplan).order_by().annotate(**marks).values(*marks)
    )


@compiled_at_start()
def _printed_sql():
    return compiled(_printed_query, workplan=2_123_456_789, today=date(2001, 2, 3))


@functools.lru_cache(maxsize=4)
def _printed_sql_of_day(today):
    """`_printed_sql()` with `today` written in (`day_written_in`): one
    plan a day, not one a run."""
    return day_written_in(*_printed_sql(), today)


def printed_mark(workplan, today):
    """`printed_marks` of the `workplan` (an id) `today`: one prepared query
    (`governance/prepared.py`), compiled once per process."""
    sql, roles = _printed_sql_of_day(today)
    with prepared_cursor() as cursor:
        cursor.execute(sql, bound(roles, {"workplan": workplan}))
        return tuple(cursor.fetchone() or ())


def summary_key(workplan, user, mark):
    return "workplan-summary:" + digest(
        workplan.pk,
        workplan.version,
        mark.without(*NOT_IN_THE_SUMMARY, *READ_FROM_ITS_OWN_ROWS),
        *printed_mark(workplan.pk, timezone.localdate()),
        reader_class(user, workplan.organisation_id),
        template_digest(),
        translation.get_language(),
    )


def summary(workplan, user, request, mark):
    """The summary of `workplan` as `user` may read it (see the module),
    `mark` being its council's `data_mark()`."""
    key = summary_key(workplan, user, mark)
    kept = cache.get(key)
    if kept is not None:
        return kept
    run = _kept_queries(workplan, user)
    figures = dashboard.figures_from(run("figures", dashboard.tally_rows))
    kept = Summary(
        html=render_to_string(
            "workplan/_summary.html", _context(workplan, run, figures), request
        ),
        listed=figures.listed,
    )
    if "csrfmiddlewaretoken" not in kept.html:
        cache.set(key, kept, SUMMARY_CACHE_SECONDS)
    return kept


def _kept_queries(workplan, user):
    """`run(name, build)`: `build(workplan id, reader)`'s rows (or with
    `today`, `build(workplan id, reader, today)`'s) for `workplan` as
    `user` may read it, by a query built and compiled once per class of
    reader (`governance.kept_queries`). A figure that moves draws the
    summary again for every class of reader, and building and compiling
    its queries was half of that."""
    today = timezone.localdate()

    def run(name, build, *, dated=False):
        return list(
            kept_query(
                ("workplan summary", name, reader_key(user)),
                build if dated else lambda plan, reader, today: build(plan, reader),
                record=workplan.pk,
                reader=user,
                today=today,
            )
        )

    return run


def _reviews(workplan, reader):
    # Updates of the items in the plan the person may read (`all_items`
    # leaves out an item whose addition by variation awaits agreement).
    everything = dashboard.all_items(workplan, reader)
    return (
        Review.objects.visible_to(reader)
        .filter(workplan=workplan)
        .annotate(updated=Count("updates", filter=Q(updates__item__in=everything)))
        .order_by("number")
    )


def _papers(workplan, reader):
    # `papers_presenting` reads the record's type and primary key only.
    return considered.papers_presenting(Workplan(pk=workplan), reader)


def _overdue(workplan, reader, today):
    return dashboard.overdue(dashboard.all_items(workplan, reader), today)[
        : dashboard.OVERDUE_LISTED
    ]


def _context(workplan, run, figures):
    reviews = run("reviews", _reviews)
    for review in reviews:
        review.total = figures.in_the_plan
    return {
        "workplan": workplan,
        "reviews": reviews,
        "considered": run("papers", _papers),
        "variations": run("variations", variations_since_last_review),
        "theme_chart": dashboard.chart_rows(figures.by_theme),
        "category_chart": dashboard.chart_rows(figures.by_category),
        "overdue": run("overdue", _overdue, dated=True),
    }


def variations_since_last_review(workplan, user):
    """Variations recorded since the last closed review (or all of them), of
    the items `user` may read, of `workplan` (an instance or an id)."""
    # The last closing as a subquery: one query in all.
    last_closed = Subquery(
        Review.objects.filter(workplan=workplan, status=Review.Status.CLOSED)
        .order_by("-closed_at")
        .values("closed_at")[:1]
    )
    return (
        Variation.objects.visible_to(user)
        .filter(workplan=workplan)
        .alias(last_closed=last_closed)
        .filter(Q(last_closed__isnull=True) | Q(at__gt=F("last_closed")))
        .select_related("item", "by", "agreed_by", "decision")
    )
