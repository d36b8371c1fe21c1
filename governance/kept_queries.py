"""Querysets built and compiled once, then run again with new values.

Django builds a queryset (each `filter()` and `annotate()` resolving its
joins) and compiles it to SQL anew on every request. For the record a page
is about (a workplan with its council's settings and whether the reader
follows it; a decision, strategy, meeting or review read for its document)
that was a sixth to a third of the page's CPU, and the SQL came out the
same every time but for two values: the record's primary key and the
reader's id (whether they follow it).

`kept_query(key, build, record=pk, reader=user)` builds `build(record,
reader)` once per `key` in this process, with stand-ins for the two
values (a primary key no row has, and a copy of the reader with such an
id and the same roles), compiles it and keeps the compiler; moments the
query compares with (`now=timezone.now()`, named as `build` takes them)
have stand-ins too, moments no row holds. Each call
returns a queryset that runs the kept SQL with the stand-ins' parameters
replaced by the values given, and makes its rows as Django makes them
(`select_related`, annotations, the fetch mode, prefetches). A moment may
be a day (`today=timezone.localdate()`, for a date column): its stand-in
is then a day, of 1901 too. So the key
must name everything else `build` reads that can change the SQL: the view
and the reader's roles by council (all that `visible_to()` reads:
`reader_key()`), never the reader or the record themselves, and `build`
must read nothing that moves with time but the moments it is given: a
moment or a day compiled in as it was (not a stand-in) is refused with
`ValueError`. At most `MAX_ENTRIES` are kept, the least recently used
dropped.

Chaining anything onto the returned queryset (`filter()`, `get()`,
`count()`) starts again from the queryset as built, with the stand-ins:
iterate it (`list()`) to read the rows.
"""

import copy
import threading
from collections import OrderedDict
from datetime import UTC, date, datetime

from django.core.exceptions import EmptyResultSet
from django.db import connections

from .permissions import roles_of
from .prepared import PreparedConnection

MAX_ENTRIES = 2000

_kept = OrderedDict()
_lock = threading.Lock()


#: The stand-ins' values: no row has such a primary key.
RECORD_STAND_IN = 2_147_000_011
READER_STAND_IN = 2_147_000_013
#: A moment's stand-in: its microseconds tell the moments of a query apart
#: (`_moment_stand_in`); no row holds a moment of 1901.
MOMENT_STAND_IN = datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)
#: A day's stand-in: its day of the month tells the days of a query apart.
DAY_STAND_IN = date(1901, 3, 1)


class _Compiled:
    """What a queryset built with the stand-ins compiled to: the queryset,
    its compiler, its SQL (None when it can hold no row) and, for each
    parameter, "record", "reader" or the constant it is."""

    def __init__(self, queryset, moments):
        self.queryset = queryset
        self.compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = self.compiler.as_sql()
        except EmptyResultSet:
            sql, params = None, ()
        self.sql = sql or None
        self.roles = tuple(_role(param, moments) for param in params)

    def params(self, values):
        return tuple(
            values[role] if isinstance(role, str) else role[0] for role in self.roles
        )


def _role(param, moments):
    # A whole number may come wrapped (psycopg's `Int8` for a big integer
    # field), never as a bool (`True == 1`).
    whole = isinstance(param, int) and not isinstance(param, bool)
    if whole and param == RECORD_STAND_IN:
        return "record"
    if whole and param == READER_STAND_IN:
        return "reader"
    if isinstance(param, str) and param in (str(RECORD_STAND_IN), str(READER_STAND_IN)):
        raise ValueError(
            f"{param!r}: a record or reader compared as text cannot be kept "
            "(its value would be compiled in)"
        )
    if isinstance(param, date):
        for name, stand_in in moments.items():
            if type(param) is type(stand_in) and param == stand_in:
                return name
        raise ValueError(
            f"{param!r} compiled into a kept query: give it as a moment "
            "(`kept_query(..., name=value)`)"
        )
    return (param,)


