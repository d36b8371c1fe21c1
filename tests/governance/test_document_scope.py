"""Kept documents that print some kinds of rows only as their record's own
(`CachedDocumentMixin.unprinted_parts`): kept by the rest of the council's
data mark and the record's own mark, read in the same query. Another
decision published or a progress update elsewhere leaves them kept; a
change to a row they print, their own or not, is served at once."""

from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from decisions.models import AgendaItem, DecidedRecord, DecisionRecord, Resolution
from governance import kept_pages
from governance.data_mark import data_mark
from governance.history import save_with_reason
from tests.base import make_decision, make_item, make_workplan, publish, put_on_agenda
from workplan.models import Variation

DECISION_DOCUMENT = "decisions/_decision_document.html"
STRATEGY_DOCUMENT = "strategy/_strategy_document.html"
SUMMARY = "workplan/_summary.html"


def rendered(client, url, document):
    """Whether the page's document was rendered for this request (not
    served as kept). The kept pages of the session are left aside, so that
    the request goes the full way to the view."""
    kept_pages.forget()
    response = client.get(url)
    assert response.status_code == 200
    return document in [template.name for template in response.templates]


def decision_url(decision):
    return reverse("decisions:decision_detail", args=[decision.pk])


def strategy_url(strategy):
    return reverse("strategy:strategy_detail", args=[strategy.pk])


def decides(decision, record):
    """`decision` names `record` among the records it decides."""
    decided, _created = DecidedRecord.objects.get_or_create(
        decision=decision,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
    )
    return decided


def test_a_decision_stays_kept_when_another_is_published_or_an_item_changes(
    cast, business, client_for
):
    client = client_for(cast.member)
    decision = business.published_decision
    DecidedRecord.objects.filter(decision=decision).delete()
    url = decision_url(decision)
    other = make_decision(business.meeting, "Approval of the telephony contract")
    assert rendered(client, url, DECISION_DOCUMENT)

    publish(other, cast.clerk)
    business.item.rag = "amber"
    save_with_reason(business.item, user=cast.officer, reason="Progress")
    Resolution.objects.filter(decision=other).update(text="Changed quietly")

    assert not rendered(client, url, DECISION_DOCUMENT)


def test_a_decisions_own_rows_are_served_at_once(cast, business, client_for):
    client = client_for(cast.member)
    decision = business.published_decision
    url = decision_url(decision)
    assert rendered(client, url, DECISION_DOCUMENT)

    resolution = Resolution.objects.filter(decision=decision).first()
    resolution.text = "The strategy is approved, as amended."
    save_with_reason(resolution, user=None, reason="Correction")

    assert rendered(client, url, DECISION_DOCUMENT)
    assert b"as amended" in client.get(url).content


def test_a_decided_records_change_is_served_at_once(cast, business, client_for):
    """A decision that decides records prints them: a strategy it approved,
    renamed, shows at once."""
    client = client_for(cast.member)
    decision = business.published_decision
    strategy = business.approved_strategy
    decides(decision, strategy)
    url = decision_url(decision)
    assert rendered(client, url, DECISION_DOCUMENT)

    strategy.title = "Digital Ashdown: the strategy renamed"
    save_with_reason(strategy, user=cast.officer, reason="Minor amendment")

    assert rendered(client, url, DECISION_DOCUMENT)
    assert b"the strategy renamed" in client.get(url).content


def test_a_strategy_follows_its_own_workplans_not_anothers(cast, business, client_for):
    client = client_for(cast.officer)
    strategy = business.approved_strategy
    elsewhere = make_item(
        cast, make_workplan(cast, business.draft_strategy, 2024), "WP01"
    )
    url = strategy_url(strategy)
    assert rendered(client, url, STRATEGY_DOCUMENT)

    # An item of another strategy's workplan: not printed here.
    elsewhere.rag = "amber"
    save_with_reason(elsewhere, user=cast.officer, reason="Progress")
    assert not rendered(client, url, STRATEGY_DOCUMENT)

    # An item of its own workplan (the officer reads its delivery).
    business.item.rag = "green"
    save_with_reason(business.item, user=cast.officer, reason="Progress")
    assert rendered(client, url, STRATEGY_DOCUMENT)


def test_the_full_way_still_costs_three_queries(cast, business, client_for):
    """The record's own mark is read in the data mark's query."""
    client = client_for(cast.member)
    url = decision_url(business.published_decision)
    client.get(url)
    kept_pages.forget()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) == 3, [query["sql"][:80] for query in queries]


