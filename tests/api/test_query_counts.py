"""Every list of the API costs the same number of queries for N records as
for 2N (each record's children come by prefetch, never a query per row)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from decisions.models import AgendaItem, DecisionRecord, Meeting, Report, Resolution
from strategy.models import Objective, Strategy, Theme
from workplan.models import ProgressUpdate, WorkplanItem

from .conftest import token_for


def add_records(cast, business, world, count, start):
    """`count` more public records of each kind, made directly (only their
    number matters here)."""
    now = timezone.now()
    for n in range(start, start + count):
        meeting = Meeting.objects.create(
            committee=business.cabinet,
            starts_at=now - timedelta(days=3, minutes=n),
            venue="Chamber",
            agenda_published=True,
        )
        for position in (1, 2):
            report = Report.objects.create(
                organisation=cast.council_a,
                title=f"Report {n}.{position}",
                purpose="P",
                # On the forward plan too, to be taken at a meeting to come.
                key_decision=position == 2,
                forward_plan_notice_on=timezone.localdate(),
            )
            if position == 2:
                AgendaItem.objects.create(
                    meeting=business.later_meeting,
                    position=10 + n,
                    title="Key decision",
                    report=report,
                )
            AgendaItem.objects.create(
                meeting=meeting, position=position, title="Item", report=report
            )
        decision = DecisionRecord.objects.create(
            organisation=cast.council_a,
            meeting=meeting,
            title=f"Decision {n}",
            record="R",
            reasons="R",
            decision_date=timezone.localdate(meeting.starts_at),
            status="published",
            published_at=now,
        )
        for position in (1, 2):
            Resolution.objects.create(decision=decision, position=position, text="T")
        strategy = Strategy.objects.create(
            organisation=cast.council_a,
            title=f"Strategy {n}",
            period_start_year=2020,
            period_end_year=2024,
            status="approved",
        )
        theme = Theme.objects.create(strategy=strategy, position=1, title="Theme")
        Objective.objects.create(theme=theme, position=1, text="Objective")
        item = WorkplanItem.objects.create(
            organisation=cast.council_a,
            workplan=world.approved_workplan,
            reference=f"X{n}",
            title=f"Item {n}",
            status="approved",
            lead_officer=business.membership,
        )
        item.departments.add(business.department)
        ProgressUpdate.objects.create(
            review=world.closed_review,
            item=item,
            delivery_status="in-progress",
            rag="green",
            percent_complete=10,
            commentary="C",
            as_at=timezone.localdate(),
        )


def count_key_decisions():
    return Report.objects.filter(key_decision=True, title__startswith="Report").count()


def counts(api, addresses, headers):
    result = {}
    for address in addresses:
        cache.clear()  # what rendering costs (the server's cache: below)
        with CaptureQueriesContext(connection) as queries:
            response = api.get(address + "?limit=500", **headers)
        assert response.status_code == 200, address
        result[address] = len(queries)
        if "forward-plan" in address:
            assert response.json()["count"] >= count_key_decisions(), "not exercised"
    return result


@pytest.mark.parametrize("reader", ["public", "clerk token"])
def test_lists_cost_the_same_queries_for_n_and_2n_records(
    world, cast, business, api, reader
):
    headers = {}
    if reader == "clerk token":
        token = token_for(cast.clerk, cast.council_a)
        headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    addresses = [
        reverse(f"api:{name}", args=["ashdown"])
        for name in (
            "decision-list",
            "meeting-list",
            "report-list",
            "forward-plan",
            "strategy-list",
            "theme-list",
            "workplan-list",
            "review-list",
        )
    ] + [reverse("api:workplan-items", args=["ashdown", world.approved_workplan.pk])]
    add_records(cast, business, world, 3, 0)
    with_n = counts(api, addresses, headers)
    add_records(cast, business, world, 3, 3)
    assert counts(api, addresses, headers) == with_n


def test_an_unchanged_public_list_comes_from_the_servers_cache_until_a_record_changes(
    world, cast, business, api
):
    address = reverse("api:decision-list", args=["ashdown"])
    cache.clear()
    first = api.get(address)
    with CaptureQueriesContext(connection) as queries:
        again = api.get(address)
    # The council, and the fingerprint of the records (count, ids, versions).
    assert len(queries) == 2
    assert again.content == first.content
    decision = DecisionRecord.objects.get(pk=business.published_decision.pk)
    decision.title = "Corrected title"
    decision.save()
    changed = api.get(address)
    assert b"Corrected title" in changed.content
    assert changed["ETag"] != first["ETag"]
