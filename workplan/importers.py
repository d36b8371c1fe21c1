"""Importing workplan items from a spreadsheet (CSV or Excel .xlsx).

Reading, checking and saving; the officer's choices between them (what
each column holds, what unreadable values mean) are `import_mapping`'s:

    sheet = spreadsheet_reader.read_sheet(upload)  # ImportRefused: the file
    # import_mapping.keep(...) keeps its cells; the officer chooses columns
    rows = import_mapping.rows_for_checking(kept)
    result = validate(workplan, rows, columns=..., values=...)  # no writes
    # preview: result.items, result.errors (by row and the file's column
    # name, with the cell), result.warnings (readings to check)
    count = save(workplan, result, request.user, filename=...)

`save` refuses a result with any error, so the import is all or nothing.
Values are read as councils write them (`import_values`): status words kept
as "status as reported", dates as financial years, quarters or months kept
as written, blank percentages not stated (never 0 %). `read_rows` reads a
file in the template's own layout (headers named as `COLUMNS` names them).
`template_csv()` and `template_xlsx()` give the file to fill in: the header
row of `COLUMNS` and one example row (and, in the workbook, a "Guidance"
sheet of allowed values).

Lookups are done once per file (themes, departments, officers, references
already used), so validating 5,000 rows costs a handful of queries.
"""

import datetime
import io
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from governance.choices import Role
from governance.history import save_with_reason
from governance.models import Membership
from governance.spreadsheets import append_row, csv_writer
from governance.versioned import move_on
from strategy.models import Theme

from .choices import Confidence, DeliveryStatus, Rag, WorkType
from .import_values import (
    Unreadable,
    rag_from_words,
    read_date,
    read_percent,
    status_from_words,
)
from .models import Department, ProgressNote, Variation, WorkplanItem

#: Data rows one file may hold (`spreadsheet_reader` stops reading past them).
MAX_ROWS = 5000


class ImportRefused(Exception):
    """The file as a whole cannot be imported; `str(exc)` says why, in one
    sentence a person can act on."""