def test_a_report_taken_off_its_published_agenda_is_no_longer_linked(
    cast, business, client_for
):
    """The agenda item that put the decision's report before members is
    given another report: the report may no longer be opened by members,
    and the decision's page says so at once (the item's history names the
    other report only: `data_mark.REPOINTABLE`)."""
    client = client_for(cast.member)
    decision = business.published_decision
    DecisionRecord.objects.filter(pk=decision.pk).update(report=business.report)
    decision.refresh_from_db()
    url = decision_url(decision)
    report_url = reverse("decisions:report_detail", args=[decision.report_id])
    item = AgendaItem.objects.get(report=decision.report, meeting=business.meeting)
    assert business.meeting.agenda_published
    # Also on a later agenda, not yet published (so the set of its
    # meetings does not move when the first item is given another report).
    put_on_agenda(business.later_meeting, decision.report, position=9)
    assert report_url in client.get(url).content.decode()

    item.report = business.unpublished_report
    save_with_reason(item, user=cast.clerk, reason="Wrong report")

    assert rendered(client, url, DECISION_DOCUMENT)
    assert report_url not in client.get(url).content.decode()


def test_a_part_of_the_mark_that_does_not_exist_is_refused(cast):
    mark = data_mark(cast.council_a)
    with pytest.raises(ValueError, match="workplan.Departmnet"):
        mark.of("workplan.Departmnet")
    with pytest.raises(ValueError):
        mark.without("decisions.Resolutions")
    assert mark.of("workplan.Department") != mark.without("workplan.Department")


def test_a_strategy_stays_kept_while_progress_moves_no_figure(
    cast, business, client_for
):
    """Its delivery prints figures, not an item's percentage or note
    (`data_mark.RECORD_COUNTED`): an update that moves no figure leaves it
    kept; an item come overdue, or given another RAG status, shows at once."""
    client = client_for(cast.officer)
    url = strategy_url(business.approved_strategy)
    item = business.item
    item.delivery_status = "in-progress"
    item.target_date = date.today() + timedelta(days=30)
    save_with_reason(item, user=cast.officer, reason="Set-up")
    assert rendered(client, url, STRATEGY_DOCUMENT)

    item.percent_complete = 40
    item.rag_reason = "Going well; the supplier has started."
    save_with_reason(item, user=cast.officer, reason="Progress")
    assert not rendered(client, url, STRATEGY_DOCUMENT)

    item.target_date = date.today() - timedelta(days=3)
    save_with_reason(item, user=cast.officer, reason="Target missed")
    assert rendered(client, url, STRATEGY_DOCUMENT)
    assert "1 overdue" in client.get(url).content.decode()

    item.rag = "red"
    save_with_reason(item, user=cast.officer, reason="Progress")
    assert rendered(client, url, STRATEGY_DOCUMENT)


def test_an_agenda_saved_leaves_the_strategy_and_summary_kept(
    cast, business, client_for
):
    """A meeting's version moves whenever its agenda is saved; other pages
    print only what `data_mark.MEETING_PRINTED` names of it, which a new
    time does move."""
    client = client_for(cast.officer)
    meeting = business.later_meeting  # not one the strategy's record names
    agenda_item = put_on_agenda(meeting, business.unpublished_report, position=3)
    url = strategy_url(business.approved_strategy)
    assert rendered(client, url, STRATEGY_DOCUMENT)
    workplan_url = business.workplan.get_absolute_url()
    assert rendered(client, workplan_url, SUMMARY)
    mark = data_mark(cast.council_a)

    agenda_item.title = "Renamed on the agenda"
    save_with_reason(agenda_item, user=cast.clerk, reason="Agenda changed")
    meeting.version += 1
    save_with_reason(meeting, user=cast.clerk, reason="Agenda changed")

    assert not rendered(client, url, STRATEGY_DOCUMENT)
    assert not rendered(client, workplan_url, SUMMARY)
    assert data_mark(cast.council_a).of("decisions.Meeting") == mark.of(
        "decisions.Meeting"
    )

    meeting.venue = "Committee Room 2"
    save_with_reason(meeting, user=cast.clerk, reason="Moved")
    assert data_mark(cast.council_a).of("decisions.Meeting") != mark.of(
        "decisions.Meeting"
    )
    assert rendered(client, url, STRATEGY_DOCUMENT)


