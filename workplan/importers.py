"""Importing workplan items from a spreadsheet (CSV or Excel .xlsx).

A view imports a file in four steps, nothing written before the last:

    rows = read_rows(upload)             # ImportRefused: the file as a whole
    result = validate(workplan, rows)    # every row checked; no writes
    # preview: result.items (good rows), result.errors (by row and column)
    count = save(workplan, result, request.user, filename=upload.name)

`save` refuses a result with any error, so the import is all or nothing.
Between the preview and the confirmation the file waits in the person's
session: `keep_upload` puts it there and gives the token the confirmation
form sends back; `take_upload` returns it only for that token, that workplan
and within `UPLOAD_MAX_AGE`, and refuses (`UploadNotFound`) anything else.
`template_csv()` and `template_xlsx()` give the file to fill in: the header
row of `COLUMNS` and one example row (and, in the workbook, a "Guidance"
sheet of allowed values).

Lookups are done once per file (themes, departments, officers, references
already used), so validating 5,000 rows costs a handful of queries.
"""

import base64
import csv
import datetime
import io
import os
import re
import secrets
import time
import zipfile
from contextlib import closing
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from governance.choices import Role
from governance.models import Membership
from governance.spreadsheets import append_row, csv_writer, unquote
from governance.versioned import move_on
from strategy.models import Theme

from .choices import Confidence, DeliveryStatus, Rag, WorkType
from .models import Department, WorkplanItem

#: Files larger than this are refused before they are read.
MAX_BYTES = 5 * 1024 * 1024
#: A workbook may unpack to no more than this (a small zip can hide a lot).
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
#: Data rows (after the header, blank rows not counted) one file may hold.
MAX_ROWS = 5000


class ImportRefused(Exception):
    """The file as a whole cannot be imported; `str(exc)` says why, in one
    sentence a person can act on."""


class Formula(str):
    """A cell holding a formula (or text that a spreadsheet would run as one).

    `read_rows` keeps it (as the text of the formula) so that `validate` can
    report it by row and column; it is never imported.
    """


# --- the columns ----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of the import file.

    `label` is the header text (matched without regard to case or spacing,
    as are the `aliases`); a `required` column must be in the header and
    have a value on every row. `example` fills the template's example row.
    """

    key: str
    label: str
    required: bool
    guidance: str
    example: str = ""
    aliases: tuple[str, ...] = ()


def _labels(choices):
    return ", ".join(str(label) for label in choices.labels)


COLUMNS = [
    Column(
        "reference",
        "Reference",
        True,
        "Up to 20 characters, different for each item in the workplan.",
        "WP-01",
        ("ref", "item reference"),
    ),
    Column(
        "title",
        "Title",
        True,
        "Up to 300 characters.",
        "Replace the telephony system",
        ("item", "item title"),
    ),
    Column(
        "description",
        "Description",
        False,
        "Any length.",
        "Move the contact centre to cloud telephony before the contract ends.",
    ),
    Column(
        "theme",
        "Theme",
        False,
        "The title of one of the strategy's themes, or its number (1, 2, 3…).",
        "1",
        ("strategy theme",),
    ),
    Column(
        "category",
        "Category",
        True,
        "C (confident of scope), ED (early discovery) or Future works (FW).",
        "C",
        ("confidence", "confidence category"),
    ),
    Column(
        "work_type",
        "Work type",
        True,
        "One of: statutory, urgent, service-plan (or their full wording).",
        "Statutory or immediate obligation",
        ("type", "type of work"),
    ),
    Column(
        "departments",
        "Departments",
        False,
        "Names of the council's departments, separated by semicolons (;).",
        "",
        ("department",),
    ),
    Column(
        "lead_officer",
        "Lead officer",
        False,
        "The username or full name of one of the council's officers.",
        "",
        ("lead",),
    ),
    Column(
        "sponsor",
        "Sponsor",
        False,
        "Up to 200 characters: the sponsor or executive board.",
        "Executive Board",
        ("sponsor or executive board",),
    ),
    Column(
        "start_date",
        "Start date",
        False,
        "A date: 2022-04-01 or 01/04/2022 (day first), or an Excel date.",
        "2022-04-01",
        ("start",),
    ),
    Column(
        "target_date",
        "Target date",
        False,
        "A date, on or after the start date.",
        "2023-03-31",
        ("target", "due date", "end date"),
    ),
    Column(
        "budget",
        "Budget",
        False,
        "An amount in pounds: 25000, £25,000 or 25000.50.",
        "25000",
        ("budget (£)", "budget £", "budget (gbp)"),
    ),
    Column(
        "delivery_status",
        "Delivery status",
        False,
        f"One of: {_labels(DeliveryStatus)}. Empty means Not started.",
        "Not started",
        ("status",),
    ),
    Column(
        "rag",
        "RAG",
        False,
        "Red, Amber or Green (or empty).",
        "Green",
        ("rag status",),
    ),
    Column(
        "rag_reason",
        "RAG reason",
        False,
        "Why the item has its RAG status: needed when it is Red.",
        "",
        ("reason for the rag status", "rag comment"),
    ),
    Column(
        "percent_complete",
        "Percent complete",
        False,
        "A whole number from 0 to 100. Empty means 0.",
        "0",
        ("% complete", "percent", "percentage complete"),
    ),
]

COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED_COLUMNS = [column for column in COLUMNS if column.required]
#: The key each row dict carries its spreadsheet row number under.
ROW_NUMBER = "row_number"


def _norm(text):
    """Text as compared: case, dashes, quotes and spacing made uniform."""
    text = str(text).casefold()
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[\u2013\u2014_-]", " ", text)
    return " ".join(text.split())


_HEADER_NAMES = {}
for _column in COLUMNS:
    for _name in (_column.label, *_column.aliases):
        _HEADER_NAMES[_norm(_name).rstrip(" *")] = _column.key


def _column_key(header_cell):
    text = _cell_text(header_cell)
    return _HEADER_NAMES.get(_norm(text).rstrip(" *")) if text else None


# --- reading the file -----------------------------------------------------------------

#: A cell a spreadsheet would run as a formula: "=" and anything, or "+", "-"
#: or "@" followed at once by a letter or a bracket ("-5" is just a number).
_FORMULA = re.compile(r"^(=.|[+\-@][^\W\d_]|[+\-@]\()", re.DOTALL)
#: Control characters no spreadsheet text holds (tab, CR and LF are fine).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def looks_like_formula(text):
    return isinstance(text, str) and bool(_FORMULA.match(text.lstrip()))


def _read_bytes(uploaded_file):
    """The file's bytes, refusing it unread if it is too large."""
    if isinstance(uploaded_file, bytes | bytearray):
        data = bytes(uploaded_file)
    else:
        size = getattr(uploaded_file, "size", None)
        if size is not None and size > MAX_BYTES:
            raise ImportRefused(_too_large())
        if hasattr(uploaded_file, "seek"):
            uploaded_file.seek(0)
        data = uploaded_file.read(MAX_BYTES + 1)
        if isinstance(data, str):
            data = data.encode()
    if len(data) > MAX_BYTES:
        raise ImportRefused(_too_large())
    return data