class Formula(str):
    """A cell holding a formula (or text that a spreadsheet would run as one).

    `spreadsheet_reader` marks such cells and refuses the file, naming them;
    `validate` also reports one by row and column if it meets one in rows
    built some other way. It is never imported.
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
        "Up to 20 characters, different for each item in the workplan. "
        "Without a reference column, items are numbered 1, 2, 3… in file order.",
        "WP-01",
        ("ref", "item reference", "id", "no", "no.", "number", "project ref", "#"),
    ),
    Column(
        "title",
        "Title",
        True,
        "Up to 300 characters.",
        "Replace the telephony system",
        (
            "item",
            "item title",
            "project",
            "project name",
            "project title",
            "name",
            "initiative",
            "deliverable",
            "activity",
        ),
    ),
    Column(
        "description",
        "Description",
        False,
        "Any length.",
        "Move the contact centre to cloud telephony before the contract ends.",
        ("summary", "details", "detail", "scope", "project description", "overview"),
    ),
    Column(
        "theme",
        "Theme",
        False,
        "The title of one of the strategy's themes, or its number (1, 2, 3…).",
        "1",
        ("strategy theme", "strategic theme", "priority", "strategic priority"),
    ),
    Column(
        "category",
        "Category",
        False,
        "C (confident of scope), ED (early discovery) or Future works (FW). "
        "Empty means not stated.",
        "C",
        ("confidence", "confidence category"),
    ),
    Column(
        "work_type",
        "Work type",
        False,
        "One of: statutory, urgent, service-plan (or their full wording). "
        "Empty means not stated.",
        "Statutory or immediate obligation",
        ("type", "type of work"),
    ),
    Column(
        "departments",
        "Departments",
        False,
        "Names of the council's departments, separated by semicolons (;). "
        "Departments the council does not have yet can be added by the import.",
        "",
        ("department", "directorate", "service", "service area", "business area"),
    ),
    Column(
        "lead_officer",
        "Lead officer",
        False,
        "The username or full name of one of the council's officers, or the "
        "name of someone without an account (kept as the named lead).",
        "",
        (
            "lead",
            "owner",
            "project manager",
            "responsible officer",
            "project lead",
            "officer",
            "lead (named)",
        ),
    ),
    Column(
        "sponsor",
        "Sponsor",
        False,
        "Up to 200 characters: the sponsor or executive board.",
        "Executive Board",
        ("sponsor or executive board", "executive sponsor", "project sponsor"),
    ),
    Column(
        "start_date",
        "Start date",
        False,
        "A date (01/04/2022, 1 April 2022, 2022-04-01, or an Excel date), a "
        "month (April 2022), a financial year (2022/23) or a quarter (Q1 "
        "2022/23): a period starts on its first day and is shown as written.",
        "2022-04-01",
        ("start", "start as written", "begin"),
    ),
    Column(
        "target_date",
        "Target date",
        False,
        "Written as the start date is; a period ends on its last day (2022/23: "
        "31 March 2023). Text that is not a date (“ongoing”) is kept as written.",
        "2023-03-31",
        (
            "target",
            "due date",
            "end date",
            "due",
            "end",
            "deadline",
            "completion date",
            "target completion",
            "delivery date",
            "target as written",
        ),
    ),
    Column(
        "budget",
        "Budget",
        False,
        "An amount in pounds: 25000, £25,000 or 25000.50.",
        "25000",
        ("budget (£)", "budget £", "budget (gbp)", "cost", "estimated cost"),
    ),
    Column(
        "delivery_status",
        "Delivery status",
        False,
        f"One of: {_labels(DeliveryStatus)}. Empty means not stated.",
        "Not started",
    ),
    Column(
        "status_as_reported",
        "Status as reported",
        False,
        "The council's own words for the item's status, kept as written; the "
        "delivery status is read from them where they are clear.",
        "",
        ("status", "current status", "project status", "progress", "stage"),
    ),
    Column(
        "rag",
        "RAG",
        False,
        "Red, Amber or Green (R, A or G; any case), or empty.",
        "Green",
        ("rag status", "rag rating", "status colour", "overall rag"),
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
        "A whole number from 0 to 100. Empty means not stated (not 0%).",
        "0",
        ("% complete", "percent", "percentage complete", "progress %", "complete %"),
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


# --- reading a file in the template's layout ----------------------------------------


def read_rows(uploaded_file) -> list[dict]:
    """The data rows of a file in the template's own layout (headers named
    as `COLUMNS` names them), read by `spreadsheet_reader.read_sheet`: each
    row a dict keyed by column key, with the spreadsheet row number under
    `ROW_NUMBER`. Columns `COLUMNS` does not know are left out. For the
    council's own layouts, the pages go through `import_mapping` instead.

    Raises `ImportRefused` for what the reader refuses, and for a header
    row that names a column twice or lacks a required one.
    """
    from .spreadsheet_reader import read_sheet

    sheet = read_sheet(uploaded_file)
    positions = {}
    for index, header in enumerate(sheet.headers):
        key = _column_key(header)
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
                "The header row (row %(row)s) is missing the column(s) "
                "%(missing)s: download the template to see the columns it needs."
            )
            % {
                "row": sheet.header_row,
                "missing": ", ".join(f"“{label}”" for label in missing),
            }
        )
    rows = []
    for number, cells in sheet.rows:
        row = {
            key: cells[index] if index < len(cells) else None
            for key, index in positions.items()
        }
        if all(_is_blank(cell) for cell in row.values()):
            continue
        row[ROW_NUMBER] = number
        rows.append(row)
    if not rows:
        raise ImportRefused(
            _("The file has a header row but no items below it: nothing to import.")
        )
    return rows


def _is_blank(cell):
    return cell is None or (isinstance(cell, str) and not cell.strip())


# --- checking the rows ----------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem: the spreadsheet row (the header is row 1), the column as
    the file names it ("" when it is about the row as a whole), what to do,
    and the cell ("D7") when the column is known."""

    row_number: int
    column: str
    message: str
    cell: str = ""

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


