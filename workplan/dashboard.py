"""The workplan dashboard's figures: RAG by theme and by category, overdue
items. Each is one query; the chart and its table show the same figures."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Sum

from .choices import NOT_STATED, Confidence
from .models import AWAITING_APPROVAL, ItemTally, WorkplanItem

RAG_ORDER = [("red", "Red"), ("amber", "Amber"), ("green", "Green"), ("", "Not rated")]
#: Fill colours (GOV.UK palette) with a text colour of enough contrast.
RAG_COLOURS = {"red": "#d4351c", "amber": "#f47738", "green": "#00703c", "": "#b1b4b6"}


def one_place(number):
    """`number` to one decimal place, rounded half up: `|floatformat:1`."""
    return str(Decimal(repr(number)).quantize(Decimal("0.1"), ROUND_HALF_UP))


@dataclass
class Bar:
    label: str
    counts: dict
    total: int

    def segments(self, width):
        """(rag, count, x, w) for an SVG stacked bar of `width` for the largest."""
        x = 0.0
        out = []
        for rag, _label in RAG_ORDER:
            count = self.counts.get(rag, 0)
            w = width * count / self.scale if self.scale else 0
            if count:
                out.append(
                    {
                        "rag": rag,
                        "count": count,
                        "x": x,
                        "w": w,
                        # As `|floatformat:1` would print them, once here.
                        "x_text": one_place(x),
                        "w_text": one_place(w),
                        "fill": RAG_COLOURS[rag],
                    }
                )
            x += w
        return out

    scale: int = 0

    @property
    def unrated(self):
        return self.counts.get("", 0)


def _bars(items, group_fields, label_for):
    rows = (
        items.values(*group_fields)
        .annotate(
            red=Count("pk", filter=Q(rag="red")),
            amber=Count("pk", filter=Q(rag="amber")),
            green=Count("pk", filter=Q(rag="green")),
            none=Count("pk", filter=Q(rag="")),
            total=Count("pk"),
        )
        .order_by(*group_fields)
    )
    bars = [
        Bar(
            label=label_for(row),
            counts={
                "red": row["red"],
                "amber": row["amber"],
                "green": row["green"],
                "": row["none"],
            },
            total=row["total"],
        )
        for row in rows
    ]
    largest = max((bar.total for bar in bars), default=0)
    for bar in bars:
        bar.scale = largest
    return bars


def _bars_from(counts, order, label_for):
    """Bars from {group: {rag: count}}, in `order` of the group."""
    bars = [
        Bar(
            label=label_for(group),
            counts={rag: by_rag.get(rag, 0) for rag, _label in RAG_ORDER},
            total=sum(by_rag.values()),
        )
        for group, by_rag in sorted(counts.items(), key=lambda pair: order(pair[0]))
    ]
    largest = max((bar.total for bar in bars), default=0)
    for bar in bars:
        bar.scale = largest
    return bars


@dataclass
class Figures:
    """A workplan's dashboard as `user` may read it, from the tally
    (`ItemTally`) in one query: `by_theme` and `by_category` (the items in
    the plan), `in_the_plan` (their number) and `listed` (the items the
    list shows unfiltered: those awaiting approval too)."""

    by_theme: list
    by_category: list
    in_the_plan: int
    listed: int


def figures(workplan, user):
    return figures_from(tally_rows(workplan, user))


def tally_rows(workplan, user):
    """The query `figures_from` counts from: the tally of `workplan` (an
    instance or an id) as `user` may read it."""
    return (
        ItemTally.objects.visible_to(user)
        .filter(workplan=workplan)
        .annotate(
            awaiting=ExpressionWrapper(AWAITING_APPROVAL, output_field=BooleanField())
        )
        .values("theme__position", "theme__title", "category", "rag", "awaiting")
        .annotate(n=Sum("items"))
        .order_by()
    )


def figures_from(rows):
    """`Figures` from the rows of `tally_rows`."""
    themes, categories = {}, {}
    in_the_plan = listed = 0
    for row in rows:
        listed += row["n"]
        if row["awaiting"]:
            continue
        in_the_plan += row["n"]
        theme = (row["theme__position"], row["theme__title"])
        for groups, group in ((themes, theme), (categories, row["category"])):
            by_rag = groups.setdefault(group, {})
            by_rag[row["rag"]] = by_rag.get(row["rag"], 0) + row["n"]
    return Figures(
        # As `rag_by_theme` and `rag_by_category` order them: "No theme" last.
        by_theme=_bars_from(
            themes,
            lambda theme: (theme[0] is None, theme[0] or 0, theme[1] or ""),
            lambda theme: theme[1] or "No theme",
        ),
        by_category=_bars_from(
            categories,
            lambda category: category,
            lambda category: (
                Confidence(category).short if category else str(NOT_STATED)
            ),
        ),
        in_the_plan=in_the_plan,
        listed=listed,
    )


def rag_by_theme(items):
    return _bars(
        items,
        ["theme__position", "theme__title"],
        lambda row: row.get("theme__title") or "No theme",
    )


def rag_by_category(items):
    return _bars(
        items,
        ["category"],
        lambda row: (
            Confidence(row["category"]).short if row["category"] else str(NOT_STATED)
        ),
    )


#: How many overdue items the workplan's summary lists.
OVERDUE_LISTED = 20


def overdue(items, today=None):
    """Items past their target date and not finished (the rule is
    `WorkplanItem.is_overdue`), the earliest first (in a fixed order, so
    that the first `OVERDUE_LISTED` are always the same items)."""
    return (
        items.overdue(today)
        .select_related("lead_officer__user")
        .order_by("target_date", "pk")
    )


def chart_rows(bars, width=400, bar_height=24, gap=12):
    """Layout for the server-rendered SVG: one row per bar."""
    rows = []
    for index, bar in enumerate(bars):
        rows.append(
            {
                "bar": bar,
                "y": index * (bar_height + gap),
                "segments": bar.segments(width),
            }
        )
    height = len(bars) * (bar_height + gap)
    return {"rows": rows, "height": height, "width": width, "bar_height": bar_height}


def all_items(workplan, user):
    """The items of the plan `user` may read: not an item whose addition by
    variation awaits agreement (it is not in the plan yet)."""
    return WorkplanItem.objects.visible_to(user).in_the_plan().filter(workplan=workplan)
