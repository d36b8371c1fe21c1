"""The strategy's page tells its delivery: each workplan the reader may open
with RAG by theme, the latest review reported (with its progress report),
items on track, overdue and variations since, the decisions that approved
and varied it, and the journey from drafting to today with real dates."""

import re
from datetime import timedelta

from django.utils import timezone

from workplan import variations
from workplan.models import Review, Variation

from ..base import approve_workplan, make_item, make_workplan


def delivered(cast, business, *, items=4):
    """The approved strategy's 2024 plan, approved, with `items` items (one
    red and overdue, the rest green), review 1 reported to the meeting 20
    days ago and one variation agreed since."""
    strategy = business.approved_strategy
    workplan = make_workplan(cast, strategy, 2024)
    yesterday = timezone.localdate() - timedelta(days=1)
    make_item(
        cast,
        workplan,
        "D01",
        rag="red",
        rag_reason="Supplier gone",
        target_date=yesterday,
    )
    for number in range(2, items + 1):
        make_item(cast, workplan, f"D{number:02}", rag="green")
    workplan = approve_workplan(cast, business, workplan)
    Review.objects.create(
        workplan=workplan,
        number=1,
        due=timezone.localdate() - timedelta(days=30),
        status=Review.Status.CLOSED,
        opened_on=timezone.localdate() - timedelta(days=40),
        opened_at=timezone.now() - timedelta(days=40),
        reported_on=timezone.localdate() - timedelta(days=20),
        closed_at=timezone.now() - timedelta(days=20),
        meeting=business.meeting,
    )
    item = workplan.items.get(reference="D02")
    variations.record(
        workplan,
        item,
        Variation.Kind.RESCHEDULED,
        reason="Supplier delay",
        agreed_with="Head of ICT",
        agreed_on=timezone.localdate() - timedelta(days=5),
        user=cast.officer,
    )
    return strategy, workplan


def test_a_member_reads_how_the_strategy_is_being_delivered(cast, business, client_for):
    strategy, workplan = delivered(cast, business)
    page = client_for(cast.member).get(strategy.get_absolute_url()).content.decode()
    delivery = page[page.index('id="delivery"') : page.index('id="journey"')]
    assert str(workplan) in delivery
    assert "3 of 4 items on track (green), 1 red." in delivery
    assert "1 overdue" in delivery
    assert f"/workplans/reviews/{workplan.reviews.get().pk}/progress-report.pdf" in (
        delivery
    )
    assert "1 agreed since that review" in delivery
    assert workplan.approving_decision.title in delivery
    journey = page[page.index('id="journey"') :]
    assert "Workplan approved" in journey
    assert "Progress reported: review 1 of" in journey
    days = re.findall(r'<time datetime="([0-9-]+)">', journey)
    assert days == sorted(days)


def test_the_delivery_costs_the_same_queries_however_many_items(
    cast, business, client_for
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    strategy, workplan = delivered(cast, business, items=3)
    client = client_for(cast.member)
    client.get(strategy.get_absolute_url())
    # The document rendered each time, not served as kept
    # (governance/documents.py): its delivery is what is counted.
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        client.get(strategy.get_absolute_url())
    for number in range(10, 40):
        make_item(
            cast,
            workplan,
            f"E{number}",
            rag="amber",
            rag_reason="Late",
            status="approved",
        )
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        client.get(strategy.get_absolute_url())
    assert len(many) == len(few)