def _moment_stand_in(index, given):
    """The stand-in of the `index`th moment, `given` the value it stands
    for: a day for a day (`date`), else a moment."""
    if isinstance(given, date) and not isinstance(given, datetime):
        return DAY_STAND_IN.replace(day=index + 1)
    return MOMENT_STAND_IN.replace(microsecond=index + 1)


class _KeptQuery:
    """Stands in for the queryset's `query` when it is run: hands out the
    kept compiler on this thread's connection, giving the kept SQL with
    this run's values. Everything else is read from the query as built
    (which chaining clones, never changes)."""

    def __init__(self, compiled, params, prepared=False):
        self._compiled = compiled
        self._params = params
        self._prepared = prepared

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        sql, params = self._compiled.sql, self._params
        compiler = copy.copy(self._compiled.compiler)
        compiler.connection = connection or connections[using]
        if self._prepared:
            compiler.connection = PreparedConnection(compiler.connection)
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        return compiler

    def __getattr__(self, name):
        return getattr(self._compiled.queryset.query, name)


def reader_stand_in(reader):
    """A copy of `reader` (with the roles read with them) whose id is
    READER_STAND_IN; anonymous as it is. What `build` is given for the
    reader: a caller may build with it first, and hand `build` what it
    built for it (`workplan.kept_rows`)."""
    if reader is None or not reader.is_authenticated:
        return reader
    roles_of(reader)  # read now, so the copy carries them
    stand_in = copy.copy(reader)
    stand_in.pk = READER_STAND_IN
    return stand_in


def _compiled(key, build, reader, moments):
    """What `build` compiled to with the stand-ins, once for `key`."""
    with _lock:
        compiled = _kept.get(key)
        if compiled is not None:
            _kept.move_to_end(key)
    if compiled is None:
        stand_ins = {
            name: _moment_stand_in(index, moments[name])
            for index, name in enumerate(sorted(moments))
        }
        compiled = _Compiled(
            build(RECORD_STAND_IN, reader_stand_in(reader), **stand_ins), stand_ins
        )
        with _lock:
            _kept[key] = compiled
            while len(_kept) > MAX_ENTRIES:
                _kept.popitem(last=False)
    return compiled


def _values(record, reader, moments):
    return {"record": record, "reader": getattr(reader, "pk", None), **moments}


def kept_count(key, build, *, record, reader, **moments):
    """How many rows `build(record, reader, **moments)`'s queryset gives, as
    its `count()` would tell, by a query compiled once for `key` (a key of
    its own: not the rows' key)."""
    compiled = _compiled(
        key,
        lambda *args, **kwargs: build(*args, **kwargs).order_by().values("pk"),
        reader,
        moments,
    )
    if compiled.sql is None:
        return 0
    params = compiled.params(_values(record, reader, moments))
    with connections[compiled.queryset.db].cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({compiled.sql}) AS counted", params)  # noqa: S608 - a compiled query, its values as parameters
        return cursor.fetchone()[0]


def kept_query(key, build, *, record, reader, prepared=False, **moments):
    """`build(record, reader, **moments)`'s queryset, built and compiled
    once for `key` (see the module). `prepared`: run as a prepared
    statement (`prepared.py`), planned once per connection for any values,
    which suits a query for one record by its key, not one whose best plan
    depends on the values (the rows of a workplan of a hundred items or a
    hundred thousand)."""
    compiled = _compiled(key, build, reader, moments)
    built = compiled.queryset
    if compiled.sql is None:
        return built.none()
    run = built.__class__(
        model=built.model,
        query=_KeptQuery(
            compiled, compiled.params(_values(record, reader, moments)), prepared
        ),
        using=built._db,
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
    """The reader as `visible_to()` reads them: whether they are signed
    in, and their role in each council."""
    if user is None or not user.is_authenticated:
        return None
    return tuple(sorted(roles_of(user).items()))


def forget():
    """Drop every kept query (for tests)."""
    with _lock:
        _kept.clear()