def _too_large():
    return _(
        "The file is larger than 5 MB: split it into smaller files, or remove "
        "pictures and other sheets from it."
    )


def _not_a_spreadsheet(what):
    return _(
        "This file is %(what)s, not a spreadsheet: upload a CSV file or an "
        "Excel workbook (.xlsx)."
    ) % {"what": what}


_SIGNATURES = [
    (b"%PDF", "a PDF"),
    (b"\x89PNG", "an image"),
    (b"\xff\xd8\xff", "an image"),
    (b"GIF8", "an image"),
    (b"RIFF", "an image or a recording"),
    (b"\x1f\x8b", "a compressed (gzip) file"),
    (b"Rar!", "a compressed (RAR) file"),
    (b"7z\xbc\xaf", "a compressed (7-Zip) file"),
    (b"{\\rtf", "a Rich Text document"),
]


def read_rows(uploaded_file) -> list[dict]:
    """The data rows of an uploaded CSV or Excel (.xlsx) file.

    `uploaded_file` is a Django `UploadedFile`, any binary file object, or
    bytes. The format is told from the content, not the name. Each row is a
    dict keyed by column key (`COLUMNS`), holding the cell as read (text, or
    for a workbook a number or date), a `Formula` for a formula cell, and the
    spreadsheet row number under `ROW_NUMBER` (the header is row 1). Columns
    the file does not have are absent; columns `COLUMNS` does not know are
    ignored; blank rows are skipped.

    Raises `ImportRefused` for a file that cannot be imported at all: too
    large, empty, not CSV or .xlsx, missing a required column, no rows, or
    more than 5,000 rows.
    """
    data = _read_bytes(uploaded_file)
    if not data.strip():
        raise ImportRefused(_("The file is empty: it has no header row and no items."))
    if data.startswith(b"PK\x03\x04"):
        raw_rows = _xlsx_rows(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRefused(
            _(
                "This is an old-style Excel file (.xls) or a password-protected "
                "workbook: save it as an Excel workbook (.xlsx) without a "
                "password, or as CSV, and upload that."
            )
        )
    else:
        for signature, what in _SIGNATURES:
            if data.startswith(signature):
                raise ImportRefused(_not_a_spreadsheet(_(what)))
        raw_rows = _csv_rows(data)
    with closing(raw_rows):  # closes the workbook even if refused part way
        return _rows_from(raw_rows)


def _decode(data):
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8-sig", "cp1252"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _CONTROL.search(text):
            return text
        break
    raise ImportRefused(
        _(
            "This file is not a CSV file or an Excel workbook (.xlsx): save your "
            "spreadsheet as one of those and upload that."
        )
    )


def _csv_rows(data):
    """(row number, [cells]) for each record of a CSV file, as text."""
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, record in enumerate(reader, start=1):
            cells = []
            for cell in record:
                cell = cell.strip()
                text, quoted = unquote(cell)
                if quoted:  # written as text by us (or typed so in a spreadsheet)
                    cells.append(text)
                else:
                    cells.append(Formula(cell) if looks_like_formula(cell) else cell)
            yield number, cells
    except csv.Error as exc:
        raise ImportRefused(
            _("The file could not be read as CSV (near line %(line)s): %(error)s.")
            % {"line": reader.line_num, "error": exc}
        ) from exc


def _check_zip(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ImportRefused(
            _(
                "This file looks like an Excel workbook but is damaged: open it "
                "in Excel, save it again as .xlsx, and upload that."
            )
        ) from exc
    if "[Content_Types].xml" not in names or not any(
        name.startswith("xl/") and name.endswith("workbook.xml") for name in names
    ):
        raise ImportRefused(
            _(
                "This is a zip file or another kind of document, not an Excel "
                "workbook: upload a CSV file or an Excel workbook (.xlsx)."
            )
        )
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportRefused(
            _(
                "The workbook is too large once unpacked: keep only the sheet of "
                "workplan items and upload it again."
            )
        )


def _xlsx_rows(data):
    """(row number, [cells]) for each row of the workbook's first sheet.

    Loaded with `data_only=False`, so a formula cell reads as its formula
    ("=SUM(A1)") and is marked as a `Formula`; every other cell reads as its
    value, exactly as `data_only=True` would give it (a cached formula result
    is never wanted, since formulas are refused). One load does both jobs.
    """
    import openpyxl

    _check_zip(data)
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False
        )
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise ImportRefused(
            _(
                "This workbook could not be opened: open it in Excel, save it "
                "again as .xlsx (not strict Open XML), and upload that."
            )
        ) from exc
    try:
        if not workbook.worksheets:
            raise ImportRefused(_("The workbook has no sheets of cells to import."))
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers record the wrong size
        rows = sheet.iter_rows()
        number = 0
        while True:
            try:
                row = next(rows, None)
            except Exception as exc:  # a damaged sheet fails part way
                raise ImportRefused(
                    _(
                        "This workbook could not be read: open it in Excel, save "
                        "it again as .xlsx, and upload that."
                    )
                ) from exc
            if row is None:
                return
            # Missing rows come back empty, so counting gives the row number.
            number += 1
            yield number, [_xlsx_value(cell) for cell in row]
    finally:
        workbook.close()


def _xlsx_value(cell):
    value = cell.value
    if cell.data_type == "f":
        return Formula(value if isinstance(value, str) else "=")
    if isinstance(value, str):
        text, quoted = unquote(value.strip())
        if quoted or _quote_prefixed(cell):
            return text  # explicitly text: "=1" typed as '=1, or our own export
        if looks_like_formula(value):
            return Formula(value)
        return value.strip()
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and "%" in (getattr(cell, "number_format", None) or "")
    ):
        # A cell formatted as a percentage holds 0.5 for "50%".
        return round(value * 100, 9)
    return value


