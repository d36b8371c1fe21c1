"""Importing workplan items from a CSV file or an Excel workbook.

Files are built in memory as a person's spreadsheet would write them; each
failing case checks that nothing at all was written (items, their history,
their departments).
"""

import csv
import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from governance.history import save_with_reason
from strategy.models import Theme
from workplan.choices import Confidence, DeliveryStatus, Rag, WorkType
from workplan.importers import (
    COLUMNS,
    ImportRefused,
    RowError,
    read_rows,
    save,
    template_csv,
    template_xlsx,
    validate,
)
from workplan.models import Department, Workplan, WorkplanItem

from ..base import make_strategy

HEADER = [column.label for column in COLUMNS]
KEYS = [column.key for column in COLUMNS]

GOOD = {
    "reference": "WP-01",
    "title": "Replace the telephony system",
    "description": "Move the contact centre to cloud telephony.",
    "theme": "Digital by default",
    "category": "C",
    "work_type": "statutory",
    "departments": "ICT; Planning",
    "lead_officer": "officer",
    "sponsor": "Executive Board",
    "start_date": "2022-04-01",
    "target_date": "31/03/2023",
    "budget": "£25,000",
    "delivery_status": "In progress",
    "rag": "Amber",
    "rag_reason": "The supplier is late.",
    "percent_complete": "40",
}


def good_rows(count=3, **changes_by_index):
    """`count` good rows (references WP-01…); `changes_by_index` maps a
    0-based index ("row_1") to the changes for that row."""
    rows = []
    for index in range(count):
        row = dict(GOOD, reference=f"WP-{index + 1:02d}", title=f"Item {index + 1}")
        row.update(changes_by_index.get(f"row_{index}", {}))
        rows.append(row)
    return rows


def csv_upload(rows, header=HEADER, keys=KEYS, name="items.csv", encoding="utf-8"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(key, "") for key in keys])
    return SimpleUploadedFile(name, out.getvalue().encode(encoding))


