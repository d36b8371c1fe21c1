"""Committee papers of the workplan: the annual workplan as an appendix, and
the six-monthly progress report of a review (see `governance/papers.py`).

Each builder returns a `Part` whose data are plain lists, dicts, strings and
dates, made by a fixed number of queries whatever the number of items: the
template reads them and makes no query of its own.
"""

from itertools import groupby

from django.db.models import F, Q
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.lifecycle import ADOPTED
from governance.models import Membership
from governance.paper_store import (
    PaperKind,
    approval_mark,
    history_marks,
    names_mark,
    register,
)
from governance.papers import Part

from .choices import Confidence, Rag
from .dashboard import RAG_ORDER
from .models import (
    Department,
    ProgressUpdate,
    Review,
    Variation,
    Workplan,
    WorkplanItem,
    WorkplanSettings,
)

#: How long an item's description may be in the appendix table.
DESCRIPTION_CHARS = 160
#: Red, amber and green in order of health, for the trend.
RAG_RANK = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}
NOT_RATED = dict(RAG_ORDER)[""]


def category_key():
    """[(mark, meaning)] for the key under the appendix: the mark is the
    category's value (C, ED, FW), the meaning its label without the mark."""
    key = []
    for choice in Confidence:
        label = str(choice.label)
        prefix = f"{choice.value} – "
        key.append((choice.value, label.removeprefix(prefix)))
    return key


def person(user):
    if user is None:
        return ""
    return user.get_full_name() or user.username


def rag_cell(rag):
    """{"value", "label"} of a RAG status; blank is "Not rated"."""
    return {"value": rag or "", "label": str(Rag(rag).label) if rag else NOT_RATED}


def items_of_record(workplan):
    """The items a workplan's papers of record print: those that stand with
    the plan as it is (not an item added by variation and awaiting approval,
    which members may not read)."""
    return WorkplanItem.objects.in_the_plan().filter(workplan_id=workplan.pk)


def items_in_theme_order(items):
    """`items` (of one workplan) grouped by theme in the strategy's order
    (items without a theme last), in plan order within each theme."""
    return (
        items.with_added_on()
        .select_related("theme", "lead_officer__user")
        .order_by(
            F("theme__position").asc(nulls_last=True), "theme_id", "position", "pk"
        )
    )


FUTURE_WORKS = "future works"


def by_theme(rows_and_items, *, future_works_last=False):
    """[{"theme", "rows"}] from (row, item) pairs already in theme order.
    With `future_works_last` (the council's choice, `WorkplanSettings`), the
    items in the category Future works make one last group of their own."""
    if future_works_last:
        rows_and_items = sorted(
            rows_and_items, key=lambda p: p[1].category == Confidence.FUTURE_WORKS
        )

    def section(pair):
        item = pair[1]
        if future_works_last and item.category == Confidence.FUTURE_WORKS:
            return FUTURE_WORKS
        return item.theme_id

    groups = []
    for key, pairs in groupby(rows_and_items, key=section):
        pairs = list(pairs)
        theme = pairs[0][1].theme
        if key == FUTURE_WORKS:
            title = _("Future works")
        else:
            title = theme.title if theme else _("No theme")
        groups.append({"theme": title, "rows": [row for row, _item in pairs]})
    return groups


# --- the workplan as an appendix ---------------------------------------------------


def future_works_last(workplan):
    """The council's choice (`WorkplanSettings`), read from `workplan`
    fetched with `organisation__workplan_settings`."""
    try:
        return workplan.organisation.workplan_settings.future_works_last
    except WorkplanSettings.DoesNotExist:
        return False


def workplan_appendix_title(workplan):
    return _("Appendix: %(strategy)s – %(workplan)s") % {
        "strategy": workplan.strategy.title,
        "workplan": workplan,
    }


def awaiting(item, workplan):
    """What an item awaiting approval in an approved plan waits for (printed
    beside it in a working copy), else ""."""
    if workplan.is_approved and not item.is_approved:
        return _("variation awaiting agreement")
    return ""


