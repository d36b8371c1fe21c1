"""Fitting a part onto one A4 page, measured by laying it out.

A part that must print on one page (the strategy on a page) offers a
sequence of layouts, from the most readable to the most compact, and a way
to keep less of its content. `fit_one_page` lays the part out with
WeasyPrint at each layout in turn and keeps the first that makes one page.
Only when the most compact layout still overflows does it keep less: the
content is a number of *units* in order of importance (the part's own
`content(keep)` keeps the first `keep`), and a search finds the most units
that still make one page. Nothing is estimated: every candidate is
rendered and its pages counted (`pages_of`): one render for a page that
fits at the first layout, up to five for one that fits at another, and
about twice the logarithm of the units kept for one that does not (some
twenty renders of one or two pages for the largest).

The chosen layout and content are in the part's data (`layout`, and
`balanced`, see `_balanced`), so the HTML of the
paper (stored, or kept as sent to a meeting) already holds them: rendering
that HTML again makes the same single page.
"""

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace

from weasyprint import HTML

from .papers import PAPER_ORIGIN, PDF_OPTIONS, StaticOnlyFetcher, paper_html

#: Page counts of HTML already laid out, by digest (a paper and the annex
#: that repeats it, or an agenda pack built again, measure once a process).
_MEASURED = OrderedDict()
_MEASURED_SIZE = 256
_MEASURED_LOCK = threading.Lock()  # the server's threads share it


@dataclass(frozen=True)
class Layout:
    """One way to set a one-page part: its type size and columns. `name`
    is the suffix of its CSS class (`static/css/paper.css`)."""

    name: str
    points: float
    columns: int


def fit_one_page(part, organisation, *, layouts, units, content, reach):
    """`part` set at the first of `layouts` that makes one page, with all
    its content; else at the last (the most compact), keeping the most of
    its `units` that fit (`content(keep)`: the template's data with the
    first `keep` units; `content(units)` is all of it). The template reads
    the layout as `part.layout`.

    The layouts are measured in order, but when the first takes more than
    `reach` pages no other is tried (the caller's bound on how much more the
    most compact holds). Keeping less is searched from the bottom up,
    doubling, then by halves between the most that fit and the least that
    overflowed: every layout measured is at most twice the page, where
    halving from the whole of a very long strategy would lay out dozens of
    pages several times.
    """
    whole = content(units)
    first, *others = layouts
    candidate = _set(part, whole, first)
    pages = pages_of(candidate, organisation)
    if pages == 1:
        return _balanced(candidate, organisation)
    for layout in others if pages <= reach else []:
        candidate = _set(part, whole, layout)
        if pages_of(candidate, organisation) == 1:
            return _balanced(candidate, organisation)
    compact = layouts[-1]

    def fits(keep):
        return pages_of(_set(part, content(keep), compact), organisation) == 1

    # `low` units fit (none is taken to fit: the page then prints only what
    # always prints); `high` units overflow.
    low, high, step = 0, units, 1
    while low + step < high and fits(low + step):
        low += step
        step *= 2
    high = min(high, low + step)
    while high - low > 1:
        middle = (low + high) // 2
        if fits(middle):
            low = middle
        else:
            high = middle
    return _balanced(_set(part, content(low), compact), organisation)


def _set(part, data, layout, *, balanced=False):
    data = {**data, "layout": layout, "balanced": balanced}
    return replace(part, data=data, fit=None)


def _balanced(part, organisation):
    """`part` with its columns balanced, if that still makes one page.

    Columns are measured filled one after the other, which WeasyPrint lays
    out four times faster than balanced; the page chosen is then measured
    once balanced (the last column no shorter than it need be), and printed
    so when that is one page too, as it almost always is.
    """
    layout = part.data["layout"]
    if layout.columns == 1:
        return part
    candidate = _set(part, part.data, layout, balanced=True)
    return candidate if pages_of(candidate, organisation) == 1 else part


def pages_of(part, organisation):
    """How many pages `part` makes as a paper of its own (no DRAFT mark:
    it is drawn over the page and takes no room)."""
    html = paper_html("", organisation, [part])
    key = hashlib.sha256(html.encode()).digest()
    with _MEASURED_LOCK:
        if key in _MEASURED:
            _MEASURED.move_to_end(key)
            return _MEASURED[key]
    fetcher, base = StaticOnlyFetcher(), PAPER_ORIGIN + "/"
    document = HTML(string=html, base_url=base, url_fetcher=fetcher).render(
        **PDF_OPTIONS
    )
    pages = len(document.pages)
    with _MEASURED_LOCK:
        _MEASURED[key] = pages
        if len(_MEASURED) > _MEASURED_SIZE:
            _MEASURED.popitem(last=False)
    return pages