def xlsx_upload(rows, edit=None, name="items.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append([row.get(key, "") for key in KEYS])
    if edit is not None:
        edit(sheet)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


@pytest.fixture
def strategy(cast):
    strategy = make_strategy(cast, "Digital Strategy 2026–2030")
    save_with_reason(
        Theme(strategy=strategy, position=2, title="Secure and resilient"),
        user=cast.officer,
        reason="Test set-up",
    )
    return strategy


@pytest.fixture
def workplan(cast, strategy):
    workplan = Workplan(
        organisation=cast.council_a,
        strategy=strategy,
        financial_year=2022,
        created_by=cast.officer,
    )
    return save_with_reason(workplan, user=cast.officer, reason="Test set-up")


@pytest.fixture
def departments(cast):
    made = {}
    for name in ["ICT", "Planning", "Revenues and Benefits"]:
        made[name] = save_with_reason(
            Department(organisation=cast.council_a, name=name),
            user=cast.officer,
            reason="Test set-up",
        )
    # Another council's department of the same name must never match.
    save_with_reason(
        Department(organisation=cast.council_b, name="Libraries"),
        user=None,
        reason="Test set-up",
    )
    return made


def counts():
    through = WorkplanItem.departments.through
    return (
        WorkplanItem.objects.count(),
        WorkplanItem.history.count(),
        through.objects.count(),
        WorkplanItem.history.model.departments.model.objects.count(),
    )


def check(workplan, upload):
    return validate(workplan, read_rows(upload))


def assert_nothing_saved(workplan, result, user, before):
    with pytest.raises(ImportRefused, match="Nothing was imported"):
        save(workplan, result, user, filename="items.csv")
    assert counts() == before


# --- good files import fully -------------------------------------------------------


def test_a_good_csv_of_three_rows_imports_every_item_with_history_and_departments(
    cast, workplan, departments
):
    result = check(workplan, csv_upload(good_rows(3)))

    assert result.errors == []
    assert [row.row_number for row in result.items] == [2, 3, 4]
    assert save(workplan, result, cast.officer, filename="items.csv") == 3

    items = list(workplan.items.order_by("position"))
    assert [item.reference for item in items] == ["WP-01", "WP-02", "WP-03"]
    assert [item.position for item in items] == [0, 1, 2]
    first = items[0]
    assert first.title == "Item 1"
    assert first.theme.title == "Digital by default"
    assert first.category == Confidence.CONFIDENT
    assert first.work_type == WorkType.STATUTORY
    assert first.lead_officer.user == cast.officer
    assert first.start_date == datetime.date(2022, 4, 1)
    assert first.target_date == datetime.date(2023, 3, 31)
    assert first.budget == Decimal("25000.00")
    assert first.delivery_status == DeliveryStatus.IN_PROGRESS
    assert first.rag == Rag.AMBER
    assert first.percent_complete == 40
    assert first.organisation == cast.council_a
    assert first.created_by == cast.officer
    assert first.status == "draft"
    assert first.version == 1
    assert {d.name for d in first.departments.all()} == {"ICT", "Planning"}

    history = first.history.get()
    assert history.history_type == "+"
    assert history.history_user == cast.officer
    assert history.history_change_reason == "Imported from items.csv"
    assert {d.department.name for d in history.departments.all()} == {
        "ICT",
        "Planning",
    }
    assert WorkplanItem.history.filter(workplan_id=workplan.pk).count() == 3


def test_a_good_workbook_of_three_rows_imports_with_excel_dates_and_numbers(
    cast, workplan, departments
):
    rows = good_rows(3)
    rows[0].update(
        start_date=datetime.date(2022, 5, 1),
        target_date=datetime.datetime(2022, 9, 30),
        budget=1234.5,
        percent_complete=75,
        theme=2,
        category="future works",
        work_type="Driven by a department’s service plan",
        lead_officer="Officer Tester",
        departments="revenues and benefits",
        rag="",
        rag_reason="",
        delivery_status="",
    )

    percent = "PQRSTUVWXYZ"[[c.key for c in COLUMNS].index("percent_complete") - 15]

    def percent_cell(sheet):
        sheet[f"{percent}3"] = 0.5
        sheet[f"{percent}3"].number_format = "0%"

    result = check(workplan, xlsx_upload(rows, edit=percent_cell))

    assert result.errors == []
    assert save(workplan, result, cast.officer, filename="plan.xlsx") == 3
    first, second, _third = workplan.items.order_by("position")
    assert first.start_date == datetime.date(2022, 5, 1)
    assert first.target_date == datetime.date(2022, 9, 30)
    assert first.budget == Decimal("1234.50")
    assert first.percent_complete == 75
    assert first.theme.title == "Secure and resilient"
    assert first.category == Confidence.FUTURE_WORKS
    assert first.work_type == WorkType.SERVICE_PLAN
    assert first.lead_officer.user == cast.officer
    assert first.rag == ""
    # Blank is not stated, never "Not started".
    assert first.delivery_status == DeliveryStatus.NOT_STATED
    assert [d.name for d in first.departments.all()] == ["Revenues and Benefits"]
    assert second.percent_complete == 50
    assert first.history.get().history_change_reason == "Imported from plan.xlsx"


def test_imported_items_go_after_the_workplan_s_existing_items(
    cast, workplan, departments
):
    existing = WorkplanItem(
        organisation=cast.council_a,
        workplan=workplan,
        position=7,
        reference="OLD-1",
        title="Already planned",
        category="C",
        work_type="urgent",
    )
    save_with_reason(existing, user=cast.officer, reason="Test set-up")

    result = check(workplan, csv_upload(good_rows(2)))
    save(workplan, result, cast.officer, filename="more.csv")

    assert list(
        workplan.items.order_by("position").values_list("reference", "position")
    ) == [("OLD-1", 7), ("WP-01", 8), ("WP-02", 9)]


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("C", "C"),
        ("ed", "ED"),
        ("FW", "FW"),
        ("Future works", "FW"),
        ("FUTURE WORKS", "FW"),
        ("ED – early discovery", "ED"),
    ],
)
def test_the_category_is_read_from_its_code_or_its_words(
    workplan, departments, category, expected
):
    result = check(workplan, csv_upload(good_rows(1, row_0={"category": category})))
    assert result.errors == []
    assert result.items[0].item.category == expected


