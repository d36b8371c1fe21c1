"""Querysets built and compiled once per key (`governance/kept_queries.py`):
the same rows as the queryset built afresh, no building or compiling the
second time, each class of reader their own, each reader and record their
own values, on each thread's own connection."""

import threading
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Exists, OuterRef
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from decisions.models import DecidedRecord, DecisionRecord
from governance import kept_queries
from governance.choices import Role
from governance.kept_queries import kept_query, reader_key
from governance.models import Membership
from governance.notifications import follow, following_expression
from tests.base import count_calls, give_role, make_person


def decisions_for(user):
    return (
        DecisionRecord.objects.visible_to(user)
        .select_related("meeting__committee")
        .annotate(
            decides_records=Exists(
                DecidedRecord.objects.filter(decision=OuterRef("pk"))
            )
        )
        .order_by("title")
    )


def decisions(record, reader):
    """`kept_query`'s build for the lists below (the record unused)."""
    return decisions_for(reader)


def kept_decisions(user, key=("test",)):
    return kept_query((*key, reader_key(user)), decisions, record=0, reader=user)


def printed(decisions):
    return [
        (d.pk, d.title, d.status, d.decides_records, d.meeting.committee.name)
        for d in decisions
    ]


@pytest.fixture
def compiles(monkeypatch):
    """How many times a query is compiled (its outermost `as_sql`)."""
    return count_calls(monkeypatch, SQLCompiler, "as_sql")


def test_the_kept_query_gives_the_rows_the_queryset_built_afresh_gives(
    cast, business, compiles
):
    builds = []

    def build(record, reader):
        builds.append(1)
        return decisions_for(reader)

    key = ("test", reader_key(cast.clerk))
    first = printed(kept_query(key, build, record=0, reader=cast.clerk))
    assert first == printed(decisions_for(cast.clerk))
    assert {"Draft decision", "Published decision"} <= {row[1] for row in first}
    compiles[0] = 0
    with CaptureQueriesContext(connection) as queries:
        again = printed(kept_query(key, build, record=0, reader=cast.clerk))
    assert again == first
    assert builds == [1]  # built once
    assert compiles[0] == 0  # and compiled once
    assert len(queries) == 1


def test_each_class_of_reader_gets_their_own_rows(cast, business):
    clerk = printed(kept_decisions(cast.clerk))
    member = printed(kept_decisions(cast.member))
    other = printed(kept_decisions(cast.other_council))
    assert "Draft decision" in {row[1] for row in clerk}
    assert "Draft decision" not in {row[1] for row in member}
    assert {row[1] for row in member} >= {"Published decision"}
    assert other == []


def test_one_query_serves_every_record_and_every_reader_of_a_class(
    cast, business, compiles
):
    another = make_person("another-member", cast.council_a, Role.MEMBER)
    decision = business.published_decision
    follow(cast.member, cast.council_a, decision)

    def build(record, reader):
        return (
            DecisionRecord.objects.visible_to(reader)
            .annotate(following=following_expression(reader, DecisionRecord))
            .filter(pk=record)
        )

    def read(user, pk):
        key = ("one", reader_key(user))
        return [
            (d.pk, d.following) for d in kept_query(key, build, record=pk, reader=user)
        ]

    assert reader_key(cast.member) == reader_key(another)
    assert read(cast.member, decision.pk) == [(decision.pk, True)]
    compiles[0] = 0
    assert read(another, decision.pk) == [(decision.pk, False)]
    assert read(cast.member, business.draft_decision.pk) == []  # a draft
    assert read(cast.member, 0) == []
    assert compiles[0] == 0
    assert len(kept_queries._kept) == 1


def test_a_new_role_is_a_new_key(cast, business):
    person = make_person("newcomer", cast.council_a, Role.MEMBER)
    before = reader_key(person)
    Membership.objects.filter(user=person).delete()
    give_role(person, cast.council_a, Role.CLERK)
    person = type(person).objects.get(pk=person.pk)  # roles read afresh
    assert reader_key(person) != before


def test_a_reader_who_may_read_nothing_runs_no_query(cast, business):
    nobody = make_person("nobody")
    reader_key(nobody)  # their roles (none) read here
    with CaptureQueriesContext(connection) as queries:
        rows = list(kept_decisions(nobody))
    assert rows == []
    assert len(queries) == 0


@pytest.mark.django_db(transaction=True)
def test_it_runs_on_each_threads_own_connection(cast, business):
    here = printed(kept_decisions(cast.clerk))
    there = []

    def read():
        from django.db import connections

        try:
            there.extend(printed(kept_decisions(cast.clerk)))
        finally:
            connections.close_all()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    assert there == here