def _quote_prefixed(cell):
    """Whether a workbook cell carries the "quote prefix" style: the
    spreadsheet's mark for text that must stay text (Excel sets it when
    "=1" is typed as "'=1"; `governance.spreadsheets` sets it on export)."""
    style = getattr(cell, "style_array", None)
    return bool(style is not None and style.quotePrefix)


def _is_blank(cell):
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _rows_from(raw_rows):
    """Match the header row to `COLUMNS`; turn the other rows into dicts."""
    raw_rows = iter(raw_rows)
    header = None
    for _number, cells in raw_rows:
        header = cells
        break
    if header is None or all(_is_blank(cell) for cell in header):
        raise ImportRefused(
            _(
                "The first row must be the header row naming the columns "
                "(%(columns)s): it is empty."
            )
            % {"columns": ", ".join(c.label for c in COLUMNS)}
        )
    positions = {}
    for index, cell in enumerate(header):
        key = _column_key(cell)
        if key is None:
            continue
        if key in positions:
            raise ImportRefused(
                _("The header row names the column “%(label)s” twice.")
                % {"label": COLUMNS_BY_KEY[key].label}
            )
        positions[key] = index
    missing = [c.label for c in REQUIRED_COLUMNS if c.key not in positions]
    if missing:
        raise ImportRefused(
            _(
                "The header row (row 1) is missing the column(s) %(missing)s: "
                "download the template to see the columns it needs."
            )
            % {"missing": ", ".join(f"“{label}”" for label in missing)}
        )

    rows = []
    for number, cells in raw_rows:
        row = {}
        for key, index in positions.items():
            cell = cells[index] if index < len(cells) else None
            if isinstance(cell, str) and not isinstance(cell, Formula):
                cell = cell.strip()
            row[key] = cell
        if all(_is_blank(cell) for cell in row.values()):
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportRefused(
                _(
                    "The file has more than %(max)s rows of items: split it into "
                    "files of %(max)s rows or fewer."
                )
                % {"max": f"{MAX_ROWS:,}"}
            )
        row[ROW_NUMBER] = number
        rows.append(row)
    if not rows:
        raise ImportRefused(
            _("The file has a header row but no items below it: nothing to import.")
        )
    return rows