@pytest.mark.parametrize(
    ("work_type", "expected"),
    [
        ("statutory", "statutory"),
        ("URGENT", "urgent"),
        ("service-plan", "service-plan"),
        ("Statutory or immediate obligation", "statutory"),
        ("urgent or remedial", "urgent"),
        ("Driven by a department's service plan", "service-plan"),
    ],
)
def test_the_work_type_is_read_from_its_value_or_its_label(
    workplan, departments, work_type, expected
):
    result = check(workplan, csv_upload(good_rows(1, row_0={"work_type": work_type})))
    assert result.errors == []
    assert result.items[0].item.work_type == expected


def test_a_csv_saved_by_excel_in_windows_1252_with_a_pound_sign_is_read(
    cast, workplan, departments
):
    rows = good_rows(1, row_0={"title": "Café Wi-Fi", "budget": "£1,500.50"})
    result = check(workplan, csv_upload(rows, encoding="cp1252"))
    assert result.errors == []
    assert result.items[0].item.title == "Café Wi-Fi"
    assert result.items[0].item.budget == Decimal("1500.50")


def test_a_csv_with_a_byte_order_mark_and_only_the_required_columns_is_read(
    workplan,
):
    keys = ["reference", "title", "category", "work_type"]
    upload = csv_upload(
        [GOOD], header=["reference", "TITLE", " Category ", "Work Type"], keys=keys
    )
    upload = SimpleUploadedFile("x.csv", b"\xef\xbb\xbf" + upload.read())
    result = check(workplan, upload)
    assert result.errors == []
    item = result.items[0].item
    # A percentage the file does not give is not stated (not 0 %).
    assert (item.reference, item.percent_complete, item.theme) == (
        "WP-01",
        None,
        None,
    )
    assert result.items[0].departments == []


def test_blank_rows_are_skipped_but_keep_the_spreadsheet_row_numbers(workplan):
    rows = good_rows(2)
    rows.insert(1, {})
    rows[2]["percent_complete"] = "200"
    result = check(workplan, csv_upload([{**r, "departments": ""} for r in rows]))
    assert result.errors == [
        RowError(
            4,
            "Percent complete",
            "Type a whole number from 0 to 100 (“200” is not one).",
        )
    ]


# --- the templates ------------------------------------------------------------------


def test_the_csv_template_imports_its_example_row(cast, workplan):
    data = template_csv()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].split(",")[:4] == ["Reference", "Title", "Description", "Theme"]
    assert len(lines) == 2

    result = check(workplan, SimpleUploadedFile("template.csv", data))
    assert result.errors == []
    assert save(workplan, result, cast.officer, filename="template.csv") == 1


def test_the_workbook_template_imports_its_example_row_and_guides_its_reader(
    cast, workplan
):
    data = template_xlsx()
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Workplan items", "Guidance"]
    guidance = "\n".join(
        str(cell)
        for row in workbook["Guidance"].iter_rows(values_only=True)
        for cell in row
        if cell
    )
    for allowed in ["Future works", "service-plan", "Not started", "Amber"]:
        assert allowed in guidance

    result = check(workplan, SimpleUploadedFile("template.xlsx", data))
    assert result.errors == []
    assert save(workplan, result, cast.officer, filename="template.xlsx") == 1
    item = workplan.items.get()
    assert item.start_date == datetime.date(2022, 4, 1)


