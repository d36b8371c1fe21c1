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
"""

import psycopg
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader
from psycopg.postgres import types
from psycopg.pq import Format


def prepared_cursor():
    """A cursor on this thread's connection whose statements are prepared
    (use it as a context manager, like `connection.cursor()`). Values are
    bound with `%s`; a literal percent sign must be written `%%`."""
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