# --- checking the rows ----------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem: the spreadsheet row (the header is row 1), the column's
    label ("" when it is about the row as a whole) and what to do."""

    row_number: int
    column: str
    message: str

    def __str__(self):
        if self.column:
            return _("Row %(row)s, %(column)s: %(message)s") % {
                "row": self.row_number,
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(row)s: %(message)s") % {
            "row": self.row_number,
            "message": self.message,
        }


@dataclass
class ImportedRow:
    """A good row: the unsaved item and the departments to give it."""

    row_number: int
    item: WorkplanItem
    departments: list[Department] = field(default_factory=list)


@dataclass
class ImportResult:
    """What `validate` found: the good rows (`items`) and every problem
    (`errors`, in row order). Import only when `ok`."""

    items: list[ImportedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    row_count: int = 0

    @property
    def ok(self):
        return not self.errors and bool(self.items)

    def errors_by_row(self) -> dict[int, list[RowError]]:
        """The errors grouped by row number, in row order (for a preview)."""
        grouped = {}
        for error in self.errors:
            grouped.setdefault(error.row_number, []).append(error)
        return grouped

    @property
    def rows_with_errors(self):
        return len({error.row_number for error in self.errors})


class _CellError(Exception):
    pass


def _cell_text(value):
    """A cell as text: numbers without a needless ".0", dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _choice_index(choices, *extra):
    """Normalised text → value for a TextChoices: its values and labels."""
    index = {}
    for value, label in choices.choices:
        index[_norm(value)] = value
        index[_norm(label)] = value
    for text, value in extra:
        index[_norm(text)] = value
    return index


_CATEGORIES = _choice_index(
    Confidence,
    ("Future works", Confidence.FUTURE_WORKS),
    ("Future work", Confidence.FUTURE_WORKS),
    ("Confident", Confidence.CONFIDENT),
    ("Early discovery", Confidence.EARLY_DISCOVERY),
)
_WORK_TYPES = _choice_index(
    WorkType,
    ("Statutory or immediate", WorkType.STATUTORY),
    ("Urgent or remedial", WorkType.URGENT),
    ("Remedial", WorkType.URGENT),
    ("Service plan", WorkType.SERVICE_PLAN),
)
_STATUSES = _choice_index(DeliveryStatus)
_RAGS = _choice_index(Rag, ("R", Rag.RED), ("A", Rag.AMBER), ("G", Rag.GREEN))

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_UK_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_AMOUNT = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)$")

#: Model field → import column key, for errors the model's own checks find.
_FIELD_COLUMNS = {column.key: column.key for column in COLUMNS}