def test_a_draft_kept_for_its_officer_stays_hidden_from_a_member(
    cast, business, client_for
):
    url = reverse("workplan:workplan_detail", args=[business.workplan.pk])
    assert business.workplan.status == "draft"
    assert client_for(cast.officer).get(url).status_code == 200
    assert client_for(cast.member).get(url).status_code == 404
    assert client_for(cast.other_council).get(url).status_code == 404
    assert client_for(cast.officer).get(url).status_code == 200


def test_a_document_page_reads_its_record_built_once(cast, business, client_for):
    url = business.published_decision.get_absolute_url()
    client = client_for(cast.member)
    assert client.get(url).status_code == 200
    kept = len(kept_queries._kept)
    assert kept >= 1
    assert client.get(url).status_code == 200
    assert len(kept_queries._kept) == kept  # the same entry read again
    draft = business.draft_decision.get_absolute_url()
    assert client.get(draft).status_code == 404
    assert client_for(cast.clerk).get(draft).status_code == 200
    assert client_for(cast.member).get(draft).status_code == 404


def published_since(record, reader, since):
    """A build with a moment: the decisions published after `since`."""
    return decisions_for(reader).filter(published_at__gt=since)


def test_a_moment_is_a_stand_in_each_run_gives_its_own(cast, business, compiles):
    published = DecisionRecord.objects.filter(published_at__isnull=False)
    newest = max(published.values_list("published_at", flat=True))
    key = ("test moments", reader_key(cast.member))

    def run(since):
        return printed(
            kept_query(key, published_since, record=0, reader=cast.member, since=since)
        )

    everything = run(newest - timedelta(days=3650))
    assert everything == printed(
        published_since(0, cast.member, newest - timedelta(days=3650))
    )
    assert everything
    compiles[0] = 0
    assert run(newest) == []  # nothing after the newest: the moment was replaced
    assert compiles[0] == 0


def test_a_day_is_a_stand_in_of_its_own_kind(cast, business, compiles):
    """A moment given as a day (for a date column) stands in as a day:
    each run compares with its own day, by the SQL compiled once."""
    days = sorted(
        DecisionRecord.objects.filter(published_at__isnull=False).values_list(
            "decision_date", flat=True
        )
    )
    key = ("test days", reader_key(cast.member))

    def decided_by(record, reader, day):
        return decisions_for(reader).filter(decision_date__lte=day)

    def run(day):
        return printed(
            kept_query(key, decided_by, record=0, reader=cast.member, day=day)
        )

    everything = run(days[-1])
    assert everything == printed(decided_by(0, cast.member, days[-1]))
    assert everything
    compiles[0] = 0
    assert run(days[0] - timedelta(days=1)) == []
    assert run(days[-1]) == everything
    assert compiles[0] == 0


def test_a_moment_compiled_in_as_it_was_is_refused(cast, business):
    now = timezone.now()

    def build(record, reader):
        return decisions_for(reader).filter(published_at__lt=now)

    with pytest.raises(ValueError, match="give it as a moment"):
        list(kept_query(("test", "fixed now"), build, record=0, reader=cast.member))
    # A day too (a date compared with a date field).
    with pytest.raises(ValueError, match="give it as a moment"):
        list(
            kept_query(
                ("test", "fixed day"),
                lambda record, reader: decisions_for(reader).filter(
                    decision_date__lte=now.date()
                ),
                record=0,
                reader=cast.member,
            )
        )


def test_a_record_in_a_big_integer_column_is_its_stand_in(cast, business):
    """A record's id compared with a big integer column (a report's
    subject) comes to the compiler wrapped (`Int8`): it is still the
    record's stand-in, so each record gets its own rows."""
    from decisions import report_subjects
    from decisions.models import Report

    from ..base import make_report

    workplan = business.workplan
    report = make_report(cast.council_a, "Presenting the workplan")
    report_subjects.present(report, workplan, user=cast.clerk, reason="Test")
    content_type = ContentType.objects.get_for_model(workplan)

    def presenting(record, reader):
        return Report.objects.visible_to(reader).filter(
            subject_content_type=content_type, subject_object_id=record
        )

    def run(record):
        key = ("test big integer", reader_key(cast.officer))
        found = kept_query(key, presenting, record=record, reader=cast.officer)
        return [r.pk for r in found]

    assert run(workplan.pk) == [report.pk]
    assert run(workplan.pk + 1) == []


def test_a_record_compared_as_text_is_refused(cast, business):
    """A stand-in turned into text would be compiled in as a constant, and
    every record would get the stand-in's (no) rows: refused."""

    def build(record, reader):
        return decisions_for(reader).filter(title=str(record))

    with pytest.raises(ValueError, match="compared as text"):
        list(kept_query(("test", "as text"), build, record=1, reader=cast.member))