def workplan_appendix_part(workplan, items=None):
    """The annual workplan as an appendix table on landscape pages, grouped by
    theme: the items of record, or `items` (a working copy, in which items
    not yet approved are marked). Three queries: the workplan with its
    strategy and the council's layout, the items with their theme and lead
    officer, and their departments."""
    workplan = Workplan.objects.select_related(
        "strategy", "organisation__workplan_settings", "approving_decision"
    ).get(pk=workplan.pk)
    if items is None:
        items = items_of_record(workplan)
    items = list(items_in_theme_order(items).prefetch_related("departments"))
    pairs = []
    for item in items:
        description = " ".join(item.description.split())
        row = {
            "reference": item.reference,
            "title": item.title,
            "description": Truncator(description).chars(DESCRIPTION_CHARS),
            "category": item.category,
            "lead": person(item.lead_officer.user)
            if item.lead_officer
            else item.lead_name,
            "departments": ", ".join(d.name for d in item.departments.all()),
            "start": item.start_date,
            "end": item.target_date,
            "start_written": item.start_as_written,
            "end_written": item.target_as_written,
            "status": item.get_delivery_status_display(),
            "percent": item.percent_complete,
            "rag": rag_cell(item.rag),
            "awaiting": awaiting(item, workplan),
            "added_on": item.added_on,
        }
        pairs.append((row, item))
    return Part(
        "papers/parts/workplan_appendix.html",
        {
            "title": workplan_appendix_title(workplan),
            "strategy": workplan.strategy.title,
            "year": workplan.year_label,
            # As the workplan's page says it: "Approved, subject to
            # call-in" until the approving decision takes effect.
            "status": workplan.status_label,
            "approved_on": workplan.approved_on,
            "count": len(items),
            "awaiting": sum(1 for row, _item in pairs if row["awaiting"]),
            "key": category_key(),
            "groups": by_theme(pairs, future_works_last=future_works_last(workplan)),
        },
        page="landscape",
    )


# --- the six-monthly progress report -----------------------------------------------

IMPROVED, WORSE, UNCHANGED, NEW, NO_UPDATE = (
    "improved",
    "worse",
    "unchanged",
    "new",
    "no update",
)
#: The wording of each trend, in the order the summary lists them.
TRENDS = {
    IMPROVED: gettext_lazy("improved"),
    WORSE: gettext_lazy("worse"),
    UNCHANGED: gettext_lazy("unchanged"),
    NEW: gettext_lazy("new"),
    NO_UPDATE: gettext_lazy("no update"),
}


def trend(then, now):
    """(kind, wording) of the change of RAG from the previous review to this
    one: "Amber → Green (improved)", "Green (new)", "Amber → no update"."""
    if not now:
        if then:
            return NO_UPDATE, f"{Rag(then).label} → {TRENDS[NO_UPDATE]}"
        return NO_UPDATE, _("No update")
    now_label = Rag(now).label
    if not then:
        return NEW, f"{now_label} ({TRENDS[NEW]})"
    change = RAG_RANK[Rag(now)] - RAG_RANK[Rag(then)]
    kind = IMPROVED if change > 0 else WORSE if change < 0 else UNCHANGED
    return kind, f"{Rag(then).label} → {now_label} ({TRENDS[kind]})"


def progress_report_title(review):
    return _("Progress report: %(workplan)s, review %(number)s") % {
        "workplan": review.workplan,
        "number": review.number,
    }