class _Checker:
    """Checks rows against one workplan, with every lookup done up front."""

    def __init__(self, workplan):
        self.workplan = workplan
        themes = list(Theme.objects.filter(strategy_id=workplan.strategy_id))
        self.themes = themes
        self.theme_by_title = {_norm(t.title): t for t in themes}
        self.theme_by_position = {t.position: t for t in themes}
        departments = list(
            Department.objects.filter(organisation_id=workplan.organisation_id)
        )
        self.departments = departments
        self.department_by_name = {_norm(d.name): d for d in departments}
        officers = list(
            Membership.objects.current()
            .filter(organisation_id=workplan.organisation_id, role=Role.OFFICER)
            .select_related("user")
        )
        self.officers = officers
        self.officer_by_username = {_norm(m.user.get_username()): m for m in officers}
        self.officers_by_name = {}
        for membership in officers:
            name = _norm(membership.user.get_full_name())
            if name:
                self.officers_by_name.setdefault(name, []).append(membership)
        self.existing_references = {
            _norm(reference)
            for reference in WorkplanItem.objects.filter(
                workplan_id=workplan.pk
            ).values_list("reference", flat=True)
        }
        self.references_seen = {}
        self.parsers = {
            "reference": lambda v: self.text("reference", v, 20),
            "title": lambda v: self.text("title", v, 300),
            "description": lambda v: self.text("description", v),
            "theme": self.theme,
            "category": lambda v: self.choice(
                "category", v, _CATEGORIES, "C, ED or Future works"
            ),
            "work_type": lambda v: self.choice(
                "work_type", v, _WORK_TYPES, "statutory, urgent or service-plan"
            ),
            "departments": self.departments_of,
            "lead_officer": self.lead_officer,
            "sponsor": lambda v: self.text("sponsor", v, 200),
            "start_date": self.date,
            "target_date": self.date,
            "budget": self.budget,
            "delivery_status": lambda v: self.choice(
                "delivery_status",
                v,
                _STATUSES,
                _labels(DeliveryStatus),
                DeliveryStatus.NOT_STARTED,
            ),
            "rag": lambda v: self.choice("rag", v, _RAGS, "Red, Amber or Green"),
            "rag_reason": lambda v: self.text("rag_reason", v),
            "percent_complete": self.percent,
        }

    # Each parser takes the cell as read and returns the field's value, or
    # raises _CellError with the message to show.

    def text(self, key, value, max_length=None):
        text = _cell_text(value)
        column = COLUMNS_BY_KEY[key]
        if column.required and not text:
            raise _CellError(_("%(label)s is required.") % {"label": column.label})
        if max_length and len(text) > max_length:
            raise _CellError(
                _("Keep it to %(max)s characters or fewer (it has %(count)s).")
                % {"max": max_length, "count": len(text)}
            )
        return text

    def choice(self, key, value, index, allowed, default=""):
        text = _cell_text(value)
        column = COLUMNS_BY_KEY[key]
        if not text:
            if column.required:
                raise _CellError(
                    _("%(label)s is required: use %(allowed)s.")
                    % {"label": column.label, "allowed": allowed}
                )
            return default
        found = index.get(_norm(text))
        if found is None:
            raise _CellError(
                _("“%(value)s” is not allowed: use %(allowed)s.")
                % {"value": text, "allowed": allowed}
            )
        return found

    def theme(self, value):
        text = _cell_text(value)
        if not text:
            return None
        found = self.theme_by_title.get(_norm(text))
        if found is None and text.isdigit():
            found = self.theme_by_position.get(int(text))
        if found is None:
            numbered = re.match(r"^(\d+)[.):\s-]+(.+)$", text)
            if numbered:
                candidate = self.theme_by_position.get(int(numbered.group(1)))
                if candidate and _norm(candidate.title) == _norm(numbered.group(2)):
                    found = candidate
        if found is None:
            known = "; ".join(f"{t.position} {t.title}" for t in self.themes)
            raise _CellError(
                _(
                    "No theme “%(value)s” in this workplan's strategy: use a "
                    "theme's title or number (%(known)s)."
                )
                % {"value": text, "known": known or _("it has no themes yet")}
            )
        return found

    def departments_of(self, value):
        text = _cell_text(value)
        found, unknown = [], []
        for name in text.split(";"):
            name = name.strip()
            if not name:
                continue
            department = self.department_by_name.get(_norm(name))
            if department is None:
                unknown.append(name)
            elif department not in found:
                found.append(department)
        if unknown:
            known = "; ".join(d.name for d in self.departments)
            raise _CellError(
                _(
                    "Unknown department(s): %(unknown)s. The council's "
                    "departments are: %(known)s."
                )
                % {
                    "unknown": ", ".join(f"“{name}”" for name in unknown),
                    "known": known or _("none yet (ask an administrator)"),
                }
            )
        return found

    def lead_officer(self, value):
        text = _cell_text(value)
        if not text:
            return None
        found = self.officer_by_username.get(_norm(text))
        if found is not None:
            return found
        by_name = self.officers_by_name.get(_norm(text), [])
        if len(by_name) == 1:
            return by_name[0]
        if len(by_name) > 1:
            raise _CellError(
                _(
                    "More than one officer is called “%(value)s”: use their "
                    "username (%(usernames)s)."
                )
                % {
                    "value": text,
                    "usernames": ", ".join(m.user.get_username() for m in by_name),
                }
            )
        raise _CellError(
            _(
                "“%(value)s” is not an officer of this council: use the username "
                "or full name of one of its officers."
            )
            % {"value": text}
        )

    def date(self, value):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, int | float):
            raise _CellError(
                _(
                    "%(value)s is a number, not a date: format the cell as a "
                    "date, or type it as 2022-04-01 or 01/04/2022."
                )
                % {"value": _cell_text(value)}
            )
        text = _cell_text(value)
        iso, uk = _ISO_DATE.match(text), _UK_DATE.match(text)
        if iso:
            year, month, day = (int(part) for part in iso.groups())
        elif uk:
            day, month, year = (int(part) for part in uk.groups())
        else:
            raise _CellError(
                _("“%(value)s” is not a date: type it as 2022-04-01 or 01/04/2022.")
                % {"value": text}
            )
        try:
            return datetime.date(year, month, day)
        except ValueError as exc:
            raise _CellError(
                _(
                    "“%(value)s” is not a real date (check the day and the "
                    "month): type it as 2022-04-01 or 01/04/2022."
                )
                % {"value": text}
            ) from exc

    def budget(self, value):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool) or isinstance(value, datetime.date):
            raise _CellError(_("Type an amount in pounds, such as 25000."))
        if isinstance(value, float):
            if abs(value - round(value, 2)) > 1e-6:
                raise _CellError(_("Give the amount in pounds and pence at most."))
            amount = Decimal(str(round(value, 2)))
        elif isinstance(value, int | Decimal):
            amount = Decimal(value)
        else:
            text = _cell_text(value)
            cleaned = re.sub(r"[£,\s]", "", text)
            if cleaned.upper().startswith("GBP"):
                cleaned = cleaned[3:]
            if not _AMOUNT.match(cleaned):
                raise _CellError(
                    _("“%(value)s” is not an amount: type it as 25000 or £25,000.")
                    % {"value": text}
                )
            try:
                amount = Decimal(cleaned)
            except InvalidOperation as exc:  # pragma: no cover - regex guards it
                raise _CellError(_("Type an amount in pounds, such as 25000.")) from exc
        if amount < 0:
            raise _CellError(_("A budget cannot be negative."))
        if amount != amount.quantize(Decimal("0.01")):
            raise _CellError(_("Give the amount in pounds and pence at most."))
        if amount >= Decimal("10000000000"):
            raise _CellError(_("The amount is too large (the most is £9,999,999,999)."))
        return amount.quantize(Decimal("0.01"))

    def percent(self, value):
        if value is None or (isinstance(value, str) and not value.strip()):
            return 0
        message = _("Type a whole number from 0 to 100 (“%(value)s” is not one).") % {
            "value": _cell_text(value)
        }
        if isinstance(value, bool):
            raise _CellError(message)
        if isinstance(value, float):
            if not value.is_integer():
                raise _CellError(message)
            number = int(value)
        elif isinstance(value, int):
            number = value
        else:
            text = _cell_text(value).rstrip("%").strip()
            if re.fullmatch(r"\d+(\.0+)?", text):
                number = int(text.split(".")[0])
            else:
                raise _CellError(message)
        if not 0 <= number <= 100:
            raise _CellError(message)
        return number

    # --- one row ----------------------------------------------------------------------

    def check(self, row):
        """(ImportedRow or None, [RowError]) for one row dict."""
        number = row.get(ROW_NUMBER, 0)
        errors = []
        values = {}

        def error(key, message):
            label = COLUMNS_BY_KEY[key].label if key else ""
            errors.append(RowError(number, label, message))

        failed = set()
        for column in COLUMNS:
            value = row.get(column.key)
            if isinstance(value, Formula):
                error(column.key, _("Formulas are not accepted: type the value."))
                failed.add(column.key)
                continue
            try:
                values[column.key] = self.parsers[column.key](value)
            except _CellError as exc:
                error(column.key, str(exc))
                failed.add(column.key)

        start, target = values.get("start_date"), values.get("target_date")
        if start and target and target < start:
            error(
                "target_date",
                _("The target date (%(target)s) is before the start date (%(start)s).")
                % {
                    "target": target.strftime("%d/%m/%Y"),
                    "start": start.strftime("%d/%m/%Y"),
                },
            )
            failed.add("target_date")
        if values.get("rag") == Rag.RED and not values.get("rag_reason"):
            if "rag_reason" not in failed:
                error("rag_reason", _("A red RAG status needs a reason."))
                failed.add("rag_reason")

        reference = values.get("reference")
        if reference:
            key = _norm(reference)
            if key in self.existing_references:
                error(
                    "reference",
                    _("“%(ref)s” is already used by an item in this workplan.")
                    % {"ref": reference},
                )
                failed.add("reference")
            elif key in self.references_seen:
                error(
                    "reference",
                    _("“%(ref)s” is also used on row %(row)s of this file.")
                    % {"ref": reference, "row": self.references_seen[key]},
                )
                failed.add("reference")
            else:
                self.references_seen[key] = number

        if errors:
            return None, errors

        departments = values.pop("departments")
        item = WorkplanItem(
            organisation_id=self.workplan.organisation_id,
            workplan=self.workplan,
            **values,
        )
        # The model's own field checks, as a safety net (no queries: the
        # related fields were looked up above).
        try:
            item.clean_fields(
                exclude=[
                    f.name
                    for f in WorkplanItem._meta.concrete_fields
                    if f.is_relation or f.name not in _FIELD_COLUMNS
                ]
            )
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    error(_FIELD_COLUMNS.get(name, ""), message)
            return None, errors
        return ImportedRow(number, item, departments), []