def test_templates_for_a_workplan_use_its_year_theme_and_department(
    cast, workplan, departments
):
    for data in (template_csv(workplan), template_xlsx(workplan)):
        result = check(workplan, SimpleUploadedFile("t", data))
        assert result.errors == []
        row = result.items[0]
        assert row.item.theme.title == "Digital by default"
        assert row.item.start_date == datetime.date(2022, 4, 1)
        assert row.departments == [departments["ICT"]]
    guidance = openpyxl.load_workbook(io.BytesIO(template_xlsx(workplan)))["Guidance"]
    text = "\n".join(
        str(cell) for row in guidance.iter_rows(values_only=True) for cell in row
    )
    assert "Secure and resilient" in text
    assert "Revenues and Benefits" in text
    assert "officer" in text
    assert "Libraries" not in text


# --- errors by row and column; nothing saved ------------------------------------------


BAD_CELLS = [
    ("start_date", "31/02/2022", "Start date", "is not a real date"),
    ("target_date", "13/13/2023", "Target date", "is not a real date"),
    ("target_date", "2023 03 40", "Target date", "is not a date"),
    ("theme", "Cloud first", "Theme", "No theme “Cloud first”"),
    ("theme", "9", "Theme", "1 Digital by default; 2 Secure and resilient"),
    ("percent_complete", "101", "Percent complete", "whole number from 0 to 100"),
    ("percent_complete", "fifty", "Percent complete", "whole number from 0 to 100"),
    ("percent_complete", "12.5", "Percent complete", "whole number from 0 to 100"),
    ("departments", "ICT; Libraries", "Departments", "“Libraries”"),
    ("category", "Maybe", "Category", "use C, ED or Future works"),
    ("reference", "", "Reference", "Reference is required"),
    ("title", "", "Title", "Title is required"),
    ("title", "x" * 301, "Title", "300 characters or fewer (it has 301)"),
    ("reference", "R" * 21, "Reference", "20 characters or fewer"),
    ("budget", "-5", "Budget", "cannot be negative"),
    ("budget", "lots", "Budget", "is not an amount"),
    ("budget", "10.555", "Budget", "pounds and pence"),
    ("rag", "Purple", "RAG", "Red, Amber or Green"),
    ("delivery_status", "Nearly", "Delivery status", "Not started"),
]

#: Formulas anywhere refuse the whole file, naming the cell.
FORMULA_CELLS = [
    ("description", "=SUM(A1)"),
    ("sponsor", "+cmd|' /C calc'!A0"),
    ("title", "@SUM(1+1)"),
    ("rag_reason", "-HYPERLINK(1)"),
]


@pytest.mark.parametrize(("key", "value"), FORMULA_CELLS)
def test_a_formula_in_any_cell_refuses_the_file_naming_the_cell(
    workplan, departments, key, value
):
    letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[[c.key for c in COLUMNS].index(key)]
    with pytest.raises(ImportRefused, match=f"in cell {letter}3"):
        check(workplan, csv_upload(good_rows(3, row_1={key: value})))


@pytest.mark.parametrize(("key", "value", "column", "message"), BAD_CELLS)
def test_a_bad_cell_in_one_of_three_csv_rows_is_reported_and_nothing_is_saved(
    cast, workplan, departments, key, value, column, message
):
    before = counts()
    result = check(workplan, csv_upload(good_rows(3, row_1={key: value})))

    assert [(e.row_number, e.column) for e in result.errors] == [(3, column)]
    assert message in result.errors[0].message
    assert [row.row_number for row in result.items] == [2, 4]
    assert_nothing_saved(workplan, result, cast.officer, before)


def test_a_target_date_before_the_start_date_is_reported_on_the_target_date(
    cast, workplan, departments
):
    before = counts()
    rows = good_rows(3, row_2={"start_date": "01/06/2022", "target_date": "2022-05-31"})
    result = check(workplan, csv_upload(rows))
    assert result.errors == [
        RowError(
            4,
            "Target date",
            "The target date (31/05/2022) is before the start date (01/06/2022).",
        )
    ]
    assert_nothing_saved(workplan, result, cast.officer, before)


