"""The dashboard's tally (`workplan.tally`, kept by triggers) always equals
a fresh count of the items, whatever writes them; the page's figures from
it are the figures counted from the items; the paginator's deep pages."""

from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from governance.history import save_with_reason
from governance.lifecycle import LifecycleStatus
from workplan import dashboard, tally
from workplan.models import ItemTally, WorkplanItem

from ..base import make_item, make_workplan
from .test_workplan_pages import approve, count_queries, second_theme


def same(workplan=None):
    filters = {} if workplan is None else {"workplan": workplan}
    kept, fresh = tally.kept_counts(**filters), tally.fresh_counts(**filters)
    assert kept == fresh
    return sum(fresh.values())


def old_figures(workplan, user):
    """The figures as the page counted them before the tally."""
    everything = dashboard.all_items(workplan, user)
    return (
        [(b.label, b.counts, b.total) for b in dashboard.rag_by_theme(everything)],
        [(b.label, b.counts, b.total) for b in dashboard.rag_by_category(everything)],
        everything.count(),
        WorkplanItem.objects.visible_to(user).filter(workplan=workplan).count(),
    )


def new_figures(workplan, user):
    figures = dashboard.figures(workplan, user)
    return (
        [(b.label, b.counts, b.total) for b in figures.by_theme],
        [(b.label, b.counts, b.total) for b in figures.by_category],
        figures.in_the_plan,
        figures.listed,
    )


def test_the_tally_equals_a_fresh_count_after_every_kind_of_write(cast, business):
    strategy = business.approved_strategy
    themes = [strategy.themes.get(), second_theme(strategy)]
    workplan = make_workplan(cast, strategy, 2024)
    items = [
        make_item(
            cast,
            workplan,
            f"T{n:02d}",
            position=n,
            theme=themes[n % 2] if n % 5 else None,
            category=["C", "ED", "FW", ""][n % 4],
            rag=["green", "amber", "red", ""][n % 4],
            rag_reason="Late" if n % 4 == 2 else "",
        )
        for n in range(12)
    ]
    assert same(workplan) == 12
    assert same() == WorkplanItem.objects.count()

    # One save (the ORM), one QuerySet.update() of many, a bulk insert, raw
    # SQL, a theme change, deletions one by one and in bulk.
    items[0].rag = "amber"
    save_with_reason(items[0], user=cast.officer, reason="Test")
    WorkplanItem.objects.filter(workplan=workplan, category="C").update(rag="")
    WorkplanItem.objects.bulk_create(
        WorkplanItem(
            organisation=workplan.organisation,
            workplan=workplan,
            reference=f"B{n:02d}",
            title="Bulk",
            position=100 + n,
            theme=themes[0],
            rag="green",
        )
        for n in range(5)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {WorkplanItem._meta.db_table} SET category = 'ED' "  # noqa: S608
            "WHERE workplan_id = %s AND reference LIKE 'B%%'",
            [workplan.pk],
        )
    WorkplanItem.objects.filter(theme=themes[1]).update(theme=themes[0])
    items[3].delete()
    WorkplanItem.objects.filter(workplan=workplan, reference__startswith="B").delete()
    assert same(workplan) == 11
    # Rows that fall to zero go.
    assert not ItemTally.objects.filter(items__lte=0).exists()

    # The workplan's lifecycle (every item's status changes) and its deletion.
    approve(cast, business, workplan)
    assert set(
        ItemTally.objects.filter(workplan=workplan).values_list("status", flat=True)
    ) == {LifecycleStatus.APPROVED}
    same(workplan)
    workplan.delete()
    assert not ItemTally.objects.filter(workplan_id=workplan.pk).exists()
    same()

    # A rebuild (as after migrate) counts the same.
    tally.install()
    same()


def test_the_page_figures_from_the_tally_are_the_counted_figures(
    cast, business, client_for
):
    strategy = business.approved_strategy
    themes = [strategy.themes.get(), second_theme(strategy)]
    workplan = make_workplan(cast, strategy, 2024)
    for n in range(9):
        make_item(
            cast,
            workplan,
            f"F{n:02d}",
            position=n,
            theme=themes[n % 2] if n % 4 else None,
            category=["C", "ED", ""][n % 3],
            rag=["green", "amber", ""][n % 3],
            target_date=date(2024, 4, 1 + n),
        )
    approve(cast, business, workplan)
    # Added to the approved plan, awaiting approval: listed for staff, not
    # counted in the plan, not shown to members.
    make_item(cast, workplan, "V01", position=20, theme=themes[1], rag="green")

    for user in (cast.officer, cast.member, cast.clerk, cast.other_council):
        assert new_figures(workplan, user) == old_figures(workplan, user), user
    assert new_figures(workplan, cast.officer)[2:] == (9, 10)
    assert new_figures(workplan, cast.member)[2:] == (9, 9)

    page = client_for(cast.member).get(
        reverse("workplan:workplan_detail", args=[workplan.pk])
    )
    assert page.context["paginator"].count == 9
    assert "V01" not in page.content.decode()


@pytest.mark.long
def test_deep_pages_list_the_same_rows_in_the_same_order(cast, business, client_for):
    """The deferred join returns what OFFSET over the whole list returned,
    filtered or not, on every page; past the end is a 404 as before; the
    count is not a query when nothing is filtered."""
    strategy = business.approved_strategy
    themes = [strategy.themes.get(), second_theme(strategy)]
    workplan = make_workplan(cast, strategy, 2024)
    WorkplanItem.objects.bulk_create(
        WorkplanItem(
            organisation=workplan.organisation,
            workplan=workplan,
            reference=f"D{n:03d}",
            title=f"Deep {n}",
            position=n % 7,
            theme=themes[n % 3 % 2] if n % 11 else None,
            category=["C", "ED"][n % 2],
            rag=["green", "amber", ""][n % 3],
        )
        for n in range(120)
    )
    officer = client_for(cast.officer)
    path = reverse("workplan:workplan_detail", args=[workplan.pk])
    everything = list(
        WorkplanItem.objects.filter(workplan=workplan)
        .order_by("theme_id", "position", "pk")
        .values_list("reference", flat=True)
    )
    for query, expected in (
        ("", everything),
        ("category=ED&", [r for r in everything if int(r[1:]) % 2]),
        (
            "ordering=-reference&",
            sorted(everything, reverse=True),
        ),
    ):
        listed, page = [], 1
        while True:
            response = officer.get(f"{path}?{query}page={page}")
            assert response.status_code == 200
            listed += [item.reference for item in response.context["items"]]
            if not response.context["page_obj"].has_next():
                break
            page += 1
        assert listed == expected, query
        assert officer.get(f"{path}?{query}page={page + 1}").status_code == 404
    assert officer.get(f"{path}?page=last").status_code == 200
    first = count_queries(officer, path)
    assert count_queries(officer, f"{path}?page=3") == first
    assert count_queries(officer, f"{path}?category=ED") == first + 1  # the count
