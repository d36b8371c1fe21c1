"""Exports of exactly the rows a filtered item list shows, to CSV and XLSX.

Every cell is written by `governance.spreadsheets`, so no text becomes a
formula; dates, the budget and the percentage stay dates and numbers.
"""

import io

from django.http import StreamingHttpResponse
from openpyxl import Workbook

from governance.downloads import XLSX, attachment, private_attachment
from governance.spreadsheets import append_row, csv_writer


def _lead(item):
    if item.lead_officer:
        user = item.lead_officer.user
        return user.get_full_name() or user.get_username()
    return item.lead_name


def _notes(item):
    return "\n\n".join(note.text for note in item.notes.all())


#: Every field the import takes, headed as the import's template heads it,
#: so that an export imports back into an empty workplan as it was (dates
#: written as periods, "2020/21", are exported as written).
COLUMNS = [
    ("Reference", lambda item: item.reference),
    ("Title", lambda item: item.title),
    ("Description", lambda item: item.description),
    ("Theme", lambda item: item.theme.title if item.theme else ""),
    ("Category", lambda item: item.category_choice.short if item.category else ""),
    ("Work type", lambda item: item.get_work_type_display()),
    ("Departments", lambda item: "; ".join(d.name for d in item.departments.all())),
    ("Lead officer", _lead),
    ("Sponsor", lambda item: item.sponsor),
    ("Start date", lambda item: item.start_as_written or item.start_date),
    ("Target date", lambda item: item.target_as_written or item.target_date),
    ("Budget", lambda item: item.budget),
    ("Delivery status", lambda item: item.delivery_status_label),
    ("Status as reported", lambda item: item.status_as_reported),
    ("RAG", lambda item: item.get_rag_display()),
    ("RAG reason", lambda item: item.rag_reason),
    ("Percent complete", lambda item: item.percent_complete),
    ("Notes", _notes),
    ("Lifecycle state", lambda item: item.get_status_display()),
]


def _rows(items):
    yield [label for label, _ in COLUMNS]
    for item in items.iterator(chunk_size=2000):
        yield [value(item) for _, value in COLUMNS]


class _Echo:
    def write(self, value):
        return value


def csv_response(items, filename):
    writer = csv_writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _rows(items)),
        content_type="text/csv; charset=utf-8",
    )
    return private_attachment(response, f"{filename}.csv")


def xlsx_response(items, filename):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Items")
    for row in _rows(items):
        append_row(sheet, row)
    buffer = io.BytesIO()
    book.save(buffer)
    return attachment(buffer.getvalue(), f"{filename}.xlsx", XLSX)
