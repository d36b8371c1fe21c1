"""Reading an uploaded spreadsheet: the header found, the cells as written,
and every hostile or unreadable file refused in one sentence.

Every file is built here (`spreadsheet_files`); none of these tests needs the
database. How long the hostile files take is measured, not asserted (timed
tests flake on a shared machine): `python -m tests.bench.reader`.
"""

import codecs
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment

from governance.spreadsheets import append_row, csv_writer
from workplan import spreadsheet_reader
from workplan.importers import ImportRefused
from workplan.spreadsheet_reader import MAX_ROWS, read_sheet

from .spreadsheet_files import (
    blank_rows_workbook,
    office_zip,
    ole_file,
    openpyxl_xlsx,
    row_xml,
    sheet_xlsx,
    with_declared_size,
)


def refusal(data, **options):
    with pytest.raises(ImportRefused) as caught:
        read_sheet(data, **options)
    return str(caught.value)


def csv_file(text, encoding="utf-8"):
    return text.encode(encoding)


# --- bounded cost ---------------------------------------------------------------------


def test_a_workbook_of_two_million_blank_rows_is_refused_from_its_zip_directory(
    monkeypatch,
):
    data = blank_rows_workbook(2_000_000)
    assert len(data) < 400 * 1024  # small enough to pass the upload limit

    def no_parsing(*args, **kwargs):
        raise AssertionError("the refusal must come before any XML is parsed")

    monkeypatch.setattr(spreadsheet_reader, "iterparse", no_parsing)
    message = refusal(data)
    assert "unpacks to 90 MB, more than 25 MB" in message
    assert "delete empty rows" in message


def test_a_tightly_packed_sheet_under_the_unpacked_limit_is_refused_unparsed(
    monkeypatch,
):
    data = blank_rows_workbook(150_000)  # about 7 MB of blank rows

    monkeypatch.setattr(spreadsheet_reader, "iterparse", None)
    assert "packed far more tightly" in refusal(data)


def test_a_part_declaring_less_than_it_holds_is_read_no_further_than_declared():
    # 200,000 blank rows (9 MB) declared as 100 KB: zipfile stops at 100 KB
    # and the part then fails its checksum.
    data = with_declared_size(
        blank_rows_workbook(200_000), "xl/worksheets/sheet1.xml", 100_000
    )
    assert refusal(data) == (
        "This workbook could not be read: open it in Excel, save it again as "
        ".xlsx, and upload that."
    )


def test_a_sheet_going_past_row_20000_is_refused_however_few_its_values():
    message = (
        "The sheet goes on past row 20,000 (blank rows count too): delete the rows "
        "below your items, or split the file, and upload it again."
    )
    header = row_xml(1, ["Reference", "Title"])
    one_far_row = sheet_xlsx([header, row_xml(20_001, ["WP-01", "Late"])])
    assert refusal(one_far_row) == message
    blank = [b'<row r="%d"/>' % n for n in range(2, 20_002)]
    assert refusal(sheet_xlsx([header, *blank])) == message
    assert refusal(csv_file("Reference,Title\n" + "\n" * 20_000 + "WP-01,x\n")) == (
        message
    )


def test_5000_data_rows_are_read_and_a_5001st_is_refused_blank_rows_not_counted():
    def rows(count):
        # A blank row after every tenth item: read and counted, but not an item.
        return "".join(
            f"WP-{n},Item {n}\n" + ("\n" if n % 10 == 0 else "")
            for n in range(1, count + 1)
        )

    sheet = read_sheet(csv_file("Reference,Title\n" + rows(MAX_ROWS)))
    assert len(sheet.rows) == 5000
    assert sheet.rows[-1] == (5000 + 1 + 499, ["WP-5000", "Item 5000"])
    assert refusal(csv_file("Reference,Title\n" + rows(MAX_ROWS + 1))) == (
        "The file has more than 5,000 rows of items: split it into files of "
        "5,000 rows or fewer."
    )
    workbook = sheet_xlsx(
        [row_xml(1, ["Reference", "Title"])]
        + [row_xml(n + 1, [f"WP-{n}", n]) for n in range(1, MAX_ROWS + 2)]
    )
    assert "more than 5,000 rows of items" in refusal(workbook)


