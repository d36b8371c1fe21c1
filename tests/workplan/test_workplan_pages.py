"""The workplan pages: bad input, the draft-only rule, filters, exports,
escaping, query counts, member visibility and reordering."""

import csv
import io
from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from governance import filter_panel
from governance.choices import Role
from governance.history import save_with_reason
from governance.lifecycle import LifecycleStatus
from governance.models import Membership
from strategy.models import Theme
from workplan import kept_rows
from workplan.filtersets import ItemFilterSet
from workplan.lifecycle import WORKPLAN_LIFECYCLE
from workplan.models import Department, Milestone, Workplan, WorkplanItem

from ..base import (
    count_calls,
    give_role,
    make_decision,
    make_item,
    make_person,
    make_workplan,
    name_in_decision,
    publish,
)

HOSTILE = "<script>alert(1)</script>"
TEMPLATE = "{{ 7*7 }}"


# --- helpers ---------------------------------------------------------------------


def url(name, *args):
    return reverse(f"workplan:{name}", args=args)


def item_data(item=None, **overrides):
    """A valid POST for the item form (add, or edit of `item`)."""
    theme = item.theme if item is not None else None
    data = {
        "reference": item.reference if item is not None else "WP99",
        "title": "Move the planning forms online",
        "description": "Online forms for planning applications.",
        "theme": theme.pk if theme is not None else "",
        "category": "C",
        "work_type": "statutory",
        "lead_officer": "",
        "sponsor": "Digital Programme Board",
        "start_date": "2023-04-03",
        "target_date": "2023-09-29",
        "budget": "12000",
        "delivery_status": "in-progress",
        "rag": "green",
        "rag_reason": "",
        "percent_complete": "20",
    }
    if item is not None:
        data["version"] = item.version
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def progress_data(item, **overrides):
    data = {
        "delivery_status": "in-progress",
        "rag": "amber",
        "rag_reason": "Supplier late.",
        "percent_complete": "40",
        "version": item.version,
    }
    data.update(overrides)
    return data


def row(item):
    return WorkplanItem.objects.filter(pk=item.pk).values().get()


def state():
    """Everything an item form could write."""
    return {
        "items": WorkplanItem.objects.count(),
        "item history": WorkplanItem.history.count(),
        "departments": WorkplanItem.departments.through.objects.count(),
        "workplans": Workplan.objects.count(),
        "workplan history": Workplan.history.count(),
        "rows": list(WorkplanItem.objects.order_by("pk").values()),
    }


def approve(cast, business, workplan):
    """Take `workplan` through scrutiny and approval, as the real people would."""
    WORKPLAN_LIFECYCLE.perform(
        workplan, "submit", cast.officer, inputs={"meeting": business.scrutiny_meeting}
    )
    WORKPLAN_LIFECYCLE.perform(
        workplan,
        "record_scrutiny",
        cast.clerk,
        inputs={"outcome": "endorsed", "committee_comments": ""},
    )
    decision = make_decision(business.meeting, f"Approval of {workplan}")
    name_in_decision(decision, workplan)
    decision = publish(decision, cast.clerk)
    return WORKPLAN_LIFECYCLE.perform(
        workplan, "approve", cast.clerk, inputs={"decision": decision}
    )


def department(council, name):
    return save_with_reason(
        Department(organisation=council, name=name), user=None, reason="Test set-up"
    )


def second_theme(strategy, title="Secure by design"):
    return save_with_reason(
        Theme(strategy=strategy, position=2, title=title),
        user=None,
        reason="Test set-up",
    )


def references(items):
    return [item.reference for item in items]


def csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(body)))


def xlsx_rows(response):
    book = load_workbook(io.BytesIO(response.content))
    return [list(values) for values in book["Items"].iter_rows(values_only=True)]


def page_references(client, workplan, query=""):
    """The references on every page of the filtered list, in order."""
    found, page = [], 1
    while True:
        response = client.get(
            f"{url('workplan_detail', workplan.pk)}?{query}&page={page}"
        )
        assert response.status_code == 200
        found += references(response.context["items"])
        if not response.context["page_obj"].has_next():
            return found
        page += 1


def count_queries(client, path):
    client.get(path)  # warm up (content types, sessions)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, path
    return len(captured)


@pytest.fixture
def officer(cast, client_for):
    return client_for(cast.officer)


# --- bad input: a page with the error summary, and nothing saved -------------------

BAD_ITEM_INPUT = {
    "percent over 100": ({"percent_complete": "101"}, "percent_complete"),
    "negative percent": ({"percent_complete": "-1"}, "percent_complete"),
    "percent in words": ({"percent_complete": "fifty"}, "percent_complete"),
    "target before start": (
        {"start_date": "2023-06-01", "target_date": "2023-05-31"},
        "target_date",
    ),
    "red without a reason": ({"rag": "red", "rag_reason": "   "}, "rag_reason"),
    "duplicate reference": ({"reference": "  wp02 "}, "reference"),
    "31 February": ({"start_date": "2023-02-31"}, "start_date"),
    "empty title": ({"title": "   "}, "title"),
}


@pytest.mark.parametrize("case", BAD_ITEM_INPUT)
def test_bad_input_to_item_edit_shows_the_error_summary_and_saves_nothing(
    cast, business, officer, case
):
    make_item(cast, business.workplan, "WP02")
    overrides, field = BAD_ITEM_INPUT[case]
    before = state()

    response = officer.post(
        url("item_update", business.item.pk), item_data(business.item, **overrides)
    )

    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert field in response.context["form"].errors
    assert state() == before


@pytest.mark.parametrize("case", BAD_ITEM_INPUT)
def test_bad_input_to_item_add_shows_the_error_summary_and_saves_nothing(
    cast, business, officer, case
):
    make_item(cast, business.workplan, "WP02")
    overrides, field = BAD_ITEM_INPUT[case]
    before = state()

    response = officer.post(
        url("item_create", business.workplan.pk), item_data(**overrides)
    )

    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert field in response.context["form"].errors
    assert state() == before