def progress_report_part(review, items=None):
    """The progress report of `review`: summary counts, RAG by theme, each
    item's update and its trend since the previous review, and the
    variations agreed since then; of the workplan's items of record, or of
    `items` (a working copy, in which items not yet approved are marked).

    Six queries (five at a workplan's first review): the review with its
    workplan and meeting; the previous review; the items; this review's
    updates with who gave them; the previous review's RAGs; the variations.
    """
    review = Review.objects.select_related(
        "workplan__strategy", "meeting__committee", "decision"
    ).get(pk=review.pk)
    workplan = review.workplan
    previous = (
        Review.objects.filter(workplan=workplan, number__lt=review.number)
        .order_by("-number")
        .first()
    )
    if items is None:
        items = items_of_record(workplan)
    variations = variations_for(review, previous, items)
    items = list(items_in_theme_order(items))
    updates = {
        update.item_id: update
        for update in ProgressUpdate.objects.filter(review=review).select_related("by")
    }
    before = {}
    if previous is not None:
        before = dict(
            ProgressUpdate.objects.filter(review=previous).values_list("item_id", "rag")
        )

    pairs, themes = [], {}
    counts = {rag: 0 for rag, _label in RAG_ORDER}
    trends = dict.fromkeys(TRENDS, 0)
    for item in items:
        update = updates.get(item.pk)
        now = update.rag if update else ""
        kind, wording = trend(before.get(item.pk, ""), now)
        trends[kind] += 1
        counts[now] += 1
        theme = themes.setdefault(
            item.theme_id,
            {
                "theme": item.theme.title if item.theme else _("No theme"),
                "counts": {rag: 0 for rag, _label in RAG_ORDER},
                "total": 0,
            },
        )
        theme["counts"][now] += 1
        theme["total"] += 1
        row = {
            "reference": item.reference,
            "title": item.title,
            "lead": person(item.lead_officer.user) if item.lead_officer else "",
            "updated": update is not None,
            "rag": rag_cell(now),
            "trend": kind,
            "trend_text": wording,
            "awaiting": awaiting(item, workplan),
            "added_on": item.added_on,
        }
        if update is not None:
            row.update(
                status=update.get_delivery_status_display(),
                percent=update.percent_complete,
                commentary=update.commentary,
                rag_reason=update.rag_reason,
                revised_start=update.revised_start_date,
                revised_target=update.revised_target_date,
                by=person(update.by),
                as_at=update.as_at,
            )
        pairs.append((row, item))

    return Part(
        "papers/parts/progress_report.html",
        {
            "title": progress_report_title(review),
            "workplan": str(workplan),
            "strategy": workplan.strategy.title,
            "review": {
                "number": review.number,
                "due": review.due,
                "status": review.get_status_display(),
                "opened_on": review.opened_on,
                "reported_on": review.reported_on,
                "meeting": str(review.meeting) if review.meeting else "",
                "decision": review.decision.title if review.decision else "",
            },
            "previous": previous.number if previous else None,
            "summary": {
                "items": len(items),
                "updated": len(items) - counts[""],
                "no_update": counts[""],
                "rag": [
                    {"value": rag, "label": label, "count": counts[rag]}
                    for rag, label in RAG_ORDER
                    if rag
                ],
                "trends": [
                    {"kind": kind, "label": str(label), "count": trends[kind]}
                    for kind, label in TRENDS.items()
                ],
            },
            "themes": [
                {
                    "theme": theme["theme"],
                    "counts": [theme["counts"][rag] for rag, _label in RAG_ORDER],
                    "total": theme["total"],
                }
                for theme in themes.values()
            ],
            "totals": [counts[rag] for rag, _label in RAG_ORDER],
            "rag_headings": [label for _rag, label in RAG_ORDER],
            "groups": by_theme(pairs),
            "awaiting": sum(1 for row, _item in pairs if row["awaiting"]),
            "variations": variations,
        },
    )