def test_a_red_rag_status_without_a_reason_is_reported(cast, workplan, departments):
    before = counts()
    rows = good_rows(3, row_0={"rag": "red", "rag_reason": ""})
    rows[1].update(rag="Red", rag_reason="Funding not agreed")
    result = check(workplan, csv_upload(rows))
    assert result.errors == [
        RowError(2, "RAG reason", "A red RAG status needs a reason.")
    ]
    assert_nothing_saved(workplan, result, cast.officer, before)


def test_a_reference_used_twice_in_the_file_is_reported_on_the_second_use(
    cast, workplan, departments
):
    before = counts()
    rows = good_rows(3, row_2={"reference": "wp-01"})
    result = check(workplan, csv_upload(rows))
    assert result.errors == [
        RowError(4, "Reference", "“wp-01” is also used on row 2 of this file.")
    ]
    assert_nothing_saved(workplan, result, cast.officer, before)


def test_a_reference_already_in_the_workplan_is_reported(cast, workplan, departments):
    save_with_reason(
        WorkplanItem(
            organisation=cast.council_a,
            workplan=workplan,
            reference="WP-02",
            title="Already planned",
            category="C",
            work_type="urgent",
        ),
        user=cast.officer,
        reason="Test set-up",
    )
    before = counts()
    result = check(workplan, csv_upload(good_rows(3)))
    assert result.errors == [
        RowError(3, "Reference", "“WP-02” is already used by an item in this workplan.")
    ]
    assert_nothing_saved(workplan, result, cast.officer, before)


def test_a_formula_cell_in_a_workbook_is_refused_by_row_and_column(
    cast, workplan, departments
):
    before = counts()

    def add_formulas(sheet):
        sheet["B2"] = '=HYPERLINK("http://x","y")'
        sheet["L4"] = "=SUM(A1)"

    # The whole file is refused, naming every formula's cell.
    with pytest.raises(ImportRefused, match="in cells B2 and L4"):
        check(workplan, xlsx_upload(good_rows(3), edit=add_formulas))
    assert counts() == before


def test_a_formula_in_a_csv_is_refused_by_row_and_column(cast, workplan, departments):
    before = counts()
    with pytest.raises(ImportRefused, match="in cell B2"):
        check(workplan, csv_upload(good_rows(3, row_0={"title": "=SUM(A1)"})))
    assert counts() == before


def test_every_row_is_checked_and_every_problem_of_a_row_is_reported(
    cast, workplan, departments
):
    before = counts()
    rows = good_rows(
        4,
        row_0={"start_date": "31/02/2022", "theme": "Nope"},
        row_3={"percent_complete": "fifty", "departments": "Parks"},
    )
    result = check(workplan, csv_upload(rows))
    assert [(e.row_number, e.column) for e in result.errors] == [
        (2, "Theme"),
        (2, "Start date"),
        (5, "Departments"),
        (5, "Percent complete"),
    ]
    assert str(result.errors[0]).startswith("Row 2, Theme: No theme “Nope”")
    assert list(result.errors_by_row()) == [2, 5]
    assert result.rows_with_errors == 2
    assert not result.ok
    assert_nothing_saved(workplan, result, cast.officer, before)


def test_save_refuses_a_result_with_errors_even_if_some_rows_are_good(
    cast, workplan, departments
):
    before = counts()
    rows = good_rows(5, row_4={"percent_complete": "101"})
    result = check(workplan, csv_upload(rows))
    assert len(result.items) == 4
    assert_nothing_saved(workplan, result, cast.officer, before)


def test_save_refuses_when_a_reference_was_taken_after_the_file_was_checked(
    cast, workplan, departments
):
    result = check(workplan, csv_upload(good_rows(3)))
    save_with_reason(
        WorkplanItem(
            organisation=cast.council_a,
            workplan=workplan,
            reference="WP-03",
            title="Added meanwhile",
            category="C",
            work_type="urgent",
        ),
        user=cast.officer,
        reason="Test set-up",
    )
    before = counts()
    with pytest.raises(ImportRefused, match="WP-03"):
        save(workplan, result, cast.officer, filename="items.csv")
    assert counts() == before