def test_the_valid_versions_of_those_forms_save(cast, business, officer):
    """The bad-input cases fail because of the one bad value, not the rest."""
    response = officer.post(
        url("item_update", business.item.pk), item_data(business.item)
    )
    assert response.status_code == 302
    assert row(business.item)["title"] == "Move the planning forms online"

    response = officer.post(url("item_create", business.workplan.pk), item_data())
    assert response.status_code == 302
    added = WorkplanItem.objects.get(workplan=business.workplan, reference="WP99")
    assert added.position > row(business.item)["position"]
    assert added.created_by == cast.officer

    response = officer.post(
        url("item_progress", added.pk), progress_data(added, percent_complete="100")
    )
    assert response.status_code == 302
    assert row(added)["percent_complete"] == 100


BAD_PROGRESS_INPUT = {
    "percent over 100": ({"percent_complete": "101"}, "percent_complete"),
    "negative percent": ({"percent_complete": "-1"}, "percent_complete"),
    "percent in words": ({"percent_complete": "fifty"}, "percent_complete"),
    "red without a reason": ({"rag": "red", "rag_reason": ""}, "rag_reason"),
    "unknown status": ({"delivery_status": "finished"}, "delivery_status"),
}


@pytest.mark.parametrize("case", BAD_PROGRESS_INPUT)
def test_bad_progress_update_shows_the_error_summary_and_saves_nothing(
    business, officer, case
):
    overrides, field = BAD_PROGRESS_INPUT[case]
    before = state()

    response = officer.post(
        url("item_progress", business.item.pk),
        progress_data(business.item, **overrides),
    )

    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert field in response.context["form"].errors
    assert state() == before


@pytest.mark.parametrize("year", [2021, 2026, 1999, 2023])
def test_workplan_create_refuses_a_year_outside_the_period_or_taken(
    business, officer, year
):
    """The strategy runs 2022–2025 and already has a workplan for 2023."""
    before = state()

    response = officer.post(
        url("workplan_create"),
        {
            "strategy": business.approved_strategy.pk,
            "financial_year": year,
            "review_months": 6,
        },
    )

    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert "financial_year" in response.context["form"].errors
    assert state() == before


def test_workplan_create_saves_a_free_year_in_the_period(cast, business, officer):
    response = officer.post(
        url("workplan_create"),
        {
            "strategy": business.approved_strategy.pk,
            "financial_year": 2024,
            "review_months": 6,
        },
    )

    assert response.status_code == 302
    workplan = Workplan.objects.get(
        strategy=business.approved_strategy, financial_year=2024
    )
    assert workplan.status == LifecycleStatus.DRAFT
    assert workplan.created_by == cast.officer
    assert workplan.organisation == cast.council_a


# --- fields nobody may set through the form ----------------------------------------


def test_a_crafted_post_cannot_set_status_workplan_organisation_or_version(
    cast, business, officer
):
    other = make_workplan(cast, business.approved_strategy, 2024)
    before = row(business.item)

    response = officer.post(
        url("item_update", business.item.pk),
        item_data(
            business.item,
            status="approved",
            workplan=other.pk,
            organisation=cast.council_b.pk,
            created_by=cast.clerk.pk,
            position=99,
            approving_decision=business.published_decision.pk,
        ),
    )

    assert response.status_code == 302
    after = row(business.item)
    assert after["title"] == "Move the planning forms online"
    assert after["status"] == LifecycleStatus.DRAFT
    assert after["workplan_id"] == business.workplan.pk
    assert after["organisation_id"] == cast.council_a.pk
    assert after["created_by_id"] == before["created_by_id"]
    assert after["position"] == before["position"]
    assert after["approving_decision_id"] is None
    assert after["version"] == before["version"] + 1
    assert not other.items.exists()


def test_a_crafted_version_does_not_overwrite_the_stored_one(business, officer):
    before = state()

    response = officer.post(
        url("item_update", business.item.pk),
        item_data(business.item, version=business.item.version + 1000),
    )

    assert response.status_code == 409
    assert "govuk-error-summary" in response.content.decode()
    assert state() == before


def test_a_lead_officer_or_theme_from_elsewhere_is_refused(cast, business, officer):
    other_post = Membership.objects.get(user=cast.other_council)
    before = state()

    for overrides, field in (
        ({"lead_officer": other_post.pk}, "lead_officer"),
        ({"theme": business.theme.pk}, "theme"),  # the draft strategy's theme
    ):
        response = officer.post(
            url("item_update", business.item.pk),
            item_data(business.item, **overrides),
        )
        assert response.status_code == 200
        assert field in response.context["form"].errors

    assert state() == before


# --- only a draft's items change; progress at any time ------------------------------