def test_reading_stops_when_the_time_budget_is_spent():
    workbook = openpyxl_xlsx([["Reference", "Title"], ["WP-01", "Telephony"]])
    for data in (workbook, csv_file("Reference,Title\nWP-01,Telephony\n")):
        assert refusal(data, time_budget=0).startswith(
            "Reading this file took longer than 5 seconds, so it was stopped"
        )


# --- files that are not spreadsheets --------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
            "This file is a PDF, not a spreadsheet: upload a CSV file or an Excel "
            "workbook (.xlsx).",
        ),
        (
            office_zip("word/document.xml"),
            "This file is a Word document, not a spreadsheet: upload a CSV file "
            "or an Excel workbook (.xlsx).",
        ),
        (
            office_zip("ppt/presentation.xml"),
            "This file is a PowerPoint presentation, not a spreadsheet: upload a "
            "CSV file or an Excel workbook (.xlsx).",
        ),
        (
            ole_file("WordDocument", "1Table"),
            "This file is a Word document, not a spreadsheet: upload a CSV file "
            "or an Excel workbook (.xlsx).",
        ),
        (
            ole_file("EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"),
            "This workbook is protected with a password (it is encrypted), so it "
            "cannot be read: open it in Excel, remove the password (File, Info, "
            "Protect Workbook, Encrypt with Password), save it as .xlsx and "
            "upload it again.",
        ),
        (
            ole_file("Workbook", "\x05SummaryInformation"),
            "This is an old-style Excel file (.xls): open it in Excel and save it "
            "as an Excel Workbook (.xlsx), or as CSV, and upload that.",
        ),
        (
            office_zip("mimetype", "content.xml"),
            "This is an OpenDocument file (.ods or similar): save it as an Excel "
            "workbook (.xlsx) or as CSV, and upload that.",
        ),
        (
            office_zip("xl/workbook.bin"),
            "This is an Excel binary workbook (.xlsb): save it as an Excel "
            "Workbook (.xlsx), or as CSV, and upload that.",
        ),
        (
            office_zip("photos/cat.jpg"),
            "This is a zip file or another kind of document, not an Excel "
            "workbook: upload a CSV file or an Excel workbook (.xlsx).",
        ),
        (
            b"PK\x03\x04 truncated",
            "This file looks like an Excel workbook but is "
            "damaged: open it in Excel, save it again as .xlsx, and upload that.",
        ),
        (b"   \n\n", "The file is empty: it has no header row and no items."),
    ],
    ids=[
        "pdf",
        "docx",
        "pptx",
        "doc",
        "encrypted",
        "xls",
        "ods",
        "xlsb",
        "zip",
        "damaged",
        "empty",
    ],
)
def test_a_file_that_is_not_a_readable_spreadsheet_is_refused_saying_what_it_is(
    data, message
):
    assert refusal(data) == message


def test_the_encrypted_and_xls_files_built_here_are_told_from_their_directory_only():
    # The stream names must be directory entries, not text anywhere in the file:
    # a .xls whose cell says "EncryptedPackage" is still a .xls.
    xls = ole_file("Workbook") + "EncryptedPackage".encode("utf-16-le") + b"\x00\x00"
    assert "old-style Excel file (.xls)" in refusal(xls)


def test_a_workbook_part_declaring_a_document_type_is_refused():
    data = sheet_xlsx(
        [row_xml(1, ["Reference", "Title"]), row_xml(2, ["WP-01", "&lol;"])],
        head=b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>',
    )
    assert refusal(data).startswith("This workbook could not be read")


def test_a_file_over_5_mb_is_refused_from_its_declared_size_before_it_is_read():
    upload = SimpleUploadedFile("big.csv", b"Reference,Title\n")
    upload.size = 6 * 1024 * 1024
    assert refusal(upload).startswith("The file is larger than 5 MB")


# --- formulas -------------------------------------------------------------------------


