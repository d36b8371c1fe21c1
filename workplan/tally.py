"""`ItemTally`, kept by PostgreSQL: the triggers that count items as they
are written, and the rebuild that counts them afresh.

Three statement-level triggers on the items table (one per kind of write,
each with its transition tables) add the counts of the rows written and
take away those of the rows replaced, grouped, in one statement each: a
100,000-row `INSERT ... SELECT` costs one grouped upsert, not 100,000.
Rows that fall to zero are deleted. The tally rows are upserted in one
order (their key), so two writes to the same plan queue rather than
deadlock.

`install()` runs after every `migrate` (also for test databases made
without migrations): it (re)creates the function and the triggers and
rebuilds the tally from the items, under a lock that holds writers back
meanwhile, so the tally is right whatever happened before.
"""

from django.db import connections, transaction
from django.db.models import Count

from .models import ItemTally, WorkplanItem

FUNCTION = "workplan_item_tally"
KEY = ["organisation_id", "workplan_id", "theme_id", "category", "rag", "status"]


def _names(connection):
    return {
        "items": connection.ops.quote_name(WorkplanItem._meta.db_table),
        "tally": connection.ops.quote_name(ItemTally._meta.db_table),
        "key": ", ".join(KEY),
        "function": FUNCTION,
    }


def _upsert(connection, source, sign):
    """SQL adding (sign +) or taking away (sign -) the rows of `source`."""
    n = _names(connection)
    return (
        f"INSERT INTO {n['tally']} AS t ({n['key']}, items) "  # noqa: S608
        f"SELECT {n['key']}, {sign}count(*) FROM {source} "
        f"GROUP BY {n['key']} ORDER BY {n['key']} "
        f"ON CONFLICT ({n['key']}) DO UPDATE SET items = t.items + EXCLUDED.items;"
    )


def function_sql(connection):
    n = _names(connection)
    return f"""
CREATE OR REPLACE FUNCTION {n["function"]}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR TG_OP = 'UPDATE' THEN
    {_upsert(connection, "new_rows", "")}
  END IF;
  IF TG_OP = 'DELETE' OR TG_OP = 'UPDATE' THEN
    {_upsert(connection, "old_rows", "-")}
    DELETE FROM {n["tally"]} WHERE items = 0
      AND workplan_id IN (SELECT DISTINCT workplan_id FROM old_rows);
  END IF;
  RETURN NULL;
END;
$$;
"""  # noqa: S608 (quoted names, no input)


def triggers_sql(connection):
    n = _names(connection)
    statements = []
    for event, tables in [
        ("INSERT", "NEW TABLE AS new_rows"),
        ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        ("DELETE", "OLD TABLE AS old_rows"),
    ]:
        name = f"{n['function']}_{event.lower()}"
        statements.append(f"DROP TRIGGER IF EXISTS {name} ON {n['items']};")
        statements.append(
            f"CREATE TRIGGER {name} AFTER {event} ON {n['items']} "
            f"REFERENCING {tables} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION {n['function']}();"
        )
    return "\n".join(statements)


def rebuild_sql(connection):
    n = _names(connection)
    return (
        f"DELETE FROM {n['tally']};\n"  # noqa: S608
        f"INSERT INTO {n['tally']} ({n['key']}, items) "
        f"SELECT {n['key']}, count(*) FROM {n['items']} GROUP BY {n['key']};"
    )


def install(using="default"):
    """The function, the triggers and a fresh tally (idempotent)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    n = _names(connection)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        # Writers of items wait until the tally is rebuilt and counting.
        cursor.execute(f"LOCK TABLE {n['items']} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(function_sql(connection))
        cursor.execute(triggers_sql(connection))
        cursor.execute(rebuild_sql(connection))


def fresh_counts(**filters):
    """{key: items} counted from the items themselves (for tests and checks)."""
    rows = WorkplanItem.objects.filter(**filters).values(*KEY).annotate(n=Count("pk"))
    return {tuple(row[k] for k in KEY): row["n"] for row in rows}


def kept_counts(**filters):
    """{key: items} as the tally has them."""
    rows = ItemTally.objects.filter(**filters).values(*KEY, "items")
    return {tuple(row[k] for k in KEY): row["items"] for row in rows}