def test_items_of_a_submitted_workplan_cannot_change_but_progress_can(
    cast, business, officer
):
    workplan, item = business.workplan, business.item
    response = officer.post(
        url("workplan_transition", workplan.pk, "submit"),
        {"meeting": business.scrutiny_meeting.pk, "comment": ""},
    )
    assert response.status_code == 302
    workplan.refresh_from_db()
    assert workplan.status == LifecycleStatus.SCRUTINY
    item.refresh_from_db()
    before = state()

    assert officer.get(url("item_update", item.pk)).status_code == 409
    assert officer.get(url("item_create", workplan.pk)).status_code == 409
    responses = [
        officer.post(url("item_update", item.pk), item_data(item)),
        officer.post(url("item_create", workplan.pk), item_data()),
        officer.post(url("item_move", item.pk), {"direction": "down"}),
    ]
    assert [r.status_code for r in responses] == [409, 409, 409]
    assert state() == before
    page = officer.get(url("workplan_detail", workplan.pk))
    assert url("item_create", workplan.pk) not in page.content.decode()

    response = officer.post(
        url("item_progress", item.pk), progress_data(item, percent_complete="55")
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.percent_complete == 55
    assert item.rag == "amber"
    assert (
        item.history.latest("history_date").history_change_reason == "Progress updated"
    )


# --- filters --------------------------------------------------------------------


@pytest.fixture
def filtered(cast, business):
    """A 2024–25 workplan of five items, each differing in what is filtered.

    F05's lifecycle state is set directly: only the filter is under test.
    """
    strategy = business.approved_strategy
    first = strategy.themes.get()
    second = second_theme(strategy)
    officer2 = make_person("officer2", cast.council_a, Role.OFFICER)
    lead = Membership.objects.get(user=cast.officer, organisation=cast.council_a)
    lead2 = Membership.objects.get(user=officer2)
    revenues = department(cast.council_a, "Revenues and Benefits")
    planning = department(cast.council_a, "Planning")
    housing = department(cast.council_a, "Housing")
    elsewhere = department(cast.council_b, "Revenues and Benefits")
    workplan = make_workplan(cast, strategy, 2024)
    specs = [
        ("F01", first, "C", "statutory", [revenues], lead, "in-progress", "green",
         date(2024, 6, 30), 50, "Council tax forms online", "", "draft"),
        ("F02", second, "ED", "urgent", [planning], lead2, "not-started", "red",
         date(2024, 9, 30), 10, "Firewall replacement", "Network edge", "draft"),
        ("F03", first, "FW", "service-plan", [revenues, planning], None,
         "complete", "amber", date(2025, 1, 31), 100, "Planning portal", "",
         "draft"),
        ("F04", second, "C", "service-plan", [], lead, "on-hold", "", None, 0,
         "Telephony review", "Mentions the zebra crossing cameras", "draft"),
        ("F05", first, "ED", "statutory", [housing], lead2, "in-progress",
         "green", date(2024, 4, 15), 75, "Housing repairs online", "",
         "scrutiny"),
    ]  # fmt: skip
    items = {}
    for position, spec in enumerate(specs, start=1):
        (ref, theme, category, work_type, departments, lead_of, delivery, rag,
         target, percent, title, description, status) = spec  # fmt: skip
        item = make_item(
            cast,
            workplan,
            ref,
            position=position,
            theme=theme,
            category=category,
            work_type=work_type,
            lead_officer=lead_of,
            delivery_status=delivery,
            rag=rag,
            rag_reason="Late" if rag == "red" else "",
            target_date=target,
            start_date=date(2024, 4, 1),
            percent_complete=percent,
            title=title,
            description=description,
            status=status,
        )
        item.departments.set(departments)
        items[ref] = item
    return {
        "workplan": workplan,
        "themes": (first, second),
        "leads": (lead, lead2),
        "departments": (revenues, planning, housing, elsewhere),
        "items": items,
    }


def test_each_filter_returns_exactly_the_matching_items(filtered, officer):
    workplan = filtered["workplan"]
    first, second = filtered["themes"]
    lead, lead2 = filtered["leads"]
    revenues, planning, housing, elsewhere = filtered["departments"]
    cases = [
        ("", ["F01", "F03", "F05", "F02", "F04"]),
        (f"theme={first.pk}", ["F01", "F03", "F05"]),
        (f"theme={second.pk}", ["F02", "F04"]),
        ("category=C", ["F01", "F04"]),
        ("category=ED", ["F05", "F02"]),
        ("category=FW", ["F03"]),
        ("work_type=statutory", ["F01", "F05"]),
        ("work_type=urgent", ["F02"]),
        ("work_type=service-plan", ["F03", "F04"]),
        (f"department={revenues.pk}", ["F01", "F03"]),
        (f"department={planning.pk}", ["F03", "F02"]),
        (f"department={housing.pk}", ["F05"]),
        (f"lead_officer={lead.pk}", ["F01", "F04"]),
        (f"lead_officer={lead2.pk}", ["F05", "F02"]),
        ("delivery_status=in-progress", ["F01", "F05"]),
        ("delivery_status=on-hold", ["F04"]),
        ("delivery_status=cancelled", []),
        # Target passed and not finished (F03 is complete, F04 has no target).
        ("delivery_status=overdue", ["F01", "F05", "F02"]),
        ("rag=red", ["F02"]),
        ("rag=green", ["F01", "F05"]),
        ("rag=amber", ["F03"]),
        ("status=scrutiny", ["F05"]),
        ("status=draft", ["F01", "F03", "F02", "F04"]),
        ("status=approved", []),
        ("due_after=2024-06-30", ["F01", "F03", "F02"]),
        ("due_before=2024-06-30", ["F01", "F05"]),
        ("due_after=2024-05-01&due_before=2024-12-31", ["F01", "F02"]),
        ("due_after=30/06/2024", ["F01", "F03", "F02"]),
        # As the page's form sends them: a box each for day, month and year.
        (
            "due_after-day=30&due_after-month=6&due_after-year=2024",
            ["F01", "F03", "F02"],
        ),
        (
            "due_before-day=30&due_before-month=06&due_before-year=2024"
            "&ordering=-reference",
            ["F05", "F01"],
        ),
        ("q=zebra", ["F04"]),
        ("q=f02", ["F02"]),
        ("q=PORTAL", ["F03"]),
        ("q=online", ["F01", "F05"]),
        ("q=%20%20", ["F01", "F03", "F05", "F02", "F04"]),
        ("ordering=reference", ["F01", "F02", "F03", "F04", "F05"]),
        ("ordering=-reference", ["F05", "F04", "F03", "F02", "F01"]),
        ("ordering=-percent", ["F03", "F05", "F01", "F02", "F04"]),
        ("ordering=percent", ["F04", "F02", "F01", "F05", "F03"]),
        ("ordering=due", ["F05", "F01", "F02", "F03", "F04"]),
        ("ordering=title", ["F01", "F02", "F05", "F03", "F04"]),
        ("ordering=-title", ["F04", "F03", "F05", "F02", "F01"]),
        (f"category=ED&lead_officer={lead2.pk}&rag=green", ["F05"]),
        (f"theme={first.pk}&ordering=-percent", ["F03", "F05", "F01"]),
    ]
    for query, expected in cases:
        response = officer.get(f"{url('workplan_detail', workplan.pk)}?{query}")
        assert response.status_code == 200, query
        assert references(response.context["items"]) == expected, query
        assert response.context["paginator"].count == len(expected), query


JUNK = [
    "page=-1",
    "page=0",
    "page=999999",
    "page=abc",
    "page=1.5",
    "theme=abc",
    "theme=99999999999999999999",
    "theme=-1",
    "rag=purple",
    "category=ZZ",
    "work_type=%00",
    "status=deleted",
    "delivery_status=done",
    "due_after=31/02/2022",
    "due_before=2022-13-01",
    "due_after=99999-01-01",
    "ordering=password",
    "ordering=-organisation__name",
    "department=999999",
    "department=abc",
    "lead_officer=999999",
    "lead_officer=%27%3B--",
    "q=%00",
    "q=" + "x" * 5000,
    "theme=1&theme=2&rag=red&rag=",
]


@pytest.mark.parametrize("query", JUNK)
def test_junk_query_strings_never_break_the_page_or_the_exports(
    filtered, officer, query
):
    workplan = filtered["workplan"]
    for name in ("workplan_detail", "workplan_export_csv", "workplan_export_xlsx"):
        response = officer.get(f"{url(name, workplan.pk)}?{query}")
        assert response.status_code in (200, 404), (name, query)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)


