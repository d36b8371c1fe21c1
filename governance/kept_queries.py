"""Querysets built and compiled once, then run again with the same SQL.

Django builds a queryset (each `filter()` and `annotate()` resolving its
joins) and compiles it to SQL anew on every request. For the record a page
is about (a workplan with its council's settings and whether the reader
follows it; a decision, strategy or meeting read for its document) that
was a sixth of the page's CPU, and the SQL came out the same every time
for the same reader and record.

`kept_query(key, build)` calls `build()` and compiles its queryset once per
`key` in this process, and keeps the compiler; it returns a queryset that
runs the kept SQL with the kept parameters and makes its rows as Django
makes them (`select_related`, annotations, the fetch mode, prefetches). So
the key must name everything `build` reads that can change: the record's
primary key, the reader (their id and their roles by council: all that
`visible_to()` and `following_expression()` read) and the view. Nothing
that moves with time may be read by `build` (use it for queries whose SQL
holds no clock). At most `MAX_ENTRIES` are kept, the least recently used
dropped.

Chaining anything onto the returned queryset (`filter()`, `get()`,
`count()`) works from the kept queryset as built and compiles as usual;
iterate it (`list()`, `first()` would chain) to read the kept rows.
"""

import copy
import threading
from collections import OrderedDict

from django.core.exceptions import EmptyResultSet
from django.db import connections

from .permissions import roles_of

MAX_ENTRIES = 2000

_kept = OrderedDict()
_lock = threading.Lock()


class _Compiled:
    """What a built queryset compiled to: its queryset, compiler and SQL
    (None when it can hold no row)."""

    def __init__(self, queryset):
        self.queryset = queryset
        self.compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = self.compiler.as_sql()
        except EmptyResultSet:
            sql, params = None, ()
        self.sql, self.params = sql or None, tuple(params)


class _KeptQuery:
    """Stands in for the queryset's `query` when it is run: hands out the
    kept compiler on this thread's connection, giving the kept SQL.
    Everything else is read from the query as built (which chaining clones,
    never changes)."""

    def __init__(self, compiled):
        self._compiled = compiled

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        compiled = self._compiled
        compiler = copy.copy(compiled.compiler)
        compiler.connection = connection or connections[using]
        compiler.as_sql = lambda *args, **kwargs: (compiled.sql, compiled.params)
        return compiler

    def __getattr__(self, name):
        return getattr(self._compiled.queryset.query, name)


def kept_query(key, build):
    """`build()`'s queryset, built and compiled once for `key` (see the
    module)."""
    with _lock:
        compiled = _kept.get(key)
        if compiled is not None:
            _kept.move_to_end(key)
    if compiled is None:
        compiled = _Compiled(build())
        with _lock:
            _kept[key] = compiled
            while len(_kept) > MAX_ENTRIES:
                _kept.popitem(last=False)
    built = compiled.queryset
    if compiled.sql is None:
        return built.none()
    run = built.__class__(
        model=built.model, query=_KeptQuery(compiled), using=built._db
    )
    # As `QuerySet._clone()` copies them.
    run._hints = built._hints
    run._sticky_filter = built._sticky_filter
    run._for_write = built._for_write
    run._prefetch_related_lookups = built._prefetch_related_lookups[:]
    run._known_related_objects = built._known_related_objects
    run._iterable_class = built._iterable_class
    run._fetch_mode = built._fetch_mode
    run._fields = built._fields
    return run


def reader_key(user):
    """The reader as `visible_to()` and `following_expression()` read them:
    their id and their role in each council."""
    if user is None or not user.is_authenticated:
        return None
    return (user.pk, tuple(sorted(roles_of(user).items())))


def forget():
    """Drop every kept query (for tests)."""
    with _lock:
        _kept.clear()