class RowWarning(RowError):
    """A reading the officer should see (a guessed date, status words read
    as a status, a lead kept by name): shown apart from errors, never
    blocking."""


@dataclass
class ImportedRow:
    """A good row: the unsaved item, the departments to give it (existing,
    and names to create), its note, and what was guessed (field names)."""

    row_number: int
    item: WorkplanItem
    departments: list[Department] = field(default_factory=list)
    new_departments: list[str] = field(default_factory=list)
    note: str = ""
    guessed: set = field(default_factory=set)
    #: For a row updating an item already in the workplan: the item, and
    #: what the file changes on it (`Change`s; empty: nothing to change).
    existing: WorkplanItem | None = None
    changes: list = field(default_factory=list)

    @property
    def progress_changes(self):
        return [c for c in self.changes if c.field in PROGRESS_FIELDS]

    @property
    def plan_changes(self):
        """Changes to what was approved (scope or dates): variations once
        the plan is approved."""
        return [c for c in self.changes if c.field not in PROGRESS_FIELDS]


#: Fields an update of progress changes; any other change to an approved
#: plan's item is a variation.
PROGRESS_FIELDS = frozenset(
    {"delivery_status", "status_as_reported", "rag", "rag_reason", "percent_complete"}
)
#: Fields a file's row can change on an existing item, in the order shown.
UPDATABLE_FIELDS = [
    "title",
    "description",
    "theme",
    "category",
    "work_type",
    "departments",
    "lead_officer",
    "lead_name",
    "sponsor",
    "start_date",
    "start_as_written",
    "target_date",
    "target_as_written",
    "budget",
    "delivery_status",
    "status_as_reported",
    "rag",
    "rag_reason",
    "percent_complete",
]


@dataclass(frozen=True)
class Change:
    """One field of an existing item the file changes: before and after,
    as shown, and the new value."""

    field: str
    label: str
    before: str
    after: str
    value: object = None


