"""The data mark's changes, recorded by triggers (`governance.data_changes`):
every part a page prints is watched, each write moves its own part and the
whole mark, what pages do not print moves nothing, the rows are summed up
without changing a count, and a change committed after a later one still
moves the mark."""

import psycopg
import pytest
from django.apps import apps
from django.db import connection

from governance import data_changes
from governance.data_changes import NAMES, SUM_EVERY, DataChange
from governance.data_mark import APPENDED, PRINTED, data_mark
from tests.base import make_department


def recorded():
    """(rows, changes) of the table as it is now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), coalesce(sum(changes), 0) FROM governance_datachange"
        )
        return cursor.fetchone()


def test_every_part_a_page_prints_is_watched_by_its_trigger(db):
    parts = {part for _table, part, _kind, _columns in data_changes._watched()}
    assert parts == {*PRINTED, *APPENDED, NAMES}
    assert data_changes.expected_triggers() <= data_changes.installed_triggers()


def test_installing_again_leaves_one_trigger_each(db):
    data_changes.install()
    data_changes.install()
    assert data_changes.installed_triggers() == data_changes.expected_triggers()


def test_a_write_moves_its_part_and_the_whole_mark_and_no_other_part(cast):
    before = data_mark(cast.council_a)
    before_elsewhere = data_mark(cast.council_b)

    make_department(cast.council_a, "Digital Services")

    after = data_mark(cast.council_a)
    assert after != before
    assert after.of("workplan.Department") != before.of("workplan.Department")
    assert after.of("strategy.Theme", NAMES) == before.of("strategy.Theme", NAMES)
    # Another council's mark moves too: the changes are the site's.
    assert data_mark(cast.council_b) != before_elsewhere


def test_a_name_moves_the_names_part_and_a_sign_in_moves_nothing(cast):
    before = data_mark(cast.council_a)

    cast.officer.save(update_fields=["last_login"])
    assert data_mark(cast.council_a) == before

    cast.officer.last_name = "Okafor-Reid"
    cast.officer.save(update_fields=["last_name"])
    after = data_mark(cast.council_a)
    assert after != before
    assert after.of(NAMES) != before.of(NAMES)
    assert after.of("governance.Post") == before.of("governance.Post")


def test_a_statement_writing_no_row_of_a_watched_column_moves_nothing(cast):
    before = data_mark(cast.council_a)
    with connection.cursor() as cursor:
        # An update of what no page prints of a meeting, and of a person.
        cursor.execute("UPDATE decisions_meeting SET version = version WHERE false")
        cursor.execute("UPDATE auth_user SET first_name = first_name")
    assert data_mark(cast.council_a) == before


def test_the_rows_are_summed_up_and_no_count_changes(db):
    history_table = apps.get_model("strategy.Theme").history.model._meta.db_table
    _rows, changes_before = recorded()
    writes = SUM_EVERY * 3
    with connection.cursor() as cursor:
        for _ in range(writes):
            # A statement on a watched table (one change whatever its rows).
            cursor.execute(f"DELETE FROM {history_table} WHERE false")  # noqa: S608
    rows, changes = recorded()
    assert changes == changes_before + writes
    # Summed up as they came: far fewer rows than changes.
    assert rows < SUM_EVERY + len(PRINTED) + len(APPENDED) + 1
    summed = DataChange.objects.get(part="strategy.Theme", changes__gt=1)
    assert summed.changes >= SUM_EVERY


def test_a_summing_up_moves_no_mark_nor_any_part_of_one(cast):
    """Each part keeps its count and newest id when its rows are summed up,
    so a summing up sends no kept page the full way; the change that set it
    off moves its own part only."""
    history_table = apps.get_model("strategy.Theme").history.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM governance_datachange")
        newest = cursor.fetchone()[0]
        # Up to the change before the next summing up.
        for _ in range(SUM_EVERY - 1 - newest % SUM_EVERY):
            cursor.execute(f"DELETE FROM {history_table} WHERE false")  # noqa: S608
    before = data_mark(cast.council_a)
    rows_before, _changes = recorded()
    assert rows_before > 3

    make_department(cast.council_a, "Digital Services")  # sums up

    rows, _changes = recorded()
    assert rows < rows_before  # summed up
    after = data_mark(cast.council_a)
    assert after.of("workplan.Department") != before.of("workplan.Department")
    assert after.without("workplan.Department") == before.without("workplan.Department")


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_after_a_later_one_still_moves_the_mark(cast):
    """Ids are handed out as changes are written, not as they commit: a mark
    of the newest id alone would miss the first change here."""
    history_table = apps.get_model("strategy.Theme").history.model._meta.db_table
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params) as other:
        # The other connection writes first, and holds its transaction open.
        other.execute(f"DELETE FROM {history_table} WHERE false")  # noqa: S608
        make_department(cast.council_a, "Written second, committed first")
        before = data_mark(cast.council_a)
        other.commit()
    assert data_mark(cast.council_a) != before


@pytest.mark.django_db(transaction=True)
def test_summing_up_waits_on_no_open_transaction_and_loses_no_change(cast):
    """Rows another transaction has written and not committed are left to
    a later summing up: the writer waits on nothing, and every change is
    counted once both have committed."""
    history_table = apps.get_model("strategy.Theme").history.model._meta.db_table
    statement = f"DELETE FROM {history_table} WHERE false"  # noqa: S608
    _rows, changes_before = recorded()
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params) as other:
        other.execute(statement)
        with connection.cursor() as cursor:
            # Waiting on the other transaction would fail, not hang.
            cursor.execute("SET lock_timeout = '5s'")
            for _ in range(SUM_EVERY * 2):
                cursor.execute(statement)
            cursor.execute("RESET lock_timeout")
        other.commit()
    _rows, changes = recorded()
    assert changes == changes_before + SUM_EVERY * 2 + 1