def test_a_decision_deciding_a_strategy_stays_kept_when_an_item_changes(
    cast, business, client_for
):
    """It prints the strategy it decides, not any item; one deciding a
    variation prints the variation's item, and follows items."""
    client = client_for(cast.member)
    decision = business.published_decision
    strategy = business.approved_strategy
    decides(decision, strategy)
    url = decision_url(decision)
    assert rendered(client, url, DECISION_DOCUMENT)

    business.item.title = "Renamed item"
    save_with_reason(business.item, user=cast.officer, reason="Progress")
    assert not rendered(client, url, DECISION_DOCUMENT)

    variation = Variation.objects.create(
        workplan=business.workplan,
        item=business.item,
        kind=Variation.Kind.ADDED,
        reason="A new statutory duty",
    )
    decides(decision, variation)
    assert rendered(client, url, DECISION_DOCUMENT)
    business.item.title = "Renamed again"
    save_with_reason(business.item, user=cast.officer, reason="Progress")
    assert rendered(client, url, DECISION_DOCUMENT)


def test_a_strategy_follows_the_decisions_it_names_not_anothers(
    cast, business, client_for
):
    """Another decision published leaves it kept; the decision approving it
    corrected, or another naming it among the records it decides
    (`data_mark.RECORD_LINKS`), shows at once."""
    client = client_for(cast.member)
    strategy = business.approved_strategy
    url = strategy_url(strategy)
    other = make_decision(business.meeting, "Approval of the telephony contract")
    assert rendered(client, url, STRATEGY_DOCUMENT)

    publish(other, cast.clerk)
    assert not rendered(client, url, STRATEGY_DOCUMENT)

    approving = strategy.approving_decision
    approving.title = "Approval of the ICT Strategy, as corrected"
    save_with_reason(approving, user=cast.clerk, reason="Correction")
    assert rendered(client, url, STRATEGY_DOCUMENT)

    decided = decides(other, strategy)
    save_with_reason(decided, user=cast.clerk, reason="Names the strategy")
    assert rendered(client, url, STRATEGY_DOCUMENT)
    decided.delete()
    assert rendered(client, url, STRATEGY_DOCUMENT)


def test_a_records_mark_has_the_day_written_in_and_reads_the_same(cast, business):
    """The day is written into a record's mark (`day_written_in`), so that
    PostgreSQL keeps one plan for the day's runs; the mark reads the same
    as with the day given as a parameter."""
    from governance.data_mark import (
        _record_mark_sql,
        _record_mark_sql_of_day,
        _record_mark_text,
        bound,
        record_mark,
    )
    from governance.prepared import prepared_cursor
    from strategy.models import Strategy

    today = timezone.localdate()
    sql, roles = _record_mark_sql_of_day("strategy.Strategy", today)
    assert "today" not in roles
    assert f"DATE '{today.isoformat()}'" in sql

    strategy = business.approved_strategy
    values = {
        "council": strategy.organisation_id,
        "record": strategy.pk,
        "now": timezone.now(),
        "today": timezone.localdate(),
    }
    given_sql, given_roles = _record_mark_sql("strategy.Strategy")
    with prepared_cursor() as cursor:
        cursor.execute(given_sql, bound(given_roles, values))
        given = _record_mark_text("strategy.Strategy", strategy.pk, cursor.fetchone())
    assert record_mark(strategy.organisation_id, Strategy, strategy.pk) == given


def test_the_workplan_summary_and_delivery_marks_have_the_day_written_in(
    cast, business
):
    """The workplan summary's and the delivery figures' marks write the day
    in too (one plan a day, `plan_cache_mode` generic) and read the same as
    with the day given as a parameter."""
    from governance.data_mark import bound
    from governance.prepared import prepared_cursor
    from workplan import delivery, summary

    today = timezone.localdate()
    workplan = business.workplan
    for of_day, plain, values, read in (
        (
            summary._printed_sql_of_day,
            summary._printed_sql,
            {"workplan": workplan.pk, "today": today},
            lambda: summary.printed_mark(workplan.pk, today),
        ),
        (
            delivery._counted_sql_of_day,
            delivery._counted_sql,
            {"organisation": workplan.organisation_id, "today": today},
            lambda: delivery.counted_mark(workplan.organisation, today),
        ),
    ):
        sql, roles = of_day(today)
        assert "today" not in roles
        assert f"DATE '{today.isoformat()}'" in sql
        given_sql, given_roles = plain()
        assert "today" in given_roles
        with prepared_cursor() as cursor:
            cursor.execute(given_sql, bound(given_roles, values))
            given = tuple(cursor.fetchone() or ())
        found = read()
        if isinstance(found, str):
            given = ".".join(str(value or 0) for value in given)
        assert found == given