@dataclass
class ImportResult:
    """What `validate` found: the good rows (`items`), every problem
    (`errors`, in row order) and every reading to look at (`warnings`).
    Import only when `ok`."""

    items: list[ImportedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    row_count: int = 0

    #: Rows refused because their reference is an existing item's (they
    #: could update it instead).
    taken: int = 0

    @property
    def new_rows(self):
        return [row for row in self.items if row.existing is None]

    @property
    def updates(self):
        """Rows that change an item already in the workplan."""
        return [row for row in self.items if row.existing is not None and row.changes]

    @property
    def unchanged(self):
        return [
            row for row in self.items if row.existing is not None and not row.changes
        ]

    @property
    def new_departments(self):
        names = {}
        for row in self.items:
            for name in row.new_departments:
                names.setdefault(_norm(name), name)
        return list(names.values())

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
    """Checks rows against one workplan, with every lookup done up front.

    `columns` names each field's column as the file does ({key: (index,
    header)}; the template's labels when not given); `values` holds the
    officer's reading of values the importer could not read ({key: {value
    as compared: value meant}}); `create_departments` lets unknown
    department names through, to be created on saving."""

    def __init__(
        self,
        workplan,
        columns=None,
        values=None,
        create_departments=False,
        update_existing=False,
    ):
        self.workplan = workplan
        self.update_existing = update_existing
        self.columns = columns or {}
        self.values = values or {}
        self.create_departments = create_departments
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
        self.taken = 0
        self.existing_items = {}
        if update_existing:
            self.existing_items = {
                _norm(item.reference): item
                for item in WorkplanItem.objects.filter(workplan_id=workplan.pk)
                .select_related("theme", "lead_officer__user")
                .prefetch_related("departments")
            }
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
            "start_date": lambda v: self.date(v, end=False),
            "target_date": lambda v: self.date(v, end=True),
            "budget": self.budget,
            "delivery_status": self.delivery_status,
            "status_as_reported": lambda v: self.text("status_as_reported", v),
            "rag": self.rag,
            "rag_reason": lambda v: self.text("rag_reason", v),
            "percent_complete": self.percent,
        }
        #: Warnings of the row being checked: (key, message).
        self.row_warnings = []

    def warn(self, key, message):
        self.row_warnings.append((key, message))

    def chosen(self, key, text):
        """The officer's reading of `text` in `key`'s column, or None."""
        choices = self.values.get(key) or {}
        return choices.get(_norm(text))

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
            found = self.chosen(key, text)
        if found is None:
            raise _CellError(
                _(
                    "“%(value)s” is not allowed: use %(allowed)s, or say what "
                    "it means on the values page."
                )
                % {"value": text, "allowed": allowed}
            )
        return found

    def rag(self, value):
        text = _cell_text(value)
        if not text:
            return ""
        found = rag_from_words(text)
        if found is not None:
            if _norm(text) not in _RAGS:
                self.warn(
                    "rag",
                    _("“%(value)s” read as %(rag)s.")
                    % {"value": text, "rag": Rag(found).label},
                )
            return found
        found = self.chosen("rag", text)
        if found is None:
            raise _CellError(
                _(
                    "“%(value)s” is not a RAG rating: use Red, Amber or Green, or "
                    "say what it means on the values page."
                )
                % {"value": text}
            )
        return found

    def delivery_status(self, value):
        """From the "Delivery status" column: the product's own statuses
        (or clear words for one); empty means not stated."""
        text = _cell_text(value)
        if not text:
            return None
        found = _STATUSES.get(_norm(text)) or self.chosen("delivery_status", text)
        if found is None:
            found = status_from_words(text)
            if found is not None:
                self.warn(
                    "delivery_status",
                    _("“%(value)s” read as %(status)s.")
                    % {"value": text, "status": DeliveryStatus(found).label},
                )
        if found is None:
            raise _CellError(
                _(
                    "“%(value)s” is not a delivery status: use %(allowed)s, or "
                    "say what it means on the values page."
                )
                % {"value": text, "allowed": _labels(DeliveryStatus)}
            )
        return found

    def theme(self, value):
        text = _cell_text(value)
        if not text:
            return None
        chosen = self.chosen("theme", text)
        if chosen is not None:
            if chosen == "":
                return None
            by_pk = {str(theme.pk): theme for theme in self.themes}
            if chosen in by_pk:
                return by_pk[chosen]
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
        for name in split_departments(text, self.department_by_name):
            department = self.department_by_name.get(_norm(name))
            if department is None:
                if len(name) > 200:
                    raise _CellError(
                        _("A department's name can be 200 characters at most.")
                    )
                unknown.append(name)
            elif department not in found:
                found.append(department)
        if unknown and self.create_departments:
            return found, unknown
        if unknown:
            known = "; ".join(d.name for d in self.departments)
            raise _CellError(
                _(
                    "Unknown department(s): %(unknown)s. The council's "
                    "departments are: %(known)s."
                )
                % {
                    "unknown": ", ".join(f"“{name}”" for name in unknown),
                    "known": known or _("none yet"),
                }
                + " "
                + _("Add them on the values page, or correct the file.")
            )
        return found, []

    def lead_officer(self, value):
        """(officer's membership or None, the lead's name when it is no
        officer's)."""
        text = _cell_text(value)
        if not text:
            return None, ""
        found = self.officer_by_username.get(_norm(text))
        if found is not None:
            return found, ""
        by_name = self.officers_by_name.get(_norm(text), [])
        if len(by_name) == 1:
            return by_name[0], ""
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
        if len(text) > 200:
            raise _CellError(_("A lead's name can be 200 characters at most."))
        self.warn(
            "lead_officer",
            _("“%(value)s” has no account here: kept as the named lead.")
            % {"value": text},
        )
        return None, text

    def date(self, value, *, end):
        """(date or None, as written)."""
        key = "target_date" if end else "start_date"
        try:
            reading = read_date(value, end=end)
        except Unreadable as exc:
            raise _CellError(str(exc)) from exc
        if reading.warning:
            self.warn(key, reading.warning)
        return reading.value, reading.as_written

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
        try:
            reading = read_percent(value)
        except Unreadable as exc:
            raise _CellError(str(exc)) from exc
        if reading.warning:
            self.warn("percent_complete", reading.warning)
        return reading.value

    # --- one row ----------------------------------------------------------------------

    def column_name(self, key):
        if key in self.columns:
            return self.columns[key][1]
        return str(COLUMNS_BY_KEY[key].label) if key in COLUMNS_BY_KEY else ""

    def cell_ref(self, key, number):
        if key in self.columns:
            from .import_mapping import column_letter

            return f"{column_letter(self.columns[key][0])}{number}"
        return ""

    def check(self, row):
        """(ImportedRow or None, [RowError], [RowWarning]) for one row dict."""
        number = row.get(ROW_NUMBER, 0)
        errors = []
        values = {}
        self.row_warnings = []

        def error(key, message):
            errors.append(
                RowError(
                    number,
                    self.column_name(key) if key else "",
                    message,
                    self.cell_ref(key, number) if key else "",
                )
            )

        failed = set()
        for column in COLUMNS:
            if column.key not in row and column.key != "title":
                continue  # not a column of this file
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

        guessed = {key for key, _message in self.row_warnings}
        start, start_written = values.pop("start_date", (None, ""))
        target, target_written = values.pop("target_date", (None, ""))
        values.update(
            start_date=start,
            start_as_written=start_written,
            target_date=target,
            target_as_written=target_written,
        )
        if start and target and target < start:
            error(
                "target_date",
                _("The target date (%(target)s) is before the start date (%(start)s).")
                % {
                    "target": target_written or target.strftime("%d/%m/%Y"),
                    "start": start_written or start.strftime("%d/%m/%Y"),
                },
            )
            failed.add("target_date")
        lead, lead_name = values.pop("lead_officer", (None, ""))
        values.update(lead_officer=lead, lead_name=lead_name)
        departments, new_departments = values.pop("departments", ([], []))

        # The delivery status: its own column, else read from the status
        # words (or the officer's reading of them), else not stated.
        status = values.pop("delivery_status", None)
        reported = values.get("status_as_reported", "")
        if status is None and reported:
            status = status_from_words(reported) or self.chosen(
                "status_as_reported", reported
            )
            if status and _norm(reported) not in _STATUSES:
                self.warn(
                    "status_as_reported",
                    _("“%(value)s” read as %(status)s.")
                    % {"value": reported, "status": DeliveryStatus(status).label},
                )
                guessed.add("delivery_status")
            elif not status:
                self.warn(
                    "status_as_reported",
                    _("“%(value)s” kept as reported; delivery status not stated.")
                    % {"value": reported},
                )
        values["delivery_status"] = status or DeliveryStatus.NOT_STATED

        if values.get("rag") == Rag.RED and not values.get("rag_reason"):
            if "rag_reason" not in failed:
                if "rag_reason" in self.columns or not self.columns:
                    error("rag_reason", _("A red RAG status needs a reason."))
                    failed.add("rag_reason")
                else:
                    # The file has no column for reasons: the red stands,
                    # with the reason to be given on the item.
                    values["rag_reason"] = _("Not stated in the imported file.")
                    self.warn("rag", _("Red with no reason: give one on the item."))

        reference = values.get("reference")
        if reference:
            key = _norm(reference)
            if key in self.existing_items:
                if key in self.references_seen:
                    error(
                        "reference",
                        _("“%(ref)s” is also used on row %(row)s of this file.")
                        % {"ref": reference, "row": self.references_seen[key]},
                    )
                    failed.add("reference")
                self.references_seen[key] = number
            elif key in self.existing_references:
                error(
                    "reference",
                    _("“%(ref)s” is already used by an item in this workplan.")
                    % {"ref": reference},
                )
                failed.add("reference")
                self.taken += 1
            elif key in self.references_seen:
                error(
                    "reference",
                    _("“%(ref)s” is also used on row %(row)s of this file.")
                    % {"ref": reference, "row": self.references_seen[key]},
                )
                failed.add("reference")
            else:
                self.references_seen[key] = number

        warnings = [
            RowWarning(
                number, self.column_name(key), message, self.cell_ref(key, number)
            )
            for key, message in self.row_warnings
        ]
        if errors:
            return None, errors, warnings

        values.setdefault("percent_complete", None)  # not stated, not 0 %
        note = self.note_of(row.get("notes") or [])
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
                    if f.is_relation or f.name not in values
                ]
            )
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    error(_FIELD_COLUMNS.get(name, ""), message)
            return None, errors, warnings
        imported = ImportedRow(
            number, item, departments, new_departments, note, guessed
        )
        existing = self.existing_items.get(_norm(reference or ""))
        if existing is not None:
            imported.existing = existing
            imported.changes = self.changes_to(existing, imported, row)
        return imported, [], warnings

    def changes_to(self, existing, imported, row):
        """What the row changes on `existing`: every field the file gives a
        value for that differs. A blank cell, a percentage not stated or a
        status not stated never clears what the item holds."""
        item = imported.item
        given = set(row)
        if "start_date" in given:
            given.add("start_as_written")
        if "target_date" in given:
            given.add("target_as_written")
        if "lead_officer" in given:
            given.add("lead_name")
        if "status_as_reported" in given:
            given.add("delivery_status")
        changes = []
        for name in UPDATABLE_FIELDS:
            if name not in given:
                continue
            if name == "departments":
                after = list(imported.departments)
                before = list(existing.departments.all())
                if (after or imported.new_departments) and (
                    {d.pk for d in after} != {d.pk for d in before}
                    or imported.new_departments
                ):
                    changes.append(
                        Change(
                            name,
                            _("Departments"),
                            "; ".join(d.name for d in before),
                            "; ".join(
                                [d.name for d in after] + imported.new_departments
                            ),
                            after,
                        )
                    )
                continue
            new, old = getattr(item, name), getattr(existing, name)
            stated = new not in (None, "") and new != DeliveryStatus.NOT_STATED
            if name == "rag_reason" and new == _("Not stated in the imported file."):
                stated = not old
            if name in ("start_as_written", "target_as_written", "lead_name"):
                # Follow their date or lead: cleared when a plain date or an
                # officer replaces them.
                partner = {
                    "start_as_written": "start_date",
                    "target_as_written": "target_date",
                    "lead_name": "lead_officer",
                }[name]
                stated = stated or getattr(item, partner) not in (None, "")
            if not stated or new == old:
                continue
            changes.append(
                Change(
                    name,
                    str(WorkplanItem._meta.get_field(name).verbose_name).capitalize(),
                    _shown(existing, name),
                    _shown(item, name),
                    new,
                )
            )
        return changes

    @staticmethod
    def note_of(notes):
        """The item's first progress note from the file's note columns: the
        text alone for one column, "Header: text" lines for several."""
        if len(notes) == 1:
            return notes[0][1]
        return "\n\n".join(f"{header}: {text}" for header, text in notes)


