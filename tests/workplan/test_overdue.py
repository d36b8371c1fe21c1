"""Overdue items: one rule (`WorkplanItem.is_overdue` and the queryset's
`overdue()`), flagged in the item lists with a tag and the target in words,
and offered as a choice of the list's delivery status filter."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.lifecycle import LifecycleStatus
from workplan.choices import DeliveryStatus
from workplan.models import WorkplanItem

from ..base import make_item, make_workplan

TODAY = date(2026, 3, 31)


def agree(item, today):
    """The row rule and the query rule give the same answer for `item`."""
    in_query = WorkplanItem.objects.overdue(today).filter(pk=item.pk).exists()
    assert item.is_overdue(today) == in_query, item.reference
    return in_query


@pytest.fixture
def plan(cast, business):
    return make_workplan(cast, business.approved_strategy, 2025)


def test_the_overdue_rule_in_python_and_in_sql(cast, plan):
    yesterday = TODAY - timedelta(days=1)
    cases = {
        # reference: (fields, overdue on TODAY)
        "YESTERDAY": ({"target_date": yesterday}, True),
        "ON-HOLD": ({"target_date": yesterday, "delivery_status": "on-hold"}, True),
        "NOT-STARTED": (
            {"target_date": yesterday, "delivery_status": "not-started"},
            True,
        ),
        "TODAY": ({"target_date": TODAY}, False),
        "TOMORROW": ({"target_date": TODAY + timedelta(days=1)}, False),
        "NO-TARGET": ({"target_date": None}, False),
        "WORDS-ONLY": ({"target_date": None, "target_as_written": "ongoing"}, False),
        "WORDS-PASSED": (
            {"target_date": yesterday, "target_as_written": "Q4 2025/26"},
            True,
        ),
        "COMPLETE": (
            {"target_date": yesterday, "delivery_status": DeliveryStatus.COMPLETE},
            False,
        ),
        "CANCELLED": (
            {"target_date": yesterday, "delivery_status": DeliveryStatus.CANCELLED},
            False,
        ),
        # An import that did not say: it may well be done.
        "NOT-STATED": (
            {"target_date": yesterday, "delivery_status": DeliveryStatus.NOT_STATED},
            False,
        ),
        "CLOSED": ({"target_date": yesterday, "status": LifecycleStatus.CLOSED}, False),
        "SUPERSEDED": (
            {"target_date": yesterday, "status": LifecycleStatus.SUPERSEDED},
            False,
        ),
    }
    for position, (reference, (fields, expected)) in enumerate(cases.items()):
        fields.setdefault("delivery_status", DeliveryStatus.IN_PROGRESS)
        item = make_item(cast, plan, reference, position=position, **fields)
        assert agree(item, TODAY) is expected, reference
    # Nothing is overdue on its target date or before it.
    assert not WorkplanItem.objects.overdue(yesterday).filter(workplan=plan).exists()
    # Without a day given, the rule reads today.
    item = WorkplanItem.objects.get(reference="YESTERDAY")
    assert item.overdue is True
    assert item.is_overdue() is True


def test_an_overdue_item_is_flagged_in_the_list_with_its_target_in_words(
    cast, plan, client_for
):
    today = timezone.localdate()
    late = make_item(
        cast,
        plan,
        "LATE",
        position=1,
        target_date=date(2026, 3, 31),
        start_date=date(2025, 4, 1),
        delivery_status="in-progress",
    )
    make_item(
        cast,
        plan,
        "DONE",
        position=2,
        target_date=date(2026, 3, 31),
        delivery_status="complete",
    )
    make_item(
        cast,
        plan,
        "LATER",
        position=3,
        target_date=today + timedelta(days=30),
        delivery_status="in-progress",
    )
    officer = client_for(cast.officer)
    page = officer.get(reverse("workplan:workplan_detail", args=[plan.pk]))
    html = page.content.decode()
    rows = {
        ref: row
        for row in re.findall(r'<tr class="govuk-table__row">.*?</tr>', html, re.S)
        for ref in ("LATE", "DONE", "LATER")
        if f">{ref} " in row
    }
    # A tag and words, not colour alone.
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in rows["LATE"]
    assert "Target was 31 March 2026" in rows["LATE"]
    assert "Overdue" not in rows["DONE"]
    assert "31 March 2026" in rows["DONE"]
    assert "Overdue" not in rows["LATER"]

    # The item's own page says so too.
    item_page = officer.get(reverse("workplan:item_detail", args=[late.pk]))
    assert 'govuk-tag--red">Overdue</strong>' in item_page.content.decode()

    # The filter offers "Overdue" and keeps exactly the overdue items.
    assert 'value="overdue"' in html
    filtered = officer.get(
        reverse("workplan:workplan_detail", args=[plan.pk]) + "?delivery_status=overdue"
    )
    assert [i.reference for i in filtered.context["items"]] == ["LATE"]
    csv = officer.get(
        reverse("workplan:workplan_export_csv", args=[plan.pk])
        + "?delivery_status=overdue"
    )
    body = b"".join(csv.streaming_content) if csv.streaming else csv.content
    assert b"LATE" in body and b"DONE" not in body and b"LATER" not in body
