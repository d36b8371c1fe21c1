"""Django 6.1's fetch modes in tests: a related object or deferred field
read lazily raises `FieldFetchBlocked`, naming the field, instead of quietly
running one more query.

Every queryset takes its fetch mode from `django.db.models.query`'s
`DEFAULT_FETCH_MODE` when it is made (`FETCH_ONE` unless changed), and each
instance it loads keeps that mode; instances made in Python (`Model(...)`)
keep `FETCH_ONE`. So switching the default for the span of a request makes
everything that request loads from the database obey the mode, while the
test's own set-up, before and after, is untouched.

Two modes:

- `FETCH_RAISE` (Django's): any lazy fetch raises, even of the one
  record a page is about (`workplan.organisation` after `get()`).
- `FETCH_RAISE_PEERS` (ours): a lazy fetch raises only on an instance loaded
  with others by the same query (a list's rows), the case that makes a
  page's query count grow with its rows (N+1); the page's own record still
  fetches its parent with one query. This is what the page crawl asserts.

`TEST_FETCH_MODE=raise` (or `peers`) in the environment turns a mode on for
a whole test run, set-up included (see tests/conftest.py).
"""

from contextlib import contextmanager

from django.db.models import query
from django.db.models.fetch_modes import FETCH_ONE, FETCH_RAISE, FetchMode


class FetchRaisePeers(FetchMode):
    """Raise on a lazy fetch from a row of a multi-row query; else fetch."""

    __slots__ = ()

    track_peers = True

    def fetch(self, fetcher, instance):
        peers = getattr(instance._state, "peers", ())
        if sum(1 for peer in peers if peer() is not None) > 1:
            FETCH_RAISE.fetch(fetcher, instance)
        FETCH_ONE.fetch(fetcher, instance)

    def __reduce__(self):
        return "FETCH_RAISE_PEERS"


FETCH_RAISE_PEERS = FetchRaisePeers()


class FetchRecorded(FetchMode):
    """Fetch one, as Django's default does, noting each lazily fetched
    "Model.field" in `seen`: every place `FETCH_RAISE` would stop, in one run
    (`CRAWL_FETCH_MODE=record`, tests/access/test_flat_queries.py)."""

    __slots__ = ("seen",)

    def __init__(self):
        self.seen = set()

    def fetch(self, fetcher, instance):
        self.seen.add(f"{type(instance).__qualname__}.{fetcher.field.name}")
        FETCH_ONE.fetch(fetcher, instance)


MODES = {"raise": FETCH_RAISE, "peers": FETCH_RAISE_PEERS, "one": FETCH_ONE}


def set_default(mode):
    """Make `mode` the fetch mode of every queryset made from now on; return
    the one it replaces."""
    before = query.DEFAULT_FETCH_MODE
    query.DEFAULT_FETCH_MODE = mode
    return before


@contextmanager
def fetch_mode(mode=FETCH_RAISE):
    """Every queryset made inside the block fetches lazily as `mode` says."""
    before = set_default(mode)
    try:
        yield
    finally:
        set_default(before)
