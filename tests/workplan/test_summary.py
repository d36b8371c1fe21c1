"""The workplan page's summary and filter form are kept per data mark
(workplan/summary.py, governance/filter_panel.py): what they print is never
stale, and one reader class's summary never reaches another."""

import re
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.history import save_with_reason
from governance.models import Membership
from workplan import variations
from workplan.models import Department, Variation
from workplan.reviews import record_update
from workplan.summary import _kept_queries, _overdue

from ..base import (
    add_item_by_variation,
    approve_workplan,
    count_calls,
    make_item,
    make_review,
    make_workplan,
    publish,
)


def page(client, workplan):
    response = client.get(workplan.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def rag_by_theme(html):
    """(red, amber, green, not rated, items) of the first theme's row of
    the "RAG by theme" table."""
    table = html.split('id="rag-theme-title"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r'govuk-table__cell--numeric">(\d+)</td>', table)
    return tuple(int(cell) for cell in cells[:5])


def test_a_change_to_an_item_shows_on_the_next_view(cast, business, client_for):
    member = client_for(cast.member)
    workplan = make_workplan(cast, business.approved_strategy, 2031)
    item = make_item(cast, workplan, "S1", rag="green")
    approve_workplan(cast, business, workplan)
    assert rag_by_theme(page(member, workplan)) == (0, 0, 1, 0, 1)
    assert rag_by_theme(page(member, workplan)) == (0, 0, 1, 0, 1)  # kept
    item.refresh_from_db()
    item.rag, item.rag_reason = "red", "The supplier is late."
    save_with_reason(item, user=cast.officer, reason="Supplier late")
    assert rag_by_theme(page(member, workplan)) == (1, 0, 0, 0, 1)


def test_an_overdue_item_names_its_lead_officer_as_now_named(
    cast, business, client_for
):
    member = client_for(cast.member)
    workplan = make_workplan(cast, business.approved_strategy, 2032)
    lead = Membership.objects.get(user=cast.officer, organisation=cast.council_a)
    make_item(
        cast,
        workplan,
        "S2",
        lead_officer=lead,
        target_date=date.today() - timedelta(days=10),
    )
    approve_workplan(cast, business, workplan)
    assert cast.officer.get_full_name() in overdue_items(page(member, workplan))
    user = get_user_model().objects.get(pk=cast.officer.pk)
    user.first_name, user.last_name = "Renamed", "Officerson"
    user.save()
    assert "Renamed Officerson" in overdue_items(page(member, workplan))


def overdue_items(html):
    """The summary's list of overdue items (the rows below print names too)."""
    return html.split("Overdue items</h3>", 1)[1].split("app-filter", 1)[0]


def test_a_new_department_is_offered_by_the_filter_at_once(cast, business, client_for):
    officer = client_for(cast.officer)
    workplan = business.workplan
    assert "Parks and open spaces" not in page(officer, workplan)
    save_with_reason(
        Department(organisation=cast.council_a, name="Parks and open spaces"),
        user=cast.administrator,
        reason="Test",
    )
    assert "Parks and open spaces" in page(officer, workplan)


def test_an_officers_summary_never_reaches_a_member(cast, business, client_for):
    """The officer reads the page first (their summary is kept); the member
    then gets theirs, without the item awaiting agreement in the counts."""
    workplan = make_workplan(cast, business.approved_strategy, 2033)
    make_item(cast, workplan, "S3", rag="green")
    approve_workplan(cast, business, workplan)
    # An item added by variation, awaiting agreement: officers see it.
    add_item_by_variation(
        cast, workplan, "S4", rag="amber", title="Awaiting agreement item"
    )
    officer_page = page(client_for(cast.officer), workplan)
    member_page = page(client_for(cast.member), workplan)
    assert "Awaiting agreement item" in officer_page
    assert "2 items." in officer_page
    assert rag_by_theme(officer_page) == (0, 0, 1, 0, 1)  # the plan's items
    assert "Awaiting agreement item" not in member_page
    assert "1 item." in member_page
    assert "A new statutory duty" in officer_page  # the variation's reason
    assert "A new statutory duty" not in member_page


def queries_of(client, workplan):
    """The page's HTML and how many queries it took."""
    with CaptureQueriesContext(connection) as queries:
        html = page(client, workplan)
    return html, len(queries)


def set_percent(item, percent, by):
    item.refresh_from_db()
    item.percent_complete = percent
    save_with_reason(item, user=by, reason="Progress updated")


def test_the_summary_moves_only_with_what_it_prints(cast, business, client_for):
    """Kept by its own rows (`summary.printed_marks`): a percentage the
    summary does not print, or a decision published that it does not name,
    leaves it kept; an overdue item's percentage and a RAG show on the next
    view."""
    member = client_for(cast.member)
    workplan = make_workplan(cast, business.approved_strategy, 2033)
    later = make_item(cast, workplan, "S3", target_date=date.today() + timedelta(30))
    late = make_item(cast, workplan, "S4", target_date=date.today() - timedelta(30))
    approve_workplan(cast, business, workplan)
    page(member, workplan)
    _, warm = queries_of(member, workplan)

    set_percent(later, 35, cast.officer)
    html, kept = queries_of(member, workplan)
    assert kept == warm  # not drawn again: the summary prints nothing of it
    assert "35%" in html  # the rows are read afresh

    publish(business.draft_decision, cast.clerk)
    assert queries_of(member, workplan)[1] == warm

    set_percent(late, 65, cast.officer)
    html, drawn = queries_of(member, workplan)
    assert "65% complete" in overdue_items(html)
    assert drawn > warm

    later.refresh_from_db()
    later.rag, later.rag_reason = "red", "The supplier is late."
    save_with_reason(later, user=cast.officer, reason="Supplier late")
    assert rag_by_theme(page(member, workplan))[0] == 1


def test_the_summary_is_drawn_again_by_queries_compiled_once(
    cast, business, client_for, monkeypatch
):
    """A figure that moves draws the summary again for every class of
    reader, by queries built and compiled once per class
    (`summary._kept_queries`): nothing is compiled for it but on the first
    drawing, and each drawing reads its own rows and today's day."""
    workplan = make_workplan(cast, business.approved_strategy, 2034)
    late = make_item(cast, workplan, "S5", target_date=date.today() - timedelta(3))
    make_item(cast, workplan, "S6", target_date=date.today() + timedelta(30))
    approve_workplan(cast, business, workplan)
    member = client_for(cast.member)
    page(member, workplan)
    compiles = count_calls(monkeypatch, SQLCompiler, "as_sql")
    page(member, workplan)  # the summary as kept
    kept = compiles[0]
    late.refresh_from_db()
    late.rag, late.rag_reason = "red", "The supplier is late."
    save_with_reason(late, user=cast.officer, reason="Supplier late")
    compiles[0] = 0
    html = page(member, workplan)
    assert compiles[0] == kept  # drawn again, and nothing more compiled
    assert rag_by_theme(html)[0] == 1
    assert "S5" in overdue_items(html)
    # Another class of reader, and another day: their own rows.
    assert rag_by_theme(page(client_for(cast.officer), workplan))[0] == 1
    run = _kept_queries(workplan, cast.member)
    assert [item.reference for item in run("overdue", _overdue, dated=True)] == ["S5"]
    later = timezone.localdate() + timedelta(40)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: later)
    run = _kept_queries(workplan, cast.member)
    overdue = [item.reference for item in run("overdue", _overdue, dated=True)]
    assert overdue == ["S5", "S6"]


def test_a_review_update_is_counted_at_once(cast, business, client_for):
    """An update that changes no figure the summary prints but the review's
    count of updated items."""
    officer = client_for(cast.officer)
    workplan = make_workplan(cast, business.approved_strategy, 2034)
    items = [
        make_item(
            cast,
            workplan,
            f"S5.{n}",
            rag="green",
            target_date=date.today() + timedelta(30),
        )
        for n in (1, 2)
    ]
    approve_workplan(cast, business, workplan)
    review = make_review(cast, workplan)
    assert "0 of 2 items updated" in page(officer, workplan)
    items[0].refresh_from_db()  # approved since it was made
    record_update(
        review,
        items[0],
        cast.officer,
        {
            "delivery_status": "in-progress",
            "rag": "green",
            "rag_reason": "",
            "percent_complete": 40,
            "commentary": "On track.",
            "revised_start_date": None,
            "revised_target_date": None,
        },
    )
    assert "1 of 2 items updated" in page(officer, workplan)


def test_a_varied_items_new_title_shows_at_once(cast, business, client_for):
    officer = client_for(cast.officer)
    workplan = make_workplan(cast, business.approved_strategy, 2035)
    approve_workplan(cast, business, workplan)
    added = add_item_by_variation(cast, workplan, "S6", title="Replace the firewalls")
    assert "Replace the firewalls" in variations_listed(page(officer, workplan))
    added.refresh_from_db()
    added.title = "Replace the firewalls and the VPN"
    save_with_reason(added, user=cast.administrator, reason="Test")
    assert "Replace the firewalls and the VPN" in variations_listed(
        page(officer, workplan)
    )


def variations_listed(html):
    return html.split("Variations since the last review</h2>", 1)[1].split("<h2", 1)[0]


def test_a_decision_agreeing_a_variation_is_named_as_now_titled(
    cast, business, client_for
):
    """The summary prints a decision only as the agreement of a variation:
    it is kept by those decisions, not by every decision published."""
    officer = client_for(cast.officer)
    workplan = make_workplan(cast, business.approved_strategy, 2036)
    item = make_item(cast, workplan, "S7", title="Move the data centre")
    approve_workplan(cast, business, workplan)
    item.refresh_from_db()
    variation = variations.record(
        workplan,
        item,
        Variation.Kind.RESCOPED,
        reason="A cheaper site was found.",
        agreed_with="",
        agreed_on=date.today(),
        user=cast.officer,
    )
    decision = business.published_decision
    variation.decision = decision
    save_with_reason(variation, user=cast.officer, reason="Test")
    assert decision.title in variations_listed(page(officer, workplan))
    decision.refresh_from_db()
    decision.title = "Data centre: a new site"
    save_with_reason(decision, user=cast.clerk, reason="Test")
    assert "Data centre: a new site" in variations_listed(page(officer, workplan))