def validate(workplan, rows) -> ImportResult:
    """Check every row of `rows` (from `read_rows`) for `workplan`.

    Returns an `ImportResult`: the good rows as unsaved items with their
    departments, and every problem by row and column. Nothing is written.
    Costs four queries however many rows there are.
    """
    checker = _Checker(workplan)
    result = ImportResult(row_count=len(rows))
    for row in rows:
        imported, errors = checker.check(row)
        if imported is not None:
            result.items.append(imported)
        result.errors.extend(errors)
    return result


# --- saving ---------------------------------------------------------------------------


def import_reason(filename):
    name = os.path.basename(str(filename or "")).strip() or _("a spreadsheet")
    if len(name) > 80:
        name = name[:79] + "…"
    return _("Imported from %(filename)s") % {"filename": name}


def save(workplan, result, user, filename) -> int:
    """Save every item of a `validate` result, all or nothing; return how many.

    Refuses (`ImportRefused`) a result with errors or no items, or one whose
    references have been taken since it was validated. Items go after the
    workplan's existing ones, in file order, each with a history row by `user`
    saying "Imported from <filename>" (departments included).
    """
    if result.errors:
        raise ImportRefused(
            _(
                "The file has %(count)s problem(s): correct them and upload it "
                "again. Nothing was imported."
            )
            % {"count": len(result.errors)}
        )
    if not result.items:
        raise ImportRefused(_("There are no items to import."))
    reason = import_reason(filename)
    with transaction.atomic():
        # One import (or edit of the item order) at a time per workplan.
        list(
            type(workplan)
            ._base_manager.select_for_update()
            .filter(pk=workplan.pk)
            .values_list("pk", flat=True)
        )
        references = {_norm(row.item.reference): row for row in result.items}
        taken = [
            reference
            for reference in WorkplanItem.objects.filter(
                workplan_id=workplan.pk
            ).values_list("reference", flat=True)
            if _norm(reference) in references
        ]
        if taken:
            raise ImportRefused(
                _(
                    "Since the file was checked, items with the reference(s) "
                    "%(refs)s were added to the workplan: check the file and "
                    "upload it again. Nothing was imported."
                )
                % {"refs": ", ".join(sorted(taken))}
            )
        last = WorkplanItem.objects.filter(workplan_id=workplan.pk).aggregate(
            last=Max("position")
        )["last"]
        position = 0 if last is None else last + 1
        items = []
        for offset, row in enumerate(result.items):
            item = row.item
            item.pk = None
            item.workplan = workplan
            item.organisation_id = workplan.organisation_id
            item.position = position + offset
            item.created_by = user
            items.append(item)
        try:
            with transaction.atomic():
                bulk_create_with_history(
                    items,
                    WorkplanItem,
                    default_user=user,
                    default_change_reason=reason,
                )
        except IntegrityError as exc:
            raise ImportRefused(
                _(
                    "The items could not be saved because the workplan changed "
                    "while they were imported: upload the file again."
                )
            ) from exc
        _set_departments(result.items, reason)
        # Its list of items changed: a form on the workplan loaded before
        # the import is refused (`docs/edits.md`).
        move_on(workplan)
    return len(items)