def test_another_councils_department_is_not_a_filter_choice(filtered, officer):
    elsewhere = filtered["departments"][3]
    response = officer.get(
        f"{url('workplan_detail', filtered['workplan'].pk)}?department={elsewhere.pk}"
    )
    assert response.status_code == 200
    assert references(response.context["items"]) == []


# --- exports ----------------------------------------------------------------------


@pytest.fixture
def sixty(cast, business):
    """A 2024–25 workplan of 60 items over two themes: 55 C, 5 ED."""
    strategy = business.approved_strategy
    themes = [strategy.themes.get(), second_theme(strategy)]
    finance = department(cast.council_a, "Finance")
    workplan = make_workplan(cast, strategy, 2024)
    for n in range(60):
        item = make_item(
            cast,
            workplan,
            f"X{n:03d}",
            position=n + 1,
            theme=themes[n % 2],
            category="ED" if n % 12 == 5 else "C",
            percent_complete=n % 101,
            title=f"Item number {n}",
        )
        if n % 3 == 0:
            item.departments.set([finance])
    return workplan


@pytest.mark.parametrize(
    "query",
    ["", "category=C", "category=C&ordering=-reference", "category=ED", "q=number+1"],
)
def test_exports_hold_exactly_the_filtered_rows_in_page_order(sixty, officer, query):
    on_pages = page_references(officer, sixty, query)
    assert on_pages, query

    response = officer.get(f"{url('workplan_export_csv', sixty.pk)}?{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    assert rows[0][:2] == ["Reference", "Title"]
    assert [r[0] for r in rows[1:]] == on_pages

    response = officer.get(f"{url('workplan_export_xlsx', sixty.pk)}?{query}")
    assert response.status_code == 200
    rows = xlsx_rows(response)
    assert rows[0][:2] == ["Reference", "Title"]
    assert [r[0] for r in rows[1:]] == on_pages


@pytest.fixture
def tied(cast, business):
    """70 items whose target dates and percentages many share, one in five
    with no target date and one in seven with no theme."""
    strategy = business.approved_strategy
    theme = strategy.themes.get()
    workplan = make_workplan(cast, strategy, 2024)
    for n in range(70):
        make_item(
            cast,
            workplan,
            f"T{n:03d}",
            position=n + 1,
            theme=None if n % 7 == 0 else theme,
            target_date=None if n % 5 == 0 else date(2024, 9 + n % 3, 1),
            percent_complete=(n % 4) * 25,
            title=f"Item {n % 6}",
        )
    return workplan


@pytest.mark.parametrize(
    "ordering",
    [
        "",
        "reference",
        "-reference",
        "due",
        "-due",
        "percent",
        "-percent",
        "title",
        "-title",
    ],
)
def test_every_order_pages_each_row_once_as_the_export_lists_them(
    tied, officer, ordering
):
    # The second page (rows 51-70) is read from the end, in the reversed
    # order (`kept_rows.page_keys`): it must be exactly the list's tail.
    query = f"ordering={ordering}" if ordering else ""
    on_pages = page_references(officer, tied, query)
    assert sorted(on_pages) == [f"T{n:03d}" for n in range(70)]

    response = officer.get(f"{url('workplan_export_csv', tied.pk)}?{query}")
    assert [r[0] for r in csv_rows(response)[1:]] == on_pages
    assert page_references(officer, tied, query) == on_pages  # kept, the same


def test_the_page_reads_only_the_columns_its_rows_print(sixty, officer):
    """The rows' query reads what `item_rows` prints, not the items' and
    themes' search vectors, the descriptions or the lead officer's password
    hash (50 rows a page); the exports still read every column they print."""
    path = url("workplan_detail", sixty.pk)
    officer.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = officer.get(path)
    assert response.status_code == 200
    rows_query = next(
        query["sql"]
        for query in captured
        if '"workplan_workplanitem"."title"' in query["sql"]
        and '"strategy_theme"' in query["sql"]
    )
    for unprinted in ("search_vector", '"description"', '"password"', '"sponsor"'):
        assert unprinted not in rows_query, unprinted
    assert "Item number 1<" in response.content.decode()

    rows = csv_rows(officer.get(url("workplan_export_csv", sixty.pk)))
    assert len(rows) == 61


@pytest.mark.parametrize(
    ("name", "extension"),
    [("workplan_export_csv", "csv"), ("workplan_export_xlsx", "xlsx")],
)
def test_exports_download_as_attachments_named_after_the_year(
    business, officer, name, extension
):
    """The workplan's year label has an en dash ("2023–24"): the header must
    still be a plain `attachment; filename=...` (RFC 6266, with `filename*`
    for the non-ASCII name), which browsers read, not a MIME encoded-word."""
    response = officer.get(url(name, business.workplan.pk))

    assert response.status_code == 200
    header = response["Content-Disposition"]
    assert header.isascii()
    assert header.startswith("attachment;"), header
    assert 'filename="workplan-2023' in header or "filename*=" in header, header
    assert f".{extension}" in header, header


def test_exports_cover_every_page_of_a_long_list(sixty, officer):
    first_page = officer.get(f"{url('workplan_detail', sixty.pk)}?category=C")
    assert len(first_page.context["items"]) == 50
    assert first_page.context["paginator"].count == 55

    rows = csv_rows(officer.get(f"{url('workplan_export_csv', sixty.pk)}?category=C"))
    assert len(rows) == 1 + 55
    rows = xlsx_rows(officer.get(f"{url('workplan_export_xlsx', sixty.pk)}?page=2"))
    assert len(rows) == 1 + 60


def test_exported_values_match_the_item(cast, business, officer):
    finance = department(cast.council_a, "Finance")
    item = business.item
    item.sponsor = "Digital Programme Board"
    item.budget = "1234.50"
    item.rag, item.rag_reason = "red", "Supplier late"
    item.start_date, item.target_date = date(2023, 4, 3), date(2023, 9, 29)
    item.lead_officer = Membership.objects.get(user=cast.officer)
    save_with_reason(item, user=cast.officer, reason="Test set-up")
    item.departments.set([finance])

    (header, values) = csv_rows(
        officer.get(url("workplan_export_csv", business.workplan.pk))
    )
    exported = dict(zip(header, values, strict=True))
    assert exported["Reference"] == "WP01"
    assert exported["Departments"] == "Finance"
    assert exported["Lead officer"] == cast.officer.get_full_name()
    assert exported["Start date"] == "2023-04-03"
    assert exported["Budget"] == "1234.50"
    assert exported["RAG"] == "Red"
    assert exported["RAG reason"] == "Supplier late"
    assert exported["Lifecycle state"] == "Draft"


@pytest.mark.parametrize(
    "title",
    [
        '=HYPERLINK("http://x")',
        "+SUM(1,2)",
        "-2+3",
        "@SUM(A1)",
        "\t=1+1",
    ],
)
def test_formulas_in_item_text_are_exported_inert(cast, business, officer, title):
    item = business.item
    item.title = title
    item.rag, item.rag_reason = "red", "=cmd|' /C calc'!A0"
    save_with_reason(item, user=cast.officer, reason="Test set-up")

    header, values = csv_rows(
        officer.get(url("workplan_export_csv", business.workplan.pk))
    )
    exported = dict(zip(header, values, strict=True))
    assert exported["Title"] == "'" + title
    assert exported["RAG reason"] == "'=cmd|' /C calc'!A0"

    response = officer.get(url("workplan_export_xlsx", business.workplan.pk))
    sheet = load_workbook(io.BytesIO(response.content))["Items"]
    reason = [cell.value for cell in sheet[1]].index("RAG reason") + 1
    title_cell, reason_cell = sheet["B2"], sheet.cell(row=2, column=reason)
    assert sheet["B1"].value == "Title"
    # The workbook keeps the text as it is, in a string cell marked to stay
    # text when edited (the "quote prefix" style).
    assert title_cell.value == title
    assert title_cell.data_type == "s" and title_cell.quotePrefix
    assert reason_cell.value == "=cmd|' /C calc'!A0"
    assert reason_cell.data_type == "s" and reason_cell.quotePrefix


def test_another_councils_officer_cannot_export(cast, business, client_for):
    client = client_for(cast.other_council)
    for name in ("workplan_export_csv", "workplan_export_xlsx", "workplan_detail"):
        assert client.get(url(name, business.workplan.pk)).status_code == 404, name
    approve(cast, business, business.workplan)
    for name in ("workplan_export_csv", "workplan_export_xlsx", "workplan_detail"):
        assert client.get(url(name, business.workplan.pk)).status_code == 404, name


def test_a_member_exports_an_approved_workplan_but_not_a_draft(
    cast, business, client_for
):
    client = client_for(cast.member)
    for name in ("workplan_export_csv", "workplan_export_xlsx", "workplan_detail"):
        assert client.get(url(name, business.workplan.pk)).status_code == 404, name

    approve(cast, business, business.workplan)

    for name in ("workplan_export_csv", "workplan_export_xlsx", "workplan_detail"):
        assert client.get(url(name, business.workplan.pk)).status_code == 200, name
    rows = csv_rows(client.get(url("workplan_export_csv", business.workplan.pk)))
    assert [r[0] for r in rows[1:]] == ["WP01"]


def test_anonymous_people_are_sent_to_sign_in_for_the_exports(business, client_for):
    client = client_for(None)
    for name in ("workplan_export_csv", "workplan_export_xlsx"):
        response = client.get(url(name, business.workplan.pk))
        assert response.status_code == 302, name
        assert "next=" in response["Location"], name


# --- hostile text is shown, never run ------------------------------------------------


def test_hostile_text_is_escaped_on_the_workplan_and_item_pages(
    business, officer, client_for
):
    hostile = f"{HOSTILE} {TEMPLATE}"
    response = officer.post(
        url("item_create", business.workplan.pk),
        item_data(
            reference="WP66",
            title=hostile,
            description=hostile,
            rag="red",
            rag_reason=hostile,
            sponsor=hostile,
        ),
    )
    assert response.status_code == 302
    item = WorkplanItem.objects.get(workplan=business.workplan, reference="WP66")
    assert item.title == hostile

    for path, shown in (
        (url("workplan_detail", business.workplan.pk), 1),
        (url("item_detail", item.pk), 4),
        (url("item_update", item.pk), 1),
        # With the review open, "Update progress" is the review's update.
        (url("progress_update", business.review.pk, item.pk), 1),
    ):
        page = officer.get(path).content.decode()
        assert HOSTILE not in page, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path
        assert page.count(TEMPLATE) >= shown, path
        assert "alert(1)</script>" not in page, path


def test_hostile_names_in_a_row_are_escaped(cast, business, officer):
    """Every value a row prints (workplan/item_rows.py): the department,
    the lead officer's name and the target in words."""
    lead = Membership.objects.get(user=cast.officer, organisation=cast.council_a)
    cast.officer.first_name = HOSTILE
    cast.officer.save()
    item = make_item(
        cast,
        business.workplan,
        "WP67",
        lead_officer=lead,
        target_as_written=HOSTILE[:20],
        target_date=date(2020, 1, 1),
    )
    item.departments.set([department(cast.council_a, HOSTILE)])
    page = officer.get(url("workplan_detail", business.workplan.pk)).content.decode()
    assert "<script>" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 2
    assert "&lt;script&gt;alert(1)&lt;" in page  # the target, cut to 20


# --- query counts stay flat --------------------------------------------------------


def add_items(cast, workplan, start, count, themes, departments, lead):
    for n in range(start, start + count):
        item = make_item(
            cast,
            workplan,
            f"N{n:03d}",
            position=n + 1,
            theme=themes[n % len(themes)],
            lead_officer=lead,
            category=["C", "ED", "FW"][n % 3],
            rag=["green", "amber", ""][n % 3],
            target_date=date(2024, 4, 1 + n % 28),
        )
        item.departments.set(departments[: 1 + n % len(departments)])


def test_the_workplan_page_and_exports_cost_the_same_for_10_or_60_items(
    cast, business, officer
):
    strategy = business.approved_strategy
    themes = [strategy.themes.get(), second_theme(strategy)]
    departments = [department(cast.council_a, name) for name in ("A", "B", "C")]
    lead = Membership.objects.get(user=cast.officer, organisation=cast.council_a)
    workplan = make_workplan(cast, strategy, 2024)
    paths = {
        "page 1": url("workplan_detail", workplan.pk),
        "filtered": f"{url('workplan_detail', workplan.pk)}?category=C&rag=green",
        "overdue": f"{url('workplan_detail', workplan.pk)}?delivery_status=overdue",
        "csv": url("workplan_export_csv", workplan.pk),
        "xlsx": url("workplan_export_xlsx", workplan.pk),
        "filtered csv": f"{url('workplan_export_csv', workplan.pk)}?ordering=due",
    }

    add_items(cast, workplan, 0, 10, themes, departments, lead)
    ten = {name: count_queries(officer, path) for name, path in paths.items()}
    ten_cold = count_cold(officer, paths["page 1"])
    add_items(cast, workplan, 10, 50, themes, departments, lead)
    sixty = {name: count_queries(officer, path) for name, path in paths.items()}
    sixty_cold = count_cold(officer, paths["page 1"])
    last_page = count_queries(officer, f"{paths['page 1']}?page=2")

    assert sixty == ten
    assert sixty_cold == ten_cold
    assert last_page == ten["page 1"]
    # The page, for an officer on a draft plan: the session with the person,
    # their roles, councils and second-factor devices (1, every signed-in
    # page once the process knows the session: governance/principal.py);
    # the workplan with its layout setting and the follow button's state;
    # the council's data mark (a prepared statement: governance/prepared.py);
    # the route (for the lifecycle's offer); the page's rows (departments as
    # names in the same query); the digests of the workplan's own rows its
    # summary prints (a prepared statement, `summary.printed_mark`). The
    # summary (workplan/summary.py) and the filter form
    # (governance/filter_panel.py) are kept per data mark and those digests.
    assert ten["page 1"] == 6
    # With the summary and the filter panel's HTML dropped: also the
    # dashboard's tally, reviews, papers presenting it, variations and
    # overdue items. The filter's themes, departments and officers were read
    # when the state of the filters was first built, and are kept with it
    # (workplan/kept_rows.py, under the part of the data mark they are read
    # from).
    assert ten_cold == 6 + 5


def count_cold(client, path):
    """`count_queries` with nothing kept (the summary, the filter form)."""
    client.get(path)
    cache.clear()
    filter_panel.forget()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_an_item_page_costs_the_same_with_1_or_5_departments_and_milestones(
    cast, business, officer
):
    item = business.item
    names = ["A", "B", "C", "D", "E"]
    departments = [department(cast.council_a, name) for name in names]
    path = url("item_detail", item.pk)

    item.departments.set(departments[:1])
    save_with_reason(
        Milestone(item=item, title="M0", due=date(2023, 6, 1)),
        user=cast.officer,
        reason="Test set-up",
    )
    one = count_queries(officer, path)
    item.departments.set(departments)
    for n in range(1, 5):
        save_with_reason(
            Milestone(item=item, title=f"M{n}"), user=cast.officer, reason="Test"
        )
    five = count_queries(officer, path)

    assert five == one
    page = officer.get(path).content.decode()
    assert all(f"M{n}" in page for n in range(5))


def test_the_workplan_list_costs_the_same_for_1_or_4_workplans(cast, business, officer):
    path = url("workplan_list")
    one = count_queries(officer, path)
    approve(cast, business, business.workplan)
    for year in (2022, 2024, 2025):
        make_workplan(cast, business.approved_strategy, year)
    four = count_queries(officer, path)

    assert four == one
    response = officer.get(path)
    assert len(response.context["workplan_list"]) == 4


# --- members read approved workplans only -----------------------------------------


def test_a_member_sees_items_of_an_approved_workplan_only(cast, business, client_for):
    member = client_for(cast.member)
    item = business.item
    assert member.get(url("item_detail", item.pk)).status_code == 404
    assert member.get(url("workplan_detail", business.workplan.pk)).status_code == 404
    listed = member.get(url("workplan_list")).context["workplan_list"]
    assert business.workplan not in listed

    approve(cast, business, business.workplan)

    assert member.get(url("item_detail", item.pk)).status_code == 200
    page = member.get(url("workplan_detail", business.workplan.pk))
    assert page.status_code == 200
    assert references(page.context["items"]) == ["WP01"]
    assert (
        business.workplan in member.get(url("workplan_list")).context["workplan_list"]
    )
    # Reading is all a member does.
    assert member.get(url("item_progress", item.pk)).status_code == 403
    response = member.post(url("item_progress", item.pk), progress_data(item))
    assert response.status_code == 403
    assert row(item)["percent_complete"] == 0


def test_another_council_never_sees_the_items(cast, business, client_for):
    client = client_for(cast.other_council)
    item = business.item
    for path in (
        url("item_detail", item.pk),
        url("item_update", item.pk),
        url("item_progress", item.pk),
        url("item_create", business.workplan.pk),
    ):
        assert client.get(path).status_code == 404, path
    response = client.post(url("item_move", item.pk), {"direction": "up"})
    assert response.status_code == 404


# --- reordering -----------------------------------------------------------------


@pytest.fixture
def three(cast, business):
    """WP01 to WP03 of the draft workplan, in the first theme, in that order."""
    item = business.item
    item.position = 1
    save_with_reason(item, user=cast.officer, reason="Test set-up")
    second = make_item(cast, business.workplan, "WP02", position=2)
    third = make_item(cast, business.workplan, "WP03", position=3)
    return [item, second, third]


def order(workplan):
    return list(workplan.items.order_by("position", "pk").values_list("reference"))


def test_moving_an_item_up_swaps_it_with_the_one_above_with_history(
    business, officer, three
):
    first, second, _third = three
    history = {item.pk: item.history.count() for item in three}

    response = officer.post(url("item_move", second.pk), {"direction": "up"})

    assert response.status_code == 302
    assert row(second)["position"] == 1
    assert row(first)["position"] == 2
    assert [r[0] for r in order(business.workplan)] == ["WP02", "WP01", "WP03"]
    for item, reason in ((first, "Moved up"), (second, "Moved up")):
        assert item.history.count() == history[item.pk] + 1
        latest = item.history.latest("history_date")
        assert latest.history_change_reason == reason
        assert latest.history_user is not None
    assert three[2].history.count() == history[three[2].pk]
    page = officer.get(url("workplan_detail", business.workplan.pk))
    assert references(page.context["items"]) == ["WP02", "WP01", "WP03"]


def test_moving_the_first_item_up_changes_nothing_and_says_so(business, officer, three):
    before = state()

    response = officer.post(url("item_move", three[0].pk), {"direction": "up"})

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "It is already first."
    ]
    assert state() == before