def test_a_formula_in_a_column_no_one_would_map_is_refused_naming_its_cell():
    def add_formula(sheet):
        sheet["D7"] = "=B7*2"

    rows = [["Reference", "Title", "Budget", "Working"]] + [
        [f"WP-0{n}", f"Item {n}", 100] for n in range(1, 8)
    ]
    message = refusal(openpyxl_xlsx(rows, add_formula))
    assert message == (
        "Formulas are not imported, and this file has them in cell D7: replace "
        "each formula with its value (copy the cells, then Paste Special, "
        "Values) and upload the file again."
    )


def test_formulas_anywhere_are_named_up_to_ten_cells_in_one_refusal():
    def add_formulas(sheet):
        sheet["A1"] = "=TODAY()"  # in the title, above the header
        for row in range(4, 15):
            sheet.cell(row=row, column=2, value=f"=A{row}")

    rows = [[None], [None], ["Reference", "Title"]] + [
        [f"WP-{n}"] for n in range(1, 13)
    ]
    message = refusal(openpyxl_xlsx(rows, add_formulas))
    assert "cells A1, B4, B5, B6, B7, B8, B9, B10, B11, B12 and 2 more cells" in (
        message
    )


@pytest.mark.parametrize(
    "cell",
    [
        '"=HYPERLINK(""http://attacker.invalid"",""x"")"',
        "+A1",
        "-A1",
        "@SUM(1)",
        '"\t=1"',
        '"\r=1"',
        '" =1"',
    ],
)
def test_formula_text_in_a_csv_is_refused_naming_its_cell(cell):
    data = csv_file(f"Reference,Title,Notes\nWP-01,Telephony,ok\nWP-02,Email,{cell}\n")
    assert "this file has them in cell C3:" in refusal(data)


def test_text_a_spreadsheet_would_not_run_and_our_own_quoted_cells_are_read_as_text():
    data = csv_file(
        "Reference,Title,Notes\n"
        "WP-01,'=SUM(A1),-5\n"
        "WP-02,- a list item,+44 20 7946 0000\n"
    )
    sheet = read_sheet(data)
    assert sheet.rows == [
        (2, ["WP-01", "=SUM(A1)", "-5"]),
        (3, ["WP-02", "- a list item", "+44 20 7946 0000"]),
    ]


# --- the header -----------------------------------------------------------------------


def test_a_header_on_row_3_below_a_title_is_accepted_and_said_so():
    rows = [
        ["ICT Workplan 2023/24"],
        [],
        ["Reference", "Title", None, "Target"],
        ["WP-01", "Telephony", None, "2020/21"],
        [],
        ["WP-02", "Email", "extra", "31/02/2023"],
    ]
    sheet = read_sheet(openpyxl_xlsx(rows))
    assert sheet.format == "xlsx"
    assert sheet.header_row == 3
    assert sheet.headers == ["Reference", "Title", "", "Target"]
    assert sheet.rows == [
        (4, ["WP-01", "Telephony", None, "2020/21"]),
        (6, ["WP-02", "Email", "extra", "31/02/2023"]),
    ]
    assert sheet.notes == [
        "Row 3 was taken as the header row: rows 1–2 above it hold a title "
        "(“ICT Workplan 2023/24”), which is not imported."
    ]


def test_a_title_with_a_date_beside_it_is_not_taken_for_the_header():
    data = csv_file(
        "ICT workplan,,,Updated March 2023\n"
        ",,,\n"
        "Reference,Title,Lead,Status\n"
        "WP-01,Telephony,Sam,On track\n"
    )
    sheet = read_sheet(data)
    assert sheet.header_row == 3
    assert sheet.headers == ["Reference", "Title", "Lead", "Status"]
    assert "“ICT workplan”, “Updated March 2023”" in sheet.notes[0]


def test_no_header_in_the_first_ten_rows_is_refused():
    data = csv_file("Workplan\n" + "\n" * 12 + "Reference,Title\nWP-01,x\n")
    assert refusal(data) == (
        "No header row was found in the first 10 rows: the file needs a row "
        "naming its columns (at least two of them) above the items."
    )


def test_a_header_with_no_items_below_it_is_refused():
    assert refusal(csv_file("Reference,Title\n\n,\n")) == (
        "The file has a header row (row 1) but no items below it: nothing to import."
    )


