"""Queries run as prepared statements: parsed and planned once per database
connection, not on every request.

The few queries every page runs with the same SQL and new values, compiled
once per process by the code that writes them (the principal,
`principal.py`; the data marks, `data_mark.py`), spent most of their time
in PostgreSQL's parser and planner, not in running: the data mark's
twenty-odd subqueries took about 5 ms to parse and plan and under 1 ms to
run. Run as a prepared statement it costs only the running.

Django's own cursors bind values on the client (psycopg's `ClientCursor`)
and so are never prepared; `prepared_cursor()` is a cursor binding them on
the server, which psycopg prepares the first time a statement is run on a
connection (`OPTIONS["prepare_threshold"]`, `config/settings/base.py`) and
reuses while the pooled connection lives (at most `prepared_max` statements
a connection, the least recently used dropped first). Its queries are
logged, counted and wrapped as Django's are (`assertNumQueries`,
`execute_wrapper`).

Compiling those queries (Django building the SQL of twenty-odd
subqueries) takes longer than running them: about 100 ms for all of them
in a process. Each is compiled once per process (`compiled_at_start`), and
each gunicorn worker compiles them all as it starts (`compile_all()`, from
`config/gunicorn.py`), so that no request of a new worker pays for it.
"""

import functools
import inspect
import logging

import psycopg
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader
from psycopg.postgres import types
from psycopg.pq import Format

log = logging.getLogger(__name__)

#: (cached compiler, the argument tuples `compile_all()` calls it with).
_AT_START = []


def compiled_at_start(over=((),)):
    """Decorator for a function compiling a prepared statement's SQL: keep
    what it gives once per process for each set of arguments, however they
    are passed (`f()`, `f(True)` and `f(by_part=True)` are one), and have
    `compile_all()` call it with each argument tuple of `over`."""

    def register(function):
        signature = inspect.signature(function)
        cached = functools.cache(function)

        @functools.wraps(function)
        def compiled(*args, **kwargs):
            arguments = signature.bind(*args, **kwargs)
            arguments.apply_defaults()
            return cached(*arguments.args)

        compiled.cache_info = cached.cache_info
        compiled.cache_clear = cached.cache_clear
        _AT_START.append((compiled, tuple(over)))
        return compiled

    return register


def compile_all():
    """Compile now every statement registered by `compiled_at_start` in the
    modules imported so far (a worker has imported every view). Returns how
    many were compiled; one that cannot be is left to its first request,
    which reports it as it would have anyway."""
    compiled = 0
    for function, over in _AT_START:
        for arguments in over:
            try:
                function(*arguments)
            except Exception as error:  # noqa: BLE001 - left to its request
                log.warning(
                    "%s%r not compiled (%s)", function.__name__, arguments, error
                )
            else:
                compiled += 1
    return compiled


def prepared_cursor(connection=connection):
    """A cursor on this thread's connection (or `connection`, one of
    Django's) whose statements are prepared (use it as a context manager,
    like `connection.cursor()`). Values are bound with `%s`; a literal
    percent sign must be written `%%`."""
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = psycopg.Cursor(connection.connection)
        # As Django's own cursors (`create_cursor`): times read in the
        # connection's time zone.
        loader = connection.connection.adapters.get_loader(
            types["timestamptz"].oid, Format.TEXT
        )
        if connection.timezone != loader.timezone:
            register_tzloader(connection.timezone, cursor)
        return connection._prepare_cursor(cursor)


class PreparedConnection:
    """One of Django's connections, but for its `cursor()`: a prepared one
    (`prepared_cursor`). Given to a compiler as its connection, it runs the
    compiled query as a prepared statement (`kept_queries.kept_query(...,
    prepared=True)`)."""

    def __init__(self, connection):
        self._connection = connection

    def cursor(self):
        return prepared_cursor(self._connection)

    def __getattr__(self, name):
        return getattr(self._connection, name)