def test_moving_the_last_item_down_or_nowhere_changes_nothing(business, officer, three):
    before = state()

    for pk, direction in ((three[2].pk, "down"), (three[1].pk, "sideways")):
        response = officer.post(url("item_move", pk), {"direction": direction})
        assert response.status_code == 302

    assert state() == before


def test_moving_keeps_the_filters_in_the_next_address(business, officer, three):
    back = f"{url('workplan_detail', business.workplan.pk)}?rag=green"

    response = officer.post(
        url("item_move", three[2].pk), {"direction": "up", "next": back}
    )
    assert response["Location"] == back

    response = officer.post(
        url("item_move", three[2].pk),
        {"direction": "up", "next": "https://evil.example/"},
    )
    assert response["Location"] == url("workplan_detail", business.workplan.pk)


@pytest.mark.parametrize("direction", ["up", "down"])
def test_moving_an_item_among_items_of_equal_position(
    cast, business, officer, direction
):
    """Items added without a position (e.g. by an import or the admin) all have
    position 0: moving one must still change the order, and never fail."""
    second = make_item(cast, business.workplan, "WP02")
    assert row(business.item)["position"] == row(second)["position"] == 0
    mover = second if direction == "up" else business.item

    response = officer.post(url("item_move", mover.pk), {"direction": direction})

    assert response.status_code == 302
    assert [r[0] for r in order(business.workplan)] == ["WP02", "WP01"]