def test_merged_header_cells_are_refused_naming_them():
    def merge(sheet):
        sheet.merge_cells("A1:D1")  # the title: fine
        sheet.merge_cells("C3:D3")  # "Dates" over two columns

    rows = [
        ["ICT Workplan"],
        [],
        ["Reference", "Title", "Dates", None],
        ["WP-01", "Telephony", "2022-04-01", "2023-03-31"],
    ]
    assert refusal(openpyxl_xlsx(rows, merge)) == (
        "The header row (row 3) has merged cells (C3:D3): unmerge them so that "
        "each column has its own header, and upload the file again."
    )


def test_a_header_spread_over_two_rows_is_refused():
    two_rows = (
        "Reference,Title,Dates,,Budget\n"
        ",,Start,Target,\n"
        "WP-01,Telephony,2022-04-01,2023-03-31,25000\n"
    )
    assert refusal(csv_file(two_rows)) == (
        "Rows 1 and 2 both look like header rows (row 2 names D2, which row 1 "
        "leaves blank): put one name for each column in a single header row and "
        "upload the file again."
    )
    # An item whose only text sits under a blank header is an item, not a
    # second header: it has its reference.
    one_row = "Reference,Title,,Notes\nWP-01,Telephony,extra,\n"
    assert read_sheet(csv_file(one_row)).rows == [
        (2, ["WP-01", "Telephony", "extra", None])
    ]


def test_a_cell_merged_down_beside_several_items_gives_each_its_value():
    def merge(sheet):
        sheet.merge_cells("A2:A4")
        sheet.merge_cells("B5:C5")
        sheet["A2"].alignment = Alignment(vertical="center")

    rows = [
        ["Theme", "Title", "Notes"],
        ["Digital", "Telephony"],
        [None, "Email"],
        [None, "Intranet"],
        ["People", "A long title spilling over", None],
    ]
    sheet = read_sheet(openpyxl_xlsx(rows, merge))
    assert sheet.rows == [
        (2, ["Digital", "Telephony", None]),
        (3, ["Digital", "Email", None]),
        (4, ["Digital", "Intranet", None]),
        (5, ["People", "A long title spilling over", None]),
    ]
    assert sheet.notes == [
        "Cells A2:A4 are merged: each of rows 2–4 was given “Digital”.",
        "Cells B5:C5 are merged: their value is read as column B's.",
    ]


def test_values_in_a_column_without_a_header_are_kept_and_said_so():
    sheet = read_sheet(csv_file("Reference,Title\nWP-01,Telephony,see notes\n"))
    assert sheet.headers == ["Reference", "Title", ""]
    assert sheet.rows == [(2, ["WP-01", "Telephony", "see notes"])]
    assert sheet.notes == ["Column C has no header but holds a value (in C2)."]


def test_values_beyond_column_200_are_refused():
    data = csv_file("Reference,Title\nWP-01,x" + "," * 200 + "far\n")
    assert refusal(data) == (
        "The file has values beyond column GR: keep only the columns of workplan "
        "items and upload it again."
    )


# --- cells as written -----------------------------------------------------------------


def test_workbook_cells_keep_their_types_and_dates_are_left_to_checking():
    def style(sheet):
        sheet["D2"].number_format = "0%"
        sheet["F2"].data_type = "s"  # text, as Excel keeps '=1
        sheet["F2"].quotePrefix = True

    rows = [
        ["Reference", "Start", "Budget", "Percent", "Done", "Quoted", "Target"],
        ["  WP-01 ", datetime.date(2022, 4, 1), 25000.5, 0.5, True, "=1", "31/02/2023"],
    ]
    sheet = read_sheet(openpyxl_xlsx(rows, style))
    assert sheet.rows == [
        (
            2,
            [
                "WP-01",
                datetime.datetime(2022, 4, 1),
                25000.5,
                50.0,
                "TRUE",
                "=1",
                "31/02/2023",
            ],
        )
    ]


