"""`DataChange`, kept by PostgreSQL: one row for each statement that writes
what a page prints, so the council's data mark (`data_mark.py`) reads one
small table instead of the newest row of thirty.

The data mark must move whenever anything a page prints may have changed.
It used to read, on every kept page's answer, the newest history row of
each record type a page prints, a digest of the meetings and one of the
people's names: about thirty subqueries, over half of a kept page's time.
Now triggers in the writing transaction add a row here naming the *part*
written (a model label of `data_mark.PRINTED` or `APPENDED`, or "names"),
and the mark reads, for each part, how many changes were recorded and the
newest one's id.

Why a count and not only the newest id: ids are handed out when a change
is written, not when it commits, so a change written before another but
committed after it would hide behind the other's larger id, and a page
rendered in between would be kept as fresh. A count moves with every
commit. The newest id is read too, so a table emptied (a test database
flushed) never gives a count seen before.

Which writes are recorded:

- a statement on the history table of each model of `data_mark.PRINTED`
  (every save and deletion writes a history row), except meetings;
- for meetings, a statement inserting or deleting them, and an update that
  changes what other pages print of one (`data_mark.MEETING_PRINTED`): a
  meeting's version moves with every agenda save, which its own page's
  mark reads from the agenda items;
- a statement on the table of each model of `data_mark.APPENDED`;
- "names": a person's name or username changed, a person deleted, a role
  given, taken away or moved to another person or council.

The rows are summed up as they come: every 64th row, the writing
transaction (if no other is doing it) replaces the rows it can see by one
row a part holding their sum under the newest of their ids, so the table
stays at about a hundred rows. Each part's count and newest id, and so
every mark, are the same before and after: a summing up sends no page the
full way. (It first gave the summed rows new ids, which moved every part
of the mark at once, every 64th change.)

`install()` runs after every `migrate` (also for test databases made
without migrations): it (re)creates the function and the triggers.
"""

from django.apps import apps
from django.db import connections, models, transaction

FUNCTION = "governance_data_change"
#: The advisory lock of the summing up: a pair of numbers of our own (the
#: other advisory locks, of papers and submissions, are single numbers,
#: which PostgreSQL keeps apart from pairs).
SUMMING_LOCK = (7301, 442019)
#: Rows between two summings up.
SUM_EVERY = 64
#: The part of people's names.
NAMES = "names"


class DataChange(models.Model):
    """One statement that wrote a part of what pages print, or the sum of
    those of one part (see the module)."""

    id = models.BigAutoField(primary_key=True)
    part = models.CharField(max_length=60)
    changes = models.BigIntegerField(default=1)

    class Meta:
        verbose_name = "data change"

    def __str__(self):
        return f"{self.part}: {self.changes}"


def _quoted(connection, name):
    return connection.ops.quote_name(name)


def function_sql(connection):
    table = _quoted(connection, DataChange._meta.db_table)
    return f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  added bigint;
BEGIN
  INSERT INTO {table} (part, changes) VALUES (TG_ARGV[0], 1)
    RETURNING id INTO added;
  IF added % {SUM_EVERY} = 0
     AND current_setting('transaction_isolation') = 'read committed'
     AND pg_try_advisory_xact_lock({SUMMING_LOCK[0]}, {SUMMING_LOCK[1]}) THEN
    WITH gone AS (DELETE FROM {table} RETURNING id, part, changes)
    INSERT INTO {table} (id, part, changes)
      SELECT max(id), part, sum(changes) FROM gone GROUP BY part ORDER BY part;
  END IF;
  RETURN NULL;
END;
$$;
"""  # noqa: S608 (quoted names, no input)


def _watched():
    """(table, part, kind, columns): what each trigger watches. `kind` is
    "statement" (every insert, update and delete statement), "inserted"
    (insert and delete statements) or "columns" (an update of a row
    changing one of `columns`)."""
    from django.contrib.auth import get_user_model

    from decisions.models import Meeting

    from .data_mark import APPENDED, MEETING_PRINTED, PRINTED
    from .models import Membership

    watched = []
    for label in PRINTED:
        model = apps.get_model(label)
        if model is Meeting:
            table = Meeting._meta.db_table
            watched.append((table, label, "inserted", ()))
            watched.append((table, label, "columns", MEETING_PRINTED))
        else:
            watched.append((model.history.model._meta.db_table, label, "statement", ()))
    for label in APPENDED:
        watched.append((apps.get_model(label)._meta.db_table, label, "statement", ()))
    users = get_user_model()._meta.db_table
    watched.append((users, NAMES, "deleted", ()))
    watched.append((users, NAMES, "columns", ("first_name", "last_name", "username")))
    roles = Membership._meta.db_table
    watched.append((roles, NAMES, "inserted", ()))
    watched.append((roles, NAMES, "columns", ("user_id", "organisation_id")))
    return watched


def trigger_name(kind):
    return f"{FUNCTION}_{kind}"


def triggers_sql(connection):
    statements = []
    for table, part, kind, columns in _watched():
        name = trigger_name(kind)
        quoted = _quoted(connection, table)
        call = f"EXECUTE FUNCTION {FUNCTION}('{part}')"
        statements.append(f"DROP TRIGGER IF EXISTS {name} ON {quoted};")
        if kind == "columns":
            listed = ", ".join(_quoted(connection, column) for column in columns)
            old = ", ".join(f"OLD.{_quoted(connection, c)}" for c in columns)
            new = ", ".join(f"NEW.{_quoted(connection, c)}" for c in columns)
            statements.append(
                f"CREATE TRIGGER {name} AFTER UPDATE OF {listed} ON {quoted} "
                f"FOR EACH ROW WHEN (ROW({old}) IS DISTINCT FROM ROW({new})) {call};"
            )
            continue
        events = {
            "statement": "INSERT OR UPDATE OR DELETE",
            "inserted": "INSERT OR DELETE",
            "deleted": "DELETE",
        }[kind]
        statements.append(
            f"CREATE TRIGGER {name} AFTER {events} ON {quoted} "
            f"FOR EACH STATEMENT {call};"
        )
    return "\n".join(statements)


def install(using="default"):
    """The function and the triggers (idempotent)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(function_sql(connection))
        cursor.execute(triggers_sql(connection))


def installed_triggers(using="default"):
    """{(table, trigger name)} of this module's triggers in the database (for
    tests and checks)."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname LIKE %s",
            [f"{FUNCTION}%"],
        )
        return set(cursor.fetchall())


def expected_triggers():
    return {(table, trigger_name(kind)) for table, _part, kind, _ in _watched()}