def variations_for(review, previous, items):
    """The variations of `items` reported at `review`: those recorded after
    the previous review closed (since approval, at the first review) and,
    once this review has closed, no later than its close. One query."""
    variations = Variation.objects.filter(
        workplan_id=review.workplan_id, item__in=items
    )
    if previous is not None:
        variations = variations.filter(at__gt=previous.closed_at or previous.opened_at)
    if review.closed_at is not None:
        variations = variations.filter(at__lte=review.closed_at)
    return [
        {
            "item": f"{variation.item.reference} {variation.item.title}",
            "kind": variation.get_kind_display(),
            "changes": [
                {
                    "field": str(change.get("field", "")),
                    "before": str(change.get("before", "") or ""),
                    "after": str(change.get("after", "") or ""),
                }
                for change in variation.changes
                if isinstance(change, dict)
            ],
            "reason": variation.reason,
            "agreed_with": str(variation.agreement),
            "agreed_on": variation.agreed_on,
            "at": variation.at,
        }
        for variation in variations.select_related(
            "item", "agreed_by", "decision"
        ).order_by("at", "pk")
    ]


# --- the papers as served (see `governance/paper_store.py`) -----------------


def appendix_version(workplan):
    """Changes with the workplan and anything its appendix prints: its items,
    its strategy's title and themes, its approval and the decision's status
    now, the council's layout, its departments' names and the names of the
    items' lead officers."""
    from strategy.models import Strategy, Theme

    return ".".join(
        [
            str(workplan.version),
            approval_mark(workplan),
            history_marks(
                Strategy.history.filter(id=workplan.strategy_id),
                WorkplanItem.history.filter(workplan_id=workplan.pk),
                Theme.history.filter(strategy_id=workplan.strategy_id),
                WorkplanSettings.history.filter(
                    organisation_id=workplan.organisation_id
                ),
                Department.history.filter(organisation_id=workplan.organisation_id),
            ),
            names_mark(lead_officers(workplan.pk)),
        ]
    )


def lead_officers(workplan_id):
    """The user ids of the workplan's items' lead officers (printed by name)."""
    return Membership.objects.filter(
        pk__in=WorkplanItem.objects.filter(workplan_id=workplan_id).values(
            "lead_officer_id"
        )
    ).values("user_id")


def progress_report_version(review):
    """Changes with anything the progress report prints: the reviews, the
    workplan and its strategy, the meeting it went to (and its committee),
    the decision that noted it and those that agreed variations, the
    updates, variations, items and themes, and the names of the people it
    names (lead officers, who gave each update, who agreed a variation)."""
    from decisions.models import Committee, DecisionRecord, Meeting
    from strategy.models import Strategy, Theme

    workplan = review.workplan
    variations = Variation.objects.filter(workplan_id=workplan.pk)
    return ".".join(
        [
            history_marks(
                Review.history.filter(workplan_id=workplan.pk),
                Workplan.history.filter(id=workplan.pk),
                Strategy.history.filter(id=workplan.strategy_id),
                Meeting.history.filter(id=review.meeting_id or 0),
                Committee.history.filter(
                    id__in=Meeting.objects.filter(id=review.meeting_id or 0).values(
                        "committee_id"
                    )
                ),
                DecisionRecord.history.filter(
                    Q(id=review.decision_id or 0)
                    | Q(id__in=variations.values("decision_id"))
                ),
                ProgressUpdate.history.filter(review__workplan_id=workplan.pk),
                Variation.history.filter(workplan_id=workplan.pk),
                WorkplanItem.history.filter(workplan_id=workplan.pk),
                Theme.history.filter(strategy_id=workplan.strategy_id),
            ),
            names_mark(
                lead_officers(workplan.pk),
                ProgressUpdate.objects.filter(review_id=review.pk).values("by_id"),
                variations.values("agreed_by_id"),
            ),
        ]
    )


#: A workplan with more items than this has its appendix and progress
#: reports (and its officers' working copies of them) rendered by the paper
#: worker. Measured by `make bench` (tests/bench/threshold.py, figures in
#: docs/papers.md): the appendix costs about 0.6 s plus 0.03 s an item of
#: CPU, the progress report about 0.6 s plus 0.01 s an item, so at 40 items
#: the slower (the appendix) stays within about 2 s on an idle core.
INLINE_ITEMS = 40