def validate(
    workplan,
    rows,
    columns=None,
    values=None,
    create_departments=False,
    update_existing=False,
) -> ImportResult:
    """Check every row of `rows` (from `read_rows`, or the officer's choices
    in `import_mapping.rows_for_checking`) for `workplan`.

    Returns an `ImportResult`: the good rows as unsaved items with their
    departments and notes, every problem by row and column (as `columns`
    names them: {key: (index, header)}), and every warning. Nothing is
    written. A file with no reference column has its items numbered in file
    order after the workplan's own. Costs four queries however many rows
    there are.
    """
    checker = _Checker(workplan, columns, values, create_departments, update_existing)
    result = ImportResult(row_count=len(rows))
    numbered = columns is not None and "reference" not in columns
    if numbered:
        first = len(checker.existing_references) + 1
        for offset, row in enumerate(rows):
            reference = str(first + offset)
            while _norm(reference) in checker.existing_references:
                reference += "a"
            row["reference"] = reference
    for row in rows:
        imported, errors, warnings = checker.check(row)
        if imported is not None:
            result.items.append(imported)
        result.errors.extend(errors)
        result.warnings.extend(warnings)
    result.taken = checker.taken
    return result


def _shown(item, name):
    """A field of an item as the change list shows it."""
    value = getattr(item, name)
    if value in (None, ""):
        return "–"
    if name in ("category", "work_type", "delivery_status", "rag"):
        return str(getattr(item, f"get_{name}_display")())
    if isinstance(value, datetime.date):
        return value.strftime("%-d %B %Y")
    if name == "lead_officer":
        return item.lead_label
    if name == "theme":
        return value.title
    if name == "percent_complete":
        return f"{value}%"
    return str(value)