# --- refused files -----------------------------------------------------------------


def zip_of(**files):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return out.getvalue()


REFUSED = [
    ("a 6 MB file", b"a," * (3 * 1024 * 1024), "larger than 5 MB"),
    ("a PDF", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "is a PDF"),
    ("a PNG", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40), "is an image"),
    ("a zip", zip_of(**{"notes.txt": "hello"}), "not an Excel workbook"),
    (
        "a Word document",
        zip_of(**{"[Content_Types].xml": "<x/>", "word/document.xml": "<x/>"}),
        "is a Word document",
    ),
    (
        "a broken workbook",
        zip_of(**{"[Content_Types].xml": "<x/>", "xl/workbook.xml": "junk"}),
        "could not be read",
    ),
    ("a damaged zip", b"PK\x03\x04" + bytes(range(256)) * 4, "damaged"),
    ("an old .xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), ".xls"),
    ("random bytes", bytes(range(256)) * 8, "not a CSV file or an Excel workbook"),
    ("an empty file", b"", "The file is empty"),
    ("blank lines", b"\r\n\r\n", "The file is empty"),
]


@pytest.mark.parametrize(
    ("what", "data", "message"), REFUSED, ids=[r[0] for r in REFUSED]
)
def test_a_file_that_is_not_an_importable_spreadsheet_is_refused_in_one_sentence(
    what, data, message
):
    with pytest.raises(ImportRefused) as refused:
        read_rows(SimpleUploadedFile("items.csv", data))
    assert message in str(refused.value)
    assert str(refused.value).count(". ") == 0  # one sentence


def test_a_file_over_5_mb_is_refused_from_its_size_before_it_is_read():
    class Huge:
        size = 6 * 1024 * 1024
        name = "huge.csv"

        def read(self, *args):  # pragma: no cover - must not be called
            raise AssertionError("read a file that was too large")

    with pytest.raises(ImportRefused, match="larger than 5 MB"):
        read_rows(Huge())


def test_a_csv_without_the_title_column_is_refused_naming_it():
    keys = [key for key in KEYS if key != "title"]
    header = [c.label for c in COLUMNS if c.key != "title"]
    with pytest.raises(ImportRefused) as refused:
        read_rows(csv_upload(good_rows(2), header=header, keys=keys))
    assert "missing the column(s) “Title”" in str(refused.value)


def test_a_header_only_file_and_a_file_of_over_5000_rows_are_refused():
    with pytest.raises(ImportRefused, match="no items"):
        read_rows(csv_upload([]))
    rows = [{"reference": f"R{n}", "title": "t"} for n in range(5001)]
    with pytest.raises(ImportRefused, match="more than 5,000 rows"):
        read_rows(csv_upload(rows))
    assert len(read_rows(csv_upload(rows[:5000]))) == 5000


def test_a_column_named_twice_is_refused():
    with pytest.raises(ImportRefused, match="“Title” twice"):
        read_rows(csv_upload([GOOD], header=HEADER + ["title"], keys=KEYS + ["title"]))


# --- cost ----------------------------------------------------------------------------


def test_a_thousand_rows_are_checked_and_saved_in_a_bounded_number_of_queries(
    cast, workplan, departments, django_assert_max_num_queries
):
    rows = read_rows(csv_upload(good_rows(1000)))
    # Themes, departments, officers, references already used.
    with django_assert_max_num_queries(4):
        result = validate(workplan, rows)
    assert result.errors == []
    assert len(result.items) == 1000

    # (One of them moves the workplan's version on: its list of items changed.)
    with django_assert_max_num_queries(13):
        assert save(workplan, result, cast.officer, filename="big.csv") == 1000
    assert workplan.items.count() == 1000
    assert WorkplanItem.departments.through.objects.count() == 2000
    assert WorkplanItem.history.model.departments.model.objects.count() == 2000