def test_a_clerk_cannot_reorder_or_edit_items(cast, business, client_for, three):
    client = client_for(cast.clerk)
    before = state()

    response = client.post(url("item_move", three[1].pk), {"direction": "up"})
    assert response.status_code == 403
    response = client.post(url("item_update", three[1].pk), item_data(three[1]))
    assert response.status_code == 403
    assert state() == before


def test_a_second_officer_is_an_officer_too(cast, business, client_for):
    """Edit rights follow the role, not authorship."""
    colleague = make_person("colleague")
    give_role(colleague, cast.council_a, Role.OFFICER)
    client = client_for(colleague)

    response = client.post(
        url("item_update", business.item.pk), item_data(business.item)
    )

    assert response.status_code == 302


def test_the_items_confidence_column_is_headed_and_explained(
    cast, business, client_for
):
    page = client_for(cast.officer).get(url("workplan_detail", business.workplan.pk))

    text = page.content.decode()
    assert '<th scope="col" class="govuk-table__header">Confidence</th>' in text
    assert ">Type<" not in text
    key = text.split('id="confidence-key">')[1].split("</p>")[0]
    for label in ("C – confident of scope", "ED – early discovery", "Future works"):
        assert label in key


# --- a state of the filters seen before (`workplan/kept_rows.py`): the same rows
# and count as built afresh, with no filter set built the second time; the rows
# read afresh each time; new choices seen at once; states with dates, and
# invalid ones, built every time; each class of reader a state of their own.