def split_departments(text, known=()):
    """The department names in a cell: separated by semicolons or lines, or
    by commas where the name with its commas is not one of `known` (names
    as compared)."""
    names = []
    for name in re.split(r"[;\n]", text or ""):
        name = name.strip()
        if "," in name and _norm(name) not in known:
            names.extend(part.strip() for part in name.split(",") if part.strip())
        elif name:
            names.append(name)
    return names


# --- saving ---------------------------------------------------------------------------


def import_reason(filename):
    name = os.path.basename(str(filename or "")).strip() or _("a spreadsheet")
    if len(name) > 80:
        name = name[:79] + "…"
    return _("Imported from %(filename)s") % {"filename": name}


def save(workplan, result, user, filename, variation=None) -> int:
    """Save a `validate` result, all or nothing; return how many items were
    made or changed.

    New items go after the workplan's existing ones, in file order, each
    with a history row by `user` saying "Imported from <filename>"
    (departments included); the items a file updates (`update_existing`)
    are changed with a history row each. In an approved plan
    (`variations.VARIATION_STATES`) new items are additions awaiting
    agreement and changes to scope or dates are variations, both recorded
    with `variation` ({"reason", "agreed_with", "agreed_on"}); changes of
    progress are not variations. Notes become progress notes.

    Refuses (`ImportRefused`) a result with errors or nothing to do, or one
    whose references have been taken (or whose updated items have changed)
    since it was validated.
    """
    if result.errors:
        raise ImportRefused(
            _(
                "The file has %(count)s problem(s): correct them and upload it "
                "again. Nothing was imported."
            )
            % {"count": len(result.errors)}
        )
    new_rows = result.new_rows
    updates = result.updates
    if not new_rows and not updates:
        raise ImportRefused(
            _("There are no items to import, and nothing to change on existing items.")
        )
    from . import variations

    varied = variations.is_varied(workplan)
    reason = import_reason(filename)
    with transaction.atomic():
        # One import (or edit of the item order) at a time per workplan.
        list(
            type(workplan)
            ._base_manager.select_for_update()
            .filter(pk=workplan.pk)
            .values_list("pk", flat=True)
        )
        references = {_norm(row.item.reference): row for row in new_rows}
        current = dict(
            WorkplanItem.objects.filter(workplan_id=workplan.pk).values_list(
                "reference", "version"
            )
        )
        taken = [ref for ref in current if _norm(ref) in references]
        if taken:
            raise ImportRefused(
                _(
                    "Since the file was checked, items with the reference(s) "
                    "%(refs)s were added to the workplan: check the file and "
                    "upload it again. Nothing was imported."
                )
                % {"refs": ", ".join(sorted(taken))}
            )
        moved = [
            row.existing.reference
            for row in updates
            if current.get(row.existing.reference) != row.existing.version
        ]
        if moved:
            raise ImportRefused(
                _(
                    "Since the file was checked, the item(s) %(refs)s were changed "
                    "by someone else: check the items again. Nothing was imported."
                )
                % {"refs": ", ".join(sorted(moved))}
            )
        last = WorkplanItem.objects.filter(workplan_id=workplan.pk).aggregate(
            last=Max("position")
        )["last"]
        position = 0 if last is None else last + 1
        items = []
        for offset, row in enumerate(new_rows):
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
        _create_departments(workplan, result, user, reason)
        _set_departments(new_rows, reason)
        if varied:
            for item in items:
                variations.record(
                    workplan,
                    item,
                    Variation.Kind.ADDED,
                    reason=variation["reason"],
                    agreed_with="",
                    agreed_on=None,
                    user=user,
                )
        for row in updates:
            _update(workplan, row, user, reason, varied, variation)
        notes = [
            ProgressNote(
                item_id=(row.existing or row.item).pk,
                text=row.note,
                written_on=timezone.localdate(),
                source=reason,
                by=user,
            )
            for row in [*new_rows, *updates]
            if row.note
        ]
        ProgressNote.objects.bulk_create(notes)
        # Its list of items changed: a form on the workplan loaded before
        # the import is refused (`docs/edits.md`).
        move_on(workplan)
    return len(items) + len(updates)