def _set_departments(rows, reason):
    """Link the saved items to their departments, and record the links on
    each item's creation history row (as a form save would)."""
    through = WorkplanItem.departments.through
    links = through.objects.bulk_create(
        [
            through(workplanitem_id=row.item.pk, department_id=department.pk)
            for row in rows
            for department in row.departments
        ]
    )
    if not links:
        return
    history = WorkplanItem.history.model
    history_ids = dict(
        history.objects.filter(
            id__in={link.workplanitem_id for link in links},
            history_type="+",
        ).values_list("id", "history_id")
    )
    link_history = history.departments.model
    link_history.objects.bulk_create(
        [
            link_history(
                id=link.pk,
                workplanitem_id=link.workplanitem_id,
                department_id=link.department_id,
                history_id=history_ids[link.workplanitem_id],
            )
            for link in links
        ]
    )


# --- the upload kept between the preview and the confirmation --------------------

#: An upload not confirmed within this time must be chosen again.
UPLOAD_MAX_AGE = datetime.timedelta(hours=1)


class UploadNotFound(ImportRefused):
    """The upload being confirmed is not kept: never uploaded, already
    imported, expired, or kept for another workplan or another preview."""

    def __init__(self):
        super().__init__(
            _("Your upload has expired or was not found. Choose the file again.")
        )


def _upload_key(workplan):
    return f"workplan-import-{workplan.pk}"


def keep_upload(session, workplan, data, filename) -> str:
    """Keep the file in `session` for its confirmation (replacing any earlier
    one for `workplan`); return the token the confirmation must send."""
    token = secrets.token_urlsafe(16)
    session[_upload_key(workplan)] = {
        "token": token,
        "workplan": workplan.pk,
        "name": str(filename or ""),
        "data": base64.b64encode(data).decode("ascii"),
        "kept_at": time.time(),
    }
    return token


def take_upload(session, workplan, token) -> tuple[bytes, str]:
    """(data, filename) of the upload kept for `workplan` under `token`.

    Raises `UploadNotFound` when there is none, the token is not its token
    (a stale or forged confirmation: the kept upload stays for the right
    one), or it was kept for another workplan; and also forgets it when it
    is older than `UPLOAD_MAX_AGE` or damaged. Taking does not forget:
    `forget_upload` once it is imported.
    """
    kept = session.get(_upload_key(workplan))
    if not isinstance(kept, dict):
        raise UploadNotFound
    try:
        fresh = 0 <= time.time() - kept["kept_at"] <= UPLOAD_MAX_AGE.total_seconds()
        data = base64.b64decode(kept["data"], validate=True) if fresh else None
        name, mine = str(kept["name"]), str(kept["token"])
    except (KeyError, TypeError, ValueError):  # damaged
        data = None
    if data is None:
        forget_upload(session, workplan)
        raise UploadNotFound
    if not (
        isinstance(token, str)
        and secrets.compare_digest(token.encode(), mine.encode())
        and kept.get("workplan") == workplan.pk
    ):
        raise UploadNotFound
    return data, name