@pytest.fixture
def filter_sets(monkeypatch):
    """How many item filter sets were built."""
    return count_calls(monkeypatch, ItemFilterSet, "__init__")


def page(client, workplan, query):
    response = client.get(
        f"{reverse('workplan:workplan_detail', args=[workplan.pk])}?{query}"
    )
    assert response.status_code == 200, query
    return response


KEPT = [
    "",
    "rag=green",
    "category=ED",
    "work_type=service-plan",
    "delivery_status=in-progress",
    "q=online",
    "ordering=-percent",
    "status=draft&ordering=title",
    "theme={first}",
    "theme={first}&ordering=-percent",
    "department={revenues}",
    "lead_officer={lead2}",
    "rag=green&page=1",
]


@pytest.mark.parametrize("query", KEPT)
def test_a_state_seen_before_gives_the_same_rows_with_no_filter_set_built(
    filtered, officer, filter_sets, query
):
    first, _second = filtered["themes"]
    query = query.format(
        first=first.pk,
        revenues=filtered["departments"][0].pk,
        lead2=filtered["leads"][1].pk,
    )
    workplan = filtered["workplan"]
    built = page(officer, workplan, query)
    assert filter_sets[0] == 1  # built once, its queries compiled from it
    filter_sets[0] = 0

    kept = page(officer, workplan, query)

    assert filter_sets[0] == 0
    assert references(kept.context["items"]) == references(built.context["items"])
    assert kept.context["paginator"].count == built.context["paginator"].count
    assert kept.content.count(b"<option") == built.content.count(b"<option")


