"""The workplan page's rows for a state of its filters seen before, with no
filter set built and no query compiled.

Each view of the workplan page built its filter set (a form class made
for the request, a dozen fields, the form validated) and the filtered
items' querysets (the rows of the page, and for a filtered list their
count), and compiled them: about a third of the page's CPU, the same
every time the same filters are asked for again. Here the first view of
a *state* keeps the validated filter form, and the two queries are built
and compiled once (`governance.kept_queries`: the reader a stand-in, a
page's slice part of the key); the rows are read afresh on every view.

A state is what the filter form and its queries are built from: the page
(its view), the reader's class (their role in each council: everything
`visible_to()` reads), the council they are working in (the departments
offered are its own), the workplan and its council's layout setting
(future works last), the part of the council's data mark the form's
choices are read from (`CHOICES_READ`: the workplan's themes, the
council's departments and officers; a theme renamed or removed is a new
state, so a filter naming it is checked again), the language, and every
value of the query string but the page. Only a valid state is kept;
one that compares with a date (due on or after, due on or before,
overdue: "today" moves) is built afresh every time, as an invalid one is.
At most `MAX_ENTRIES` states are kept, the least recently used dropped.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.utils import translation

from governance.kept_queries import kept_count, kept_query, reader_key

from .filtersets import CHOICES_READ, OVERDUE

MAX_ENTRIES = 500

#: The filters whose values are dates or compare with today.
DATED = ("due_after", "due_before")

_kept = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class KeptFilter:
    """Stands for the filter set in the page's context: the form is all
    the page reads of it (its errors and, through the filter panel, its
    fields)."""

    form: object


def state(view):
    """The key of the view's state of the filters (see the module), or None
    when it compares with a date and is built every time."""
    query = view.request.GET
    # A date comes as one value or in the form's three boxes
    # (`due_after-day`, `-month`, `-year`: `governance/date_input.py`).
    dated = any(
        value
        for name in query
        if name.partition("-")[0] in DATED
        for value in query.getlist(name)
    )
    if dated or OVERDUE in query.getlist("delivery_status"):
        return None
    workplan = view.workplan
    return (
        "workplan rows",
        type(view).__qualname__,
        reader_key(view.request.user),
        getattr(getattr(view.request, "organisation", None), "pk", None),
        workplan.pk,
        workplan.future_works_last,
        view.data_mark.of(*CHOICES_READ),
        translation.get_language(),
        bool(query),
        tuple(
            sorted(
                (name, tuple(query.getlist(name))) for name in query if name != "page"
            )
        ),
    )


def kept_filter(key):
    """The filter kept for the state `key`, or None."""
    if key is None:
        return None
    with _lock:
        form = _kept.get(key)
        if form is not None:
            _kept.move_to_end(key)
    return None if form is None else KeptFilter(form)


def keep(key, filterset):
    """Keep the filter set's form for the state `key`, if it is valid; say
    whether it was kept."""
    if key is None or (filterset.is_bound and not filterset.is_valid()):
        return False
    with _lock:
        _kept[key] = filterset.form
        while len(_kept) > MAX_ENTRIES:
            _kept.popitem(last=False)
    return True


class KeptItems:
    """The filtered items of a kept state, for `ItemPaginator`: their count
    and a page's rows, each by a query compiled once. `build(reader)`
    builds the filtered items as the page does."""

    def __init__(self, key, build, reader):
        self.key, self.build, self.reader = key, build, reader

    def _built(self, record, reader):
        return self.build(reader)

    def count(self):
        return kept_count(
            (*self.key, "count"), self._built, record=None, reader=self.reader
        )

    def page(self, bottom, top, count):
        """The rows from `bottom` to `top` in the list's order (of `count`
        rows), found by their keys first, from the nearer end (as
        `ItemPaginator.page`: `page_keys`)."""

        def rows(record, reader):
            items = self.build(reader)
            return items.filter(pk__in=page_keys(items, bottom, top, count))

        from_end = bottom > count - top
        where = (count - top, count - bottom) if from_end else (bottom, top)
        return kept_query(
            (*self.key, "page", from_end, *where),
            rows,
            record=None,
            reader=self.reader,
        )


def page_keys(items, bottom, top, count):
    """The keys of `items` (ordered, `count` of them) from `bottom` to
    `top` in their order, counted from the nearer end: a page past the
    middle is found in the reversed order (each column's direction and
    NULLs' place flipped, so exactly the mirror, which the list's index
    reads backwards), skipping `count - top` entries instead of `bottom`."""
    if bottom > count - top:
        return items.reverse().values("pk")[count - top : count - bottom]
    return items.values("pk")[bottom:top]


def forget():
    """Drop every kept state (for tests)."""
    with _lock:
        _kept.clear()
