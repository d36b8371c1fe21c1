"""The history pages of a workplan and of an item (governance/history.py, as
the strategy's): who changed what, when and why; linked from their pages;
a member shown only what they may read; a flat query count however long
the history."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.history import save_with_reason
from workplan.models import Milestone

from ..base import add_item_by_variation, approve_workplan, make_item

pytestmark = pytest.mark.django_db


def _text(response):
    """The page's words, tags left out."""
    html = response.content.decode()
    return " ".join(re.sub(r"<[^>]*>", " ", html).split())


def _edit(row, user, reason, **fields):
    for name, value in fields.items():
        setattr(row, name, value)
    return save_with_reason(row, user=user, reason=reason)


def test_item_and_workplan_history_say_who_changed_what_and_why(
    cast, business, client_for
):
    workplan = business.workplan
    item = make_item(
        cast,
        workplan,
        "WP07",
        title="Replace the telephony",
        target_date=datetime.date(2027, 3, 31),
        description="Move every office to hosted telephony, starting with "
        "the contact centre and ending with the depots.",
    )
    _edit(
        item,
        cast.officer,
        "Supplier delay",
        target_date=datetime.date(2027, 6, 30),
        description="Move every office to hosted telephony, starting with "
        "the libraries and ending with the depots.",
    )
    save_with_reason(
        Milestone(item=item, title="Contract signed", due=datetime.date(2026, 9, 1)),
        user=cast.officer,
        reason="Plan agreed",
    )
    _edit(workplan, cast.officer, "Clearer name", title="Digital workplan 2026–27")
    approve_workplan(cast, business, workplan)
    hidden = add_item_by_variation(cast, workplan, "WP09", title="Secret kiosks")

    officer = client_for(cast.officer)
    item_page = officer.get(item.get_absolute_url()).content.decode()
    item_url = reverse("workplan:item_history", args=[item.pk])
    assert f'href="{item_url}"' in item_page
    response = officer.get(item_url)
    page = _text(response)
    assert "History of WP07 Replace the telephony" in page
    assert "From “ 31 March 2027 ” to “ 30 June 2027 ”" in page
    assert "Supplier delay" in page
    assert re.search(r"<ins[^>]*>(<[^>]*>[^<]*</[^>]*>)?libraries", response.text)
    assert "Milestone “Contract signed” created" in page
    assert "Plan agreed" in page

    workplan_page = officer.get(workplan.get_absolute_url()).content.decode()
    workplan_url = reverse("workplan:workplan_history", args=[workplan.pk])
    assert f'href="{workplan_url}"' in workplan_page
    page = _text(officer.get(workplan_url))
    assert "From (empty) to “ Digital workplan 2026–27 ”" in page
    assert "Item WP07 “Replace the telephony” changed" in page
    assert "From “ 31 March 2027 ” to “ 30 June 2027 ”" in page
    assert "Secret kiosks" in page
    # Its path: the steps of its lifecycle, with their dates.
    assert "Its path: when each step happened" in page

    # A member reads the approved plan's history, not the item awaiting
    # agreement; the item's own history is theirs too, its draft's is not.
    member = client_for(cast.member)
    page = member.get(workplan_url).content.decode()
    assert "Replace the telephony" in page
    assert "Secret kiosks" not in page
    assert member.get(item_url).status_code == 200
    hidden_url = reverse("workplan:item_history", args=[hidden.pk])
    assert member.get(hidden_url).status_code == 404
    assert client_for(cast.other_council).get(item_url).status_code == 404


def test_history_pages_cost_the_same_queries_with_5_or_50_edits(
    cast, business, client_for
):
    workplan = business.workplan
    item = make_item(cast, workplan, "WP08", title="Intranet")
    milestone = save_with_reason(
        Milestone(item=item, title="Go live"), user=cast.officer, reason="Plan"
    )
    client = client_for(cast.officer)
    urls = [
        reverse("workplan:item_history", args=[item.pk]),
        reverse("workplan:workplan_history", args=[workplan.pk]),
    ]
    edits = iter(range(1000))

    def edit(times):
        for _ in range(times):
            number = next(edits)
            _edit(item, cast.officer, f"Edit {number}", sponsor=f"Board {number}")
            _edit(milestone, cast.officer, f"Edit {number}", title=f"Go {number}")
            _edit(workplan, cast.officer, f"Edit {number}", title=f"Plan {number}")

    def queries(url):
        client.get(url)  # any diffs kept
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured), response.content.decode()

    edit(5)
    few = [queries(url) for url in urls]
    edit(45)
    many = [queries(url) for url in urls]
    for (few_count, _few_page), (many_count, many_page) in zip(few, many, strict=True):
        assert few_count == many_count
        assert "Board 49" in many_page