def is_large(workplan_id, *, working=False):
    """Whether a workplan's papers take more than a few seconds to render:
    its items of record, or (`working`) all its items, as its officers'
    working copies print them."""
    items = WorkplanItem.objects.filter(workplan_id=workplan_id)
    if not working:
        items = items.in_the_plan()
    return items[: INLINE_ITEMS + 1].count() > INLINE_ITEMS


def gets_working_copy(workplan_id, user):
    """Whether `user` gets the officers' working copy of the workplan's
    papers: they may read items awaiting approval (which the papers of
    record leave out) and there are some. Only the council's staff may read
    such items, and they read all the workplan's items: the working copy is
    the same for each of them, so it is stored like a paper of record."""
    readable = WorkplanItem.objects.visible_to(user).filter(workplan_id=workplan_id)
    return readable.awaiting_approval().exists()


def working_items(workplan_id):
    """The items an officer's working copy prints: all the workplan's."""
    return WorkplanItem.objects.filter(workplan_id=workplan_id)


#: The officers' working copies: never final (marked DRAFT), stored per
#: version, and rendered by the worker above the same size as the papers
#: of record; served by the same views (`PaperKind.working_copy`).
WORKPLAN_APPENDIX_WORKING = register(
    PaperKind(
        slug="workplan-appendix-working",
        model=Workplan,
        title=workplan_appendix_title,
        parts=lambda workplan: [
            workplan_appendix_part(workplan, working_items(workplan.pk))
        ],
        is_final=lambda workplan: False,
        version=appendix_version,
        filename=lambda workplan: f"workplan-{workplan.pk}-appendix-working-copy.pdf",
        url=lambda workplan: reverse("workplan:workplan_paper", args=[workplan.pk]),
        background=lambda workplan: is_large(workplan.pk, working=True),
        copy_of="workplan-appendix",
    )
)

PROGRESS_REPORT_WORKING = register(
    PaperKind(
        slug="progress-report-working",
        model=Review,
        title=progress_report_title,
        parts=lambda review: [
            progress_report_part(review, working_items(review.workplan_id))
        ],
        is_final=lambda review: False,
        version=progress_report_version,
        filename=lambda review: (
            f"workplan-{review.workplan_id}-review-{review.number}-progress-"
            "working-copy.pdf"
        ),
        url=lambda review: reverse("workplan:review_paper", args=[review.pk]),
        background=lambda review: is_large(review.workplan_id, working=True),
        copy_of="progress-report",
    )
)


WORKPLAN_APPENDIX = register(
    PaperKind(
        slug="workplan-appendix",
        model=Workplan,
        title=workplan_appendix_title,
        parts=lambda workplan: [workplan_appendix_part(workplan)],
        is_final=lambda workplan: workplan.status in ADOPTED,
        version=appendix_version,
        filename=lambda workplan: f"workplan-{workplan.pk}-appendix.pdf",
        url=lambda workplan: reverse("workplan:workplan_paper", args=[workplan.pk]),
        background=lambda workplan: is_large(workplan.pk),
        working_copy=WORKPLAN_APPENDIX_WORKING,
        working_for=lambda workplan, user: gets_working_copy(workplan.pk, user),
    )
)

PROGRESS_REPORT = register(
    PaperKind(
        slug="progress-report",
        model=Review,
        title=progress_report_title,
        parts=lambda review: [progress_report_part(review)],
        is_final=lambda review: review.status == Review.Status.CLOSED,
        version=progress_report_version,
        filename=lambda review: (
            f"workplan-{review.workplan_id}-review-{review.number}-progress.pdf"
        ),
        url=lambda review: reverse("workplan:review_paper", args=[review.pk]),
        background=lambda review: is_large(review.workplan_id),
        working_copy=PROGRESS_REPORT_WORKING,
        working_for=lambda review, user: gets_working_copy(review.workplan_id, user),
    )
)
