"""Writing the spreadsheets we hand out (CSV and XLSX) so no cell is a formula.

Text that people typed (a theme's title, an item's description, a
department's name) goes into templates and exports. A spreadsheet runs a
cell that begins with "=", "+", "-" or "@" as a formula (OWASP adds a tab
or carriage return; we also look past leading spaces and line breaks), so
such text could fetch a web address or start a program on the reader's
computer ("CSV injection"). Every writer goes through this module:

- CSV: `csv_writer(out)`; a risky text cell is written with a single quote
  in front ("'=SUM(A1)"), which spreadsheets read as "this is text".
- XLSX: `append_row(sheet, values)`; a text cell is always written as a
  string cell (never a formula), and a risky one also carries the
  "quote prefix" style, so it stays text when someone edits it. The text
  itself is unchanged.

Numbers, dates and empty cells are written as they are: only text is ever a
risk. Importing our own files gives the text back as it was:
`workplan.importers` removes the quote a CSV cell was given and reads a
quote-prefixed workbook cell as text (see `unquote`).
"""

import csv
import datetime

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

#: What a spreadsheet may take as the start of a formula (OWASP's list)...
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: ...also after spaces or line breaks, which some spreadsheets trim.
FORMULA_STARTS = ("=", "+", "-", "@")
#: What we put in front of a risky CSV cell.
QUOTE = "'"


def is_risky(value) -> bool:
    """Whether `value` is text a spreadsheet could run as a formula."""
    return isinstance(value, str) and (
        value.startswith(FORMULA_TRIGGERS) or value.lstrip().startswith(FORMULA_STARTS)
    )


def csv_value(value):
    """One CSV cell: risky text quoted; None empty; anything else as it is."""
    if value is None:
        return ""
    if isinstance(value, str):
        return QUOTE + value if is_risky(value) else value
    return value


def unquote(text: str) -> tuple[str, bool]:
    """(text, whether it was quoted): a cell as written by `csv_value` given
    back as it was typed. Only a quote before a formula trigger is ours;
    "'Twas" keeps its quote."""
    if text.startswith(QUOTE) and is_risky(text[len(QUOTE) :]):
        return text[len(QUOTE) :], True
    return text, False


class _SafeWriter:
    """`csv.writer` whose every row goes through `csv_value`."""

    def __init__(self, writer):
        self._writer = writer

    def writerow(self, values):
        return self._writer.writerow([csv_value(value) for value in values])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(out, **options):
    """A `csv.writer` on `out` that never writes a formula."""
    return _SafeWriter(csv.writer(out, **options))


def xlsx_cell(sheet, value):
    """An openpyxl cell for `sheet` holding `value`, never a formula.

    Text is a string cell (openpyxl would otherwise take "=..." for a
    formula) with characters a workbook cannot hold removed and line breaks
    written as a workbook holds them ("\n": a lone "\r" would be read back
    as one anyway); risky text also gets the quote prefix. Numbers and
    dates keep their type (a date gets a date format).
    """
    cell = WriteOnlyCell(sheet)
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        cell.value = text
        cell.data_type = "s"
        if is_risky(text):
            cell.quotePrefix = True
    else:
        cell.value = value
        if isinstance(value, datetime.date) and not isinstance(
            value, datetime.datetime
        ):
            cell.number_format = "dd/mm/yyyy"
    return cell


def append_row(sheet, values):
    """Append `values` to `sheet` (write-only or not) as `xlsx_cell`s."""
    sheet.append([xlsx_cell(sheet, value) for value in values])