def forget_upload(session, workplan):
    session.pop(_upload_key(workplan), None)


# --- the template ---------------------------------------------------------------------


def _example_row(workplan=None):
    """The template's example row, fitted to `workplan` when given."""
    example = {column.key: column.example for column in COLUMNS}
    if workplan is not None:
        year = workplan.financial_year
        example["start_date"] = f"{year}-04-01"
        example["target_date"] = f"{year + 1}-03-31"
        theme = (
            Theme.objects.filter(strategy_id=workplan.strategy_id)
            .order_by("position")
            .first()
        )
        if theme is not None:
            example["theme"] = theme.title
        department = Department.objects.filter(
            organisation_id=workplan.organisation_id
        ).first()
        if department is not None:
            example["departments"] = department.name
    return example


def template_csv(workplan=None) -> bytes:
    """A CSV file to fill in: the header row and one example row.

    Encoded as UTF-8 with a byte-order mark, so Excel shows "£" correctly.
    Given a `workplan`, the example uses its dates, first theme and first
    department.
    """
    example = _example_row(workplan)
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow([column.label for column in COLUMNS])
    writer.writerow([example[column.key] for column in COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def template_xlsx(workplan=None) -> bytes:
    """An Excel workbook to fill in: a "Workplan items" sheet with the header
    row and one example row (real dates, drop-down lists for the fixed
    choices), and a "Guidance" sheet describing every column and listing the
    allowed values (and, given a `workplan`, its themes, departments and
    officers)."""
    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    example = _example_row(workplan)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Workplan items"
    append_row(sheet, [column.label for column in COLUMNS])
    cells = []
    for column in COLUMNS:
        value = example[column.key]
        if column.key in ("start_date", "target_date") and value:
            value = datetime.date.fromisoformat(value)
        elif column.key in ("budget", "percent_complete") and value:
            value = int(value)
        cells.append(value)
    append_row(sheet, cells)
    for index, column in enumerate(COLUMNS, start=1):
        letter = openpyxl.utils.get_column_letter(index)
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[letter].width = max(14, len(column.label) + 4)
        if column.key in ("start_date", "target_date"):
            sheet.cell(row=2, column=index).number_format = "dd/mm/yyyy"
        lists = {
            "category": ["C", "ED", "Future works"],
            "work_type": [label for label in WorkType.labels],
            "delivery_status": [label for label in DeliveryStatus.labels],
            "rag": [label for label in Rag.labels],
        }
        if column.key in lists:
            choices = ",".join(str(choice) for choice in lists[column.key])
            validation = DataValidation(
                type="list", formula1=f'"{choices}"', allow_blank=True
            )
            validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"

    guidance = workbook.create_sheet("Guidance")
    append_row(guidance, ["Column", "Required", "What to enter"])
    for column in COLUMNS:
        append_row(
            guidance,
            [column.label, "Yes" if column.required else "No", column.guidance],
        )
    append_row(guidance, [])
    append_row(guidance, ["Allowed values"])
    allowed = [
        ("Category", [f"{value} – {label}" for value, label in Confidence.choices]),
        ("Work type", [f"{value} – {label}" for value, label in WorkType.choices]),
        ("Delivery status", [str(label) for label in DeliveryStatus.labels]),
        ("RAG", [str(label) for label in Rag.labels]),
    ]
    if workplan is not None:
        allowed.append(
            (
                "Theme",
                [
                    f"{t.position} – {t.title}"
                    for t in Theme.objects.filter(strategy_id=workplan.strategy_id)
                ],
            )
        )
        allowed.append(
            (
                "Departments",
                [
                    d.name
                    for d in Department.objects.filter(
                        organisation_id=workplan.organisation_id
                    )
                ],
            )
        )
        allowed.append(
            (
                "Lead officer",
                [
                    f"{m.user.get_username()} – {m.user.get_full_name()}".rstrip(" –")
                    for m in Membership.objects.current()
                    .filter(organisation_id=workplan.organisation_id, role=Role.OFFICER)
                    .select_related("user")
                ],
            )
        )
    for label, values in allowed:
        append_row(guidance, [label, "", "; ".join(values) or "(none yet)"])
    append_row(guidance, [])
    append_row(
        guidance,
        [
            "Notes",
            "",
            "Type values, not formulas: cells with formulas are refused. The "
            "first sheet is imported; row 1 must be the header row. Up to "
            f"{MAX_ROWS:,} rows and 5 MB.",
        ],
    )
    for cell in guidance[1]:
        cell.font = Font(bold=True)
    guidance.column_dimensions["A"].width = 20
    guidance.column_dimensions["B"].width = 10
    guidance.column_dimensions["C"].width = 90
    for row in guidance.iter_rows(min_col=3, max_col=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