def _update(workplan, row, user, reason, varied, variation):
    """Apply one row's changes to its existing item, with its history row,
    and, in an approved plan, the variation its changes of scope or dates
    make."""
    from . import variations

    item = row.existing
    departments = None
    for change in row.changes:
        if change.field == "departments":
            departments = change.value
        else:
            setattr(item, change.field, change.value)
    plan_changes = row.plan_changes
    if varied and plan_changes:
        why = _("Variation: %s") % variation["reason"]
    elif row.progress_changes and not plan_changes:
        why = _("Progress from %(file)s") % {"file": reason}
    else:
        why = _("Updated: %(file)s") % {"file": reason}
    save_with_reason(item, user=user, reason=why)
    if departments is not None:
        item.departments.set(departments)
    if varied and plan_changes:
        variations.record(
            workplan,
            item,
            variations.kind_of_change(
                [c.field.replace("_as_written", "_date") for c in plan_changes]
            ),
            reason=variation["reason"],
            agreed_with=variation["agreed_with"],
            agreed_on=variation["agreed_on"],
            user=user,
            changes=[
                {"field": str(c.label), "before": c.before, "after": c.after}
                for c in plan_changes
            ],
        )


def _create_departments(workplan, result, user, reason):
    """Create the departments the file names that the council does not
    have (the officer agreed to on the values page), and give them to
    their rows."""
    names = result.new_departments
    if not names:
        return
    existing = {
        _norm(department.name): department
        for department in Department.objects.filter(
            organisation_id=workplan.organisation_id
        )
    }
    created = {}
    for name in names:
        if _norm(name) in existing:
            created[_norm(name)] = existing[_norm(name)]
            continue
        department = Department(organisation_id=workplan.organisation_id, name=name)
        save_with_reason(department, user=user, reason=reason)
        created[_norm(name)] = department
    for row in result.items:
        for name in row.new_departments:
            department = created[_norm(name)]
            if department not in row.departments:
                row.departments.append(department)
        for index, change in enumerate(row.changes):
            if change.field == "departments":
                row.changes[index] = Change(
                    change.field,
                    change.label,
                    change.before,
                    change.after,
                    list(row.departments),
                )


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
