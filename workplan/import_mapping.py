"""The officer's choices between reading a spreadsheet and importing it.

A council's sheet has its own headers ("Project", "Owner", "RAG",
"Commentary") and its own words in the cells ("on track", "Digital
Services"). Importing goes through three pages, each kept on an
`ImportUpload` row (the file's cells, read once, in the database):

1. **Columns**: each header, with a sample value, is matched to a field, to
   "keep as a note on the item", or to "ignore". `guess_columns` suggests a
   choice by name and synonym; a council's earlier choices for the same
   headers (`SavedImportColumns`) come first. Nothing is ignored unless the
   officer chooses it.
2. **Values**: what the importer cannot read by itself — a theme the
   strategy does not have by that name, a RAG written as "on track", status
   words with no clear meaning, departments the council does not have — is
   listed once per distinct value for the officer to say what it means
   (`values_to_choose`).
3. **Check and import**: every row checked with those choices
   (`importers.validate`), errors by row and by the file's own column name,
   warnings apart, and the items as they will be saved.

`rows_for_checking` turns the kept cells into the row dicts `validate`
reads: {field key: cell, …, "notes": [(header, text), …]}.
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from strategy.models import Theme

from .choices import Confidence, DeliveryStatus, Rag, WorkType
from .import_values import cell_text, is_blank, norm, rag_from_words, status_from_words
from .models import Department, ImportUpload, SavedImportColumns

#: An upload not imported within this time must be chosen again.
UPLOAD_MAX_AGE = datetime.timedelta(hours=2)

NOTE = "note"
IGNORE = "ignore"


# --- the cells, kept as JSON ----------------------------------------------------------


def encode_cell(value):
    """A cell as JSON can hold it: text, numbers, None, or a tagged date."""
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def decode_cell(value):
    if isinstance(value, dict):
        if "datetime" in value:
            return datetime.datetime.fromisoformat(value["datetime"])
        if "date" in value:
            return datetime.date.fromisoformat(value["date"])
        if "decimal" in value:
            return Decimal(value["decimal"])
    return value


# --- keeping the upload ---------------------------------------------------------------


class UploadNotFound(Exception):
    """No upload kept under that token for this workplan and person (never
    made, already imported, expired, or someone else's)."""

    message = gettext_lazy(
        "Your upload has expired or was not found. Select the file again."
    )


def keep(workplan, user, sheet, filename):
    """Keep a read `sheet` for `user` to import into `workplan`, with the
    column choices guessed (or remembered); return the `ImportUpload`.
    Clears the person's earlier uploads for the workplan and any upload
    older than `UPLOAD_MAX_AGE`."""
    with transaction.atomic():
        ImportUpload.objects.filter(workplan=workplan, by=user).delete()
        ImportUpload.objects.filter(
            created_at__lt=timezone.now() - UPLOAD_MAX_AGE
        ).delete()
        columns, _remembered = starting_columns(workplan.organisation_id, sheet.headers)
        return ImportUpload.objects.create(
            workplan=workplan,
            by=user,
            token=secrets.token_urlsafe(24),
            filename=str(filename or "")[:200],
            header_row=sheet.header_row,
            headers=list(sheet.headers),
            rows=[
                [number, [encode_cell(cell) for cell in cells]]
                for number, cells in sheet.rows
            ],
            notes=list(sheet.notes),
            columns={str(index): choice for index, choice in columns.items()},
        )


def take(workplan, user, token):
    """The upload kept under `token` for `user` and `workplan`, or
    `UploadNotFound`."""
    if not isinstance(token, str) or not token:
        raise UploadNotFound
    upload = ImportUpload.objects.filter(
        workplan=workplan,
        by=user,
        token=token,
        created_at__gte=timezone.now() - UPLOAD_MAX_AGE,
    ).first()
    if upload is None:
        raise UploadNotFound
    upload.workplan = workplan  # known: not read again
    return upload


# --- columns --------------------------------------------------------------------------


def field_choices():
    """(key, label) of every field a column can be imported into."""
    from .importers import COLUMNS

    return [(column.key, column.label) for column in COLUMNS]


def choice_label(choice):
    if choice == NOTE:
        return _("Keep as a note on the item")
    if choice == IGNORE:
        return _("Ignore this column")
    return dict(field_choices()).get(choice, "")


#: Header words that say a column is a note on the item.
NOTE_NAMES = {
    "note",
    "notes",
    "commentary",
    "comment",
    "comments",
    "update",
    "updates",
    "latest update",
    "progress update",
    "progress notes",
    "narrative",
    "remarks",
    "position statement",
}


#: Columns of the product's own export that are not the import's to set
#: (the lifecycle state follows the workplan's approval, not the file).
EXPORT_ONLY = {"lifecycle state"}


def _header_names():
    from .importers import COLUMNS

    names = {}
    for column in COLUMNS:
        for name in (column.key, column.label, *column.aliases):
            names.setdefault(norm(name).rstrip(" *"), column.key)
    return names


def guess_column(header):
    """The choice a header suggests by its name, or "" when it suggests
    none (the officer must choose)."""
    key = norm(header).rstrip(" *:")
    if not key:
        return ""
    names = _header_names()
    if key in names:
        return names[key]
    if key in NOTE_NAMES:
        return NOTE
    if key in EXPORT_ONLY:
        return IGNORE
    words = set(key.replace("/", " ").replace("(", " ").replace(")", " ").split())
    if "rag" in words and not words & {"reason", "comment", "comments"}:
        return "rag"
    if words & {"due", "deadline"} or (
        words & {"target", "end", "completion", "finish"} and "date" in words
    ):
        return "target_date"
    if "start" in words and "date" in words:
        return "start_date"
    if words & {"commentary", "comments", "notes", "update"}:
        return NOTE
    if "%" in key or "percent" in words:
        return "percent_complete"
    return ""


def headers_key(headers):
    """A digest of the headers as compared, to remember choices by."""
    text = "\x1f".join(norm(header) for header in headers)
    return hashlib.sha256(text.encode()).hexdigest()


def starting_columns(organisation_id, headers):
    """({column index: choice}, remembered) for a file's headers: the
    council's saved choices for the same headers, else guesses. A field is
    guessed for one column only; a column with neither header nor data is
    ignored."""
    saved = SavedImportColumns.objects.filter(
        organisation_id=organisation_id, headers_key=headers_key(headers)
    ).first()
    if saved is not None:
        by_header = saved.columns
        return {
            index: by_header.get(norm(header), "")
            for index, header in enumerate(headers)
        }, saved
    choices, taken = {}, set()
    for index, header in enumerate(headers):
        guess = guess_column(header)
        if guess and guess not in (NOTE, IGNORE):
            if guess in taken:
                guess = ""
            taken.add(guess)
        choices[index] = guess
    return choices, None


def remember_columns(upload, user):
    """Save the upload's column choices for the council, for the next file
    with the same headers."""
    SavedImportColumns.objects.update_or_create(
        organisation_id=upload.workplan.organisation_id,
        headers_key=headers_key(upload.headers),
        defaults={
            "headers": upload.headers,
            "columns": {
                norm(header): upload.columns.get(str(index), "")
                for index, header in enumerate(upload.headers)
            },
            "by": user,
        },
    )


def column_letter(index):
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@dataclass
class ColumnView:
    """One of the file's columns on the columns page."""

    index: int
    header: str
    letter: str
    samples: list
    choice: str

    @property
    def name(self):
        return self.header or _("Column %(letter)s (no header)") % {
            "letter": self.letter
        }


def column_views(upload):
    rows = upload.rows
    views = []
    for index, header in enumerate(upload.headers):
        samples = []
        for _number, cells in rows:
            cell = decode_cell(cells[index]) if index < len(cells) else None
            if not is_blank(cell):
                text = cell_text(cell)
                text = text if len(text) <= 80 else text[:79] + "…"
                if text not in samples:
                    samples.append(text)
                if len(samples) == 3:
                    break
        if not header and not samples:
            continue  # nothing in it at all
        views.append(
            ColumnView(
                index,
                header,
                column_letter(index),
                samples,
                upload.columns.get(str(index), ""),
            )
        )
    return views


def column_of(upload):
    """{field key: (column index, header as written)} for the chosen
    fields, and [(index, header)] of the note columns."""
    fields, notes = {}, []
    for index, header in enumerate(upload.headers):
        choice = upload.columns.get(str(index), "")
        name = header or _("Column %(letter)s") % {"letter": column_letter(index)}
        if choice == NOTE:
            notes.append((index, name))
        elif choice and choice != IGNORE:
            fields[choice] = (index, name)
    return fields, notes


# --- the rows as `validate` reads them ------------------------------------------------


def rows_for_checking(upload):
    """The kept rows as dicts: {field key: cell} for the chosen columns,
    with "row_number", and "notes": [(header, text)] from the note
    columns."""
    from .importers import ROW_NUMBER

    fields, notes = column_of(upload)
    rows = []
    for number, cells in upload.rows:
        cells = [decode_cell(cell) for cell in cells]

        def cell(index, cells=cells):
            return cells[index] if index < len(cells) else None

        row = {key: cell(index) for key, (index, _name) in fields.items()}
        row["notes"] = [
            (name, cell_text(cell(index)))
            for index, name in notes
            if not is_blank(cell(index))
        ]
        if all(is_blank(value) for key, value in row.items() if key != "notes") and (
            not row["notes"]
        ):
            continue
        row[ROW_NUMBER] = number
        rows.append(row)
    return rows


# --- values the officer reads for the importer ----------------------------------------


@dataclass
class ValueToChoose:
    """One distinct value of a column that the importer cannot read."""

    key: str  # the field
    column: str  # the column's header as written
    written: str  # the value as written
    rows: list  # the row numbers it is on
    options: list  # [(value, label)]
    choice: str = ""
    required: bool = True

    @property
    def field_name(self):
        digest = hashlib.sha256(norm(self.written).encode()).hexdigest()[:12]
        return f"value-{self.key}-{digest}"


NOT_STATED_CHOICE = ("", gettext_lazy("Not stated"))


def _category_of(text):
    from .importers import _CATEGORIES

    return _CATEGORIES.get(norm(text))


def _work_type_of(text):
    from .importers import _WORK_TYPES

    return _WORK_TYPES.get(norm(text))


def _theme_of(text, themes):
    by_title = {norm(theme.title): theme for theme in themes}
    by_position = {theme.position: theme for theme in themes}
    found = by_title.get(norm(text))
    if found is None and text.isdigit():
        found = by_position.get(int(text))
    if found is None:
        import re

        numbered = re.match(r"^(\d+)[.):\s-]+(.+)$", text)
        if numbered:
            candidate = by_position.get(int(numbered.group(1)))
            if candidate and norm(candidate.title) == norm(numbered.group(2)):
                found = candidate
    return found


def values_to_choose(upload, rows=None):
    """Every distinct value the importer cannot read by itself, with the
    choices offered for it and the officer's choice so far; and the
    departments the file names that the council does not have."""
    fields, _notes = column_of(upload)
    rows = rows_for_checking(upload) if rows is None else rows
    chosen = upload.values or {}
    themes = list(
        Theme.objects.filter(strategy_id=upload.workplan.strategy_id).order_by(
            "position"
        )
    )
    readers = {
        "theme": (
            lambda text: _theme_of(text, themes),
            [(str(theme.pk), f"{theme.position}. {theme.title}") for theme in themes]
            + [("", _("No theme"))],
            True,
        ),
        "category": (
            _category_of,
            [NOT_STATED_CHOICE, *[(v, label) for v, label in Confidence.choices]],
            True,
        ),
        "work_type": (
            _work_type_of,
            [NOT_STATED_CHOICE, *[(v, label) for v, label in WorkType.choices]],
            True,
        ),
        "rag": (
            rag_from_words,
            [("", _("Not rated")), *Rag.choices],
            True,
        ),
        "delivery_status": (
            status_from_words,
            list(DeliveryStatus.choices),
            True,
        ),
        "status_as_reported": (
            status_from_words,
            list(DeliveryStatus.choices),
            False,
        ),
    }
    found = {}
    for row in rows:
        for key, (reader, options, required) in readers.items():
            if key not in fields:
                continue
            value = row.get(key)
            if is_blank(value):
                continue
            text = cell_text(value)
            if reader(text) is not None:
                continue
            if key == "status_as_reported" and "delivery_status" in fields:
                continue  # the status is given in its own column
            entry = found.get((key, norm(text)))
            if entry is None:
                entry = found[(key, norm(text))] = ValueToChoose(
                    key,
                    fields[key][1],
                    text,
                    [],
                    options,
                    choice=chosen.get(key, {}).get(norm(text), None),
                    required=required,
                )
            entry.rows.append(row["row_number"])
    values = sorted(found.values(), key=lambda v: (list(readers).index(v.key), v.rows))
    return values, unknown_departments(upload, rows)


def unknown_departments(upload, rows):
    """The department names in the file the council does not have, in file
    order (as first written)."""
    from .importers import split_departments

    if "departments" not in column_of(upload)[0]:
        return []
    known = {
        norm(name)
        for name in Department.objects.filter(
            organisation_id=upload.workplan.organisation_id
        ).values_list("name", flat=True)
    }
    unknown = {}
    for row in rows:
        for name in split_departments(cell_text(row.get("departments")), known):
            if norm(name) not in known:
                unknown.setdefault(norm(name), name)
    return list(unknown.values())


# --- the preview ---------------------------------------------------------------------

#: Items shown in full on the check page; the rest are checked the same way.
PREVIEW_ROWS = 200


def preview_headings(fields, has_notes):
    """The preview table's columns: each chosen field in the template's
    order, the delivery status when it is read from status words, and the
    note."""
    from .importers import COLUMNS

    keys = [column.key for column in COLUMNS if column.key in fields]
    if "reference" not in keys:
        keys.insert(0, "reference")
    if "status_as_reported" in keys and "delivery_status" not in keys:
        keys.insert(keys.index("status_as_reported"), "delivery_status")
    headings = [(key, _field_heading(key, fields)) for key in keys]
    if has_notes:
        headings.append(("note", _("Note")))
    return headings


def _field_heading(key, fields):
    from .importers import COLUMNS_BY_KEY

    label = str(COLUMNS_BY_KEY[key].label)
    if key in fields and norm(fields[key][1]) != norm(label):
        return f"{label} (from “{fields[key][1]}”)"
    return label


def preview_cells(row, keys):
    """[(text, guessed)] for one good row, in the order of `keys`."""
    item = row.item
    cells = []
    for key in keys:
        guessed = key in row.guessed
        if key == "theme":
            text = item.theme.title if item.theme else ""
        elif key == "category":
            text = item.category_short
        elif key == "work_type":
            text = item.work_type_label
        elif key == "departments":
            names = [department.name for department in row.departments]
            names += [
                _("%(name)s (new)") % {"name": name} for name in row.new_departments
            ]
            text = "; ".join(names)
        elif key == "lead_officer":
            text = item.lead_label
            guessed = guessed or bool(item.lead_name)
        elif key in ("start_date", "target_date"):
            date = getattr(item, key)
            written = getattr(item, key.replace("_date", "_as_written"))
            text = written or (date.strftime("%-d %b %Y") if date else "")
            if written and date:
                text = _("%(written)s (%(date)s)") % {
                    "written": written,
                    "date": date.strftime("%-d %b %Y"),
                }
        elif key == "budget":
            text = f"£{item.budget:,.2f}" if item.budget is not None else ""
        elif key == "delivery_status":
            text = item.get_delivery_status_display()
        elif key == "rag":
            text = item.get_rag_display()
        elif key == "percent_complete":
            text = item.percent_label or _("Not stated")
        elif key == "note":
            text = row.note
        else:
            text = getattr(item, key) or ""
        cells.append((text, guessed))
    return cells