def test_only_the_first_visible_sheet_is_read_and_said_so():
    def more_sheets(sheet):
        book = sheet.parent
        hidden = book.create_sheet("Lists", 0)
        hidden.sheet_state = "hidden"
        book.create_sheet("Notes").append(["Not", "read"])

    sheet = read_sheet(
        openpyxl_xlsx([["Reference", "Title"], ["WP-01", "x"]], more_sheets)
    )
    assert sheet.rows == [(2, ["WP-01", "x"])]
    assert sheet.notes == [
        "The workbook has 2 sheets: only the first, “Workplan”, was read."
    ]


@pytest.mark.parametrize(
    ("data", "note"),
    [
        (codecs.BOM_UTF8 + "Reference,Title\nWP-01,Caf\u00e9\n".encode(), None),
        (
            "Reference,Title\nWP-01,Caf\u00e9 \u00a3\n".encode("cp1252"),
            "The file is not UTF-8, so it was read as Windows text "
            "(Windows-1252): check that accented letters and symbols such as £ "
            "look right.",
        ),
        (
            "Reference\tTitle\nWP-01\tCaf\u00e9\n".encode("utf-16"),
            "The file was read as tab-separated values.",
        ),
        (
            b"Reference;Title;Budget\nWP-01;Caf\xc3\xa9;1,5\n",
            "The file was read as semicolon-separated values.",
        ),
    ],
    ids=["utf-8 with BOM", "cp1252", "utf-16 tab-separated", "semicolons"],
)
def test_csv_files_as_excel_and_others_save_them_are_read(data, note):
    sheet = read_sheet(SimpleUploadedFile("items.csv", data))
    assert sheet.format == "csv"
    assert sheet.headers[:2] == ["Reference", "Title"]
    assert sheet.rows[0][1][0] == "WP-01"
    assert sheet.rows[0][1][1].startswith("Caf\u00e9")
    assert sheet.notes == ([note] if note else [])


def test_cells_read_as_openpyxl_reads_them_rich_text_and_1904_dates_included():
    rows = [
        ["Reference", "Title", "Start", "Budget", "Count", "Time"],
        [
            "WP-01",
            CellRichText("Replace ", TextBlock(InlineFont(b=True), "telephony")),
            datetime.datetime(2022, 4, 1, 9, 30),
            -1250.75,
            12,
            datetime.time(9, 30),
        ],
        [
            "WP-02",
            "Caf\u00e9 \u00a3 \u201cquoted\u201d",
            datetime.date(1999, 12, 31),
            1e20,
            0,
            None,
        ],
    ]
    for epoch_1904 in (False, True):

        def set_epoch(sheet, epoch_1904=epoch_1904):
            sheet.parent.epoch = (
                datetime.datetime(1904, 1, 1) if epoch_1904 else sheet.parent.epoch
            )

        data = openpyxl_xlsx(rows, set_epoch)
        expected = [
            [
                str(cell) if isinstance(cell, CellRichText | datetime.time) else cell
                for cell in row
            ]
            for row in load_workbook(io.BytesIO(data), rich_text=True).active.values
        ]
        sheet = read_sheet(data)
        assert sheet.headers == expected[0]
        assert [cells for _number, cells in sheet.rows] == expected[1:]
        assert sheet.rows[0][1][1] == "Replace telephony"
        assert sheet.rows[1][1][2] == datetime.datetime(1999, 12, 31)


def test_risky_text_in_our_own_files_reads_back_as_the_text_it_was():
    hostile = ['=HYPERLINK("http://attacker.invalid","x")', "+1", "-A1", "@SUM(1)"]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Items")
    append_row(sheet, ["Reference", "Title"])
    for number, text in enumerate(hostile, start=1):
        append_row(sheet, [f"WP-{number}", text])
    out = io.BytesIO()
    book.save(out)
    text = io.StringIO()
    writer = csv_writer(text)
    writer.writerow(["Reference", "Title"])
    writer.writerows([f"WP-{n}", value] for n, value in enumerate(hostile, start=1))
    for data in (out.getvalue(), text.getvalue().encode()):
        sheet = read_sheet(data)
        assert [cells[1] for _number, cells in sheet.rows] == hostile