@pytest.mark.parametrize("query", ["", "category=C", "category=C&ordering=-reference"])
def test_every_page_of_a_long_list_is_the_same_kept(sixty, officer, query):
    built = page_references(officer, sixty, query)
    assert len(built) > 50

    assert page_references(officer, sixty, query) == built


def test_the_rows_and_their_count_are_read_afresh(filtered, officer):
    workplan, items = filtered["workplan"], filtered["items"]
    assert references(page(officer, workplan, "rag=red").context["items"]) == ["F02"]

    item = items["F02"]
    item.rag, item.rag_reason = "amber", ""
    save_with_reason(item, user=None, reason="Better now")

    kept = page(officer, workplan, "rag=red")
    assert references(kept.context["items"]) == []
    assert kept.context["paginator"].count == 0
    amber = page(officer, workplan, "rag=amber")
    assert references(amber.context["items"]) == ["F03", "F02"]


def test_a_theme_renamed_or_added_shows_in_the_filter_at_once(filtered, officer):
    workplan = filtered["workplan"]
    first, _second = filtered["themes"]
    query = f"theme={first.pk}"
    page(officer, workplan, query)
    page(officer, workplan, query)  # kept

    first.title = "Customers first, online"
    save_with_reason(first, user=None, reason="Renamed")

    response = page(officer, workplan, query)
    assert b"Customers first, online</option>" in response.content
    assert references(response.context["items"]) == ["F01", "F03", "F05"]


@pytest.mark.parametrize(
    "query",
    ["delivery_status=overdue", "due_after=2024-06-30", "due_before=30/06/2024"],
)
def test_a_state_with_a_date_is_built_every_time(filtered, officer, filter_sets, query):
    workplan = filtered["workplan"]
    first = references(page(officer, workplan, query).context["items"])
    filter_sets[0] = 0

    again = page(officer, workplan, query)

    assert filter_sets[0] == 1
    assert references(again.context["items"]) == first


@pytest.mark.parametrize("query", ["theme=abc", "rag=purple", "ordering=password"])
def test_an_invalid_state_is_built_every_time_and_says_why(
    filtered, officer, filter_sets, query
):
    workplan = filtered["workplan"]
    for _ in range(2):
        filter_sets[0] = 0
        response = page(officer, workplan, query)
        assert filter_sets[0] == 1
        assert b"govuk-error-summary" in response.content
        assert references(response.context["items"]) == []


def test_each_class_of_reader_and_workplan_has_states_of_its_own(cast, business):
    def state_of(user, workplan, query, working_in=cast.council_a):
        view = SimpleNamespace(
            request=SimpleNamespace(
                user=user, GET=QueryDict(query), organisation=working_in
            ),
            workplan=SimpleNamespace(pk=workplan, future_works_last=False),
            data_mark=SimpleNamespace(of=lambda *parts: "mark"),
        )
        return kept_rows.state(view)

    officer_state = state_of(cast.officer, 1, "rag=red")
    assert officer_state == state_of(cast.officer, 1, "rag=red&page=2")
    assert officer_state != state_of(cast.member, 1, "rag=red")
    assert officer_state != state_of(cast.other_council, 1, "rag=red")
    assert officer_state != state_of(cast.officer, 2, "rag=red")
    assert officer_state != state_of(cast.officer, 1, "rag=amber")
    # Working in another council (whose departments the form offers).
    assert officer_state != state_of(cast.officer, 1, "rag=red", cast.council_b)
    # Bound with nothing but a page is not the unbound page.
    assert state_of(cast.officer, 1, "") != state_of(cast.officer, 1, "page=2")
    assert state_of(cast.officer, 1, "due_after=2024-01-01") is None
    assert state_of(cast.officer, 1, "due_after-day=1&due_after-month=1") is None
    assert state_of(cast.officer, 1, "delivery_status=overdue") is None
    assert state_of(cast.officer, 1, "due_before=2024-01-01&due_before=") is None


def test_the_workplan_is_read_by_a_prepared_statement_its_items_are_not(
    cast, business, client_for
):
    """The workplan itself (one record by its key) is read by a prepared
    statement; its items' rows, whose best plan depends on the workplan's
    size, are not (`kept_query(..., prepared=...)`)."""
    url = reverse("workplan:workplan_detail", args=[business.workplan.pk])
    assert client_for(cast.officer).get(url).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
            ['SELECT "workplan_%'],
        )
        statements = [row[0] for row in cursor.fetchall()]
    assert any(s.startswith('SELECT "workplan_workplan"."id"') for s in statements)
    assert not any(s.startswith('SELECT "workplan_workplanitem"') for s in statements)
