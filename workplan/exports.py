"""Exports of exactly the rows a filtered item list shows, to CSV and XLSX."""

import csv
import io

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook

COLUMNS = [
    ("Reference", lambda item: item.reference),
    ("Title", lambda item: item.title),
    ("Theme", lambda item: item.theme.title if item.theme else ""),
    ("Category", lambda item: item.category_choice.short),
    ("Work type", lambda item: item.get_work_type_display()),
    ("Departments", lambda item: "; ".join(d.name for d in item.departments.all())),
    (
        "Lead officer",
        lambda item: (
            item.lead_officer.user.get_full_name() if item.lead_officer else ""
        ),
    ),
    ("Sponsor", lambda item: item.sponsor),
    ("Start date", lambda item: item.start_date.isoformat() if item.start_date else ""),
    (
        "Target date",
        lambda item: item.target_date.isoformat() if item.target_date else "",
    ),
    ("Budget", lambda item: "" if item.budget is None else str(item.budget)),
    ("Delivery status", lambda item: item.get_delivery_status_display()),
    ("RAG", lambda item: item.get_rag_display()),
    ("RAG reason", lambda item: item.rag_reason),
    ("Percent complete", lambda item: item.percent_complete),
    ("Lifecycle state", lambda item: item.get_status_display()),
]

#: Characters a spreadsheet treats as the start of a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    """Make user text inert in a spreadsheet (no formula injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _rows(items):
    yield [label for label, _ in COLUMNS]
    for item in items.iterator(chunk_size=2000):
        yield [_safe(value(item)) for _, value in COLUMNS]


class _Echo:
    def write(self, value):
        return value


def csv_response(items, filename):
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _rows(items)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(
        True, f"{filename}.csv"
    )
    return response


def xlsx_response(items, filename):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Items")
    for row in _rows(items):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(
        True, f"{filename}.xlsx"
    )
    return response
