"""Reading an uploaded spreadsheet (CSV or Excel .xlsx) into a `Sheet`.

    sheet = read_sheet(upload)   # ImportRefused: the file as a whole

`read_sheet` finds the header row, reads every row below it and hands back
the cells as the file holds them (text, numbers, dates), with `notes`: one
sentence for each decision a person should know about (the header was on
row 3; the file was read as tab-separated; cells were merged). It does not
know the workplan's columns: mapping headers to fields and checking values
(including dates such as 31/02/2023, which stay text here) come later.

A file is refused (`ImportRefused`, one sentence a person can act on) when
it is not a CSV file or an .xlsx workbook (a PDF, a Word or PowerPoint file,
an old .xls, an encrypted workbook, a zip of something else), when it holds
formulas anywhere (each cell named, up to `MAX_NAMED_CELLS`), when its
header is merged or spread over two rows, and when it would cost too much.

The cost is bounded before and while reading, whatever the file holds:

- `MAX_BYTES` uploaded; a workbook's zip directory is checked before any
  part is unpacked: at most `MAX_ZIP_MEMBERS` parts, `MAX_UNPACKED_BYTES` in
  all and no large part packed tighter than `MAX_PACKING_RATIO`. Python's
  zipfile never gives more than a part's declared size (a part that lies
  fails its checksum), so the declared sizes are the real bound. A workbook
  of 2 million blank rows (291 KB, 95 MB unpacked) is refused from its zip
  directory alone, without unpacking anything.
- Rows are counted as they are read, blank rows and skipped row numbers
  included: reading stops past row `MAX_ROWS_READ` and at the first data
  row over `MAX_ROWS`.
- Reading stops after `READ_SECONDS` of the reading thread's processor
  time, or twice that of wall-clock time: a busy server (other requests,
  other people) must not refuse a good file that reads in under 2 seconds
  when it has the processor to itself, yet no file holds a request long.

A workbook is read with our own streaming parser of its XML (the standard
library's, whose expat refuses entity-expansion bombs and never fetches
external entities) rather than openpyxl's `load_workbook`: in read-only
mode that parses every sheet in full just to size it (a sheet without a
`<dimension>`), before a caller can count a row, and it does not give the
merged cells. openpyxl's helpers still tell date formats and convert
Excel's serial dates.

Limits and why (figures from `python -m tests.bench.reader`, see there):
a realistic 5,000-row by 20-column workbook unpacks to 7 MB (12 MB with
three long text columns, 22 MB with five of about 600 characters), packed
7-9 times; 2 million blank rows pack 330 times. So 25 MB unpacked and a
ratio of 100 leave room for real files and none for bombs.
"""

import codecs
import csv
import datetime
import io
import posixpath
import re
import struct
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from xml.etree.ElementTree import ParseError, iterparse

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import (
    get_column_letter,
    range_boundaries,
)
from openpyxl.utils.datetime import (
    CALENDAR_MAC_1904,
    CALENDAR_WINDOWS_1900,
    from_excel,
    from_ISO8601,
)

from governance.spreadsheets import unquote

from .importers import Formula, ImportRefused

#: Files larger than this are refused before they are read.
MAX_BYTES = 5 * 1024 * 1024
#: Data rows (below the header; blank rows not counted) one file may hold.
MAX_ROWS = 5000
#: Rows read in all, blank ones included: reading stops past this row number.
#: Generous (four blank rows for every item) so that a sheet with spacing
#: rows between its sections is read, while 2 million blank rows are not.
MAX_ROWS_READ = 20_000
#: Columns that may hold values (Excel's widest sheet has 16,384).
MAX_COLUMNS = 200
#: Processor seconds reading may take (5,000 rows by 20 columns take 1.5-1.7)
#: and wall-clock seconds twice this.
READ_SECONDS = 5.0
#: A workbook's parts may unpack to no more than this in all.
MAX_UNPACKED_BYTES = 25 * 1024 * 1024
#: A part over `PACKING_CHECKED_FROM` bytes may be packed at most this tightly.
MAX_PACKING_RATIO = 100
PACKING_CHECKED_FROM = 1024 * 1024
#: Parts a workbook's zip may hold (Excel writes 10-50; pictures add some).
MAX_ZIP_MEMBERS = 2000
#: The header row is looked for in this many rows from the top.
HEADER_SEARCH_ROWS = 10
#: A refusal names at most this many cells (formulas, merged ranges).
MAX_NAMED_CELLS = 10
#: Text longer than this is not taken for a sub-heading (two header rows).
SUBHEADING_MAX_LENGTH = 60


@dataclass
class Sheet:
    """What `read_sheet` found in a file.

    `header_row` is the spreadsheet row number of the header; `headers` has
    one text per column ("" for a blank header cell) up to the last column
    holding a header or a value; `rows` holds `(row_number, cells)` for each
    non-blank row below the header, `cells` aligned with `headers` and
    holding the cells as read: str (stripped of surrounding spaces), int,
    float, datetime or date (a workbook's date cells), or None for a blank
    cell. A CSV's cells are all text; nothing is parsed as a date here.
    Formula cells are never given: a file with any is refused. `notes` are
    sentences about what the reader decided; `format` is "csv" or "xlsx".
    """

    format: str
    header_row: int
    headers: list[str]
    rows: list[tuple[int, list]]
    notes: list[str] = field(default_factory=list)

    def cell_name(self, row_number, index):
        """The cell as a spreadsheet names it: "D7"."""
        return cell_name(row_number, index)


def cell_name(row_number, index):
    """Column `index` (from 0) of row `row_number`, named as "D7"."""
    return f"{get_column_letter(index + 1)}{row_number}"


# --- the whole file -------------------------------------------------------------------


def read_sheet(uploaded_file, *, time_budget=READ_SECONDS) -> Sheet:
    """The header and rows of an uploaded CSV file or .xlsx workbook.

    `uploaded_file` is a Django `UploadedFile`, a binary file object or
    bytes; the format is told from the content, not the name. A workbook's
    first visible worksheet is read. Raises `ImportRefused` for a file that
    cannot be imported as a whole (see the module's docstring).
    """
    deadline = _Deadline(time_budget)
    data = _read_bytes(uploaded_file)
    if not data.strip():
        raise ImportRefused(_("The file is empty: it has no header row and no items."))
    notes = []
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        try:
            source = _Workbook(data, deadline, notes)
        except _READ_ERRORS as exc:
            raise ImportRefused(_damaged()) from exc
        fmt = "xlsx"
    elif data.startswith(_OLE_MAGIC):
        raise ImportRefused(_ole_refusal(data))
    else:
        for signature, what in _SIGNATURES:
            if data.startswith(signature):
                raise ImportRefused(_not_a_spreadsheet(_(what)))
        source = _CsvFile(data, notes)
        fmt = "csv"
    builder = _SheetBuilder(fmt, deadline, notes)
    try:
        for number, cells in source.rows():
            builder.add(number, cells)
    except _READ_ERRORS as exc:
        raise ImportRefused(_damaged()) from exc
    return builder.finish(getattr(source, "merges", []))


class _Deadline:
    """When reading must stop: `seconds` of this thread's processor time, or
    twice that of wall-clock time, from now."""

    def __init__(self, seconds):
        self.processor = time.thread_time() + seconds
        self.wall = time.monotonic() + 2 * seconds

    def passed(self):
        return time.thread_time() > self.processor or time.monotonic() > self.wall


#: What a damaged workbook raises while its parts are unpacked and parsed
#: (a part failing its checksum, an encrypted or oddly packed part, bad XML).
_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    ParseError,
    RuntimeError,
    NotImplementedError,
)


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


def _damaged():
    return _(
        "This workbook could not be read: open it in Excel, save it again as "
        ".xlsx, and upload that."
    )


def _too_slow():
    return _(
        "Reading this file took longer than %(seconds)s seconds, so it was "
        "stopped: keep only the sheet of workplan items, delete empty rows "
        "and columns below and beside it, and upload it again."
    ) % {"seconds": f"{READ_SECONDS:g}"}


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


# --- old Office files (OLE compound files) --------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Streams that tell what an OLE compound file is, first match wins.
_OLE_STREAMS = [
    ("EncryptedPackage", "encrypted"),
    ("EncryptionInfo", "encrypted"),
    ("Workbook", "xls"),
    ("Book", "xls"),
    ("WordDocument", "word"),
    ("PowerPoint Document", "powerpoint"),
]


def _ole_streams(data):
    """The names from `_OLE_STREAMS` that `data` has as directory entries.

    An entry is 128 bytes: the name in UTF-16 (64 bytes), then its length in
    bytes with the terminator. Entries sit in sectors of 512 or 4,096 bytes
    after a header of the same size, so always at a multiple of 128; looking
    for the names there needs no walk of the file's allocation table.
    """
    found = set()
    for name, _kind in _OLE_STREAMS:
        needle = name.encode("utf-16-le") + b"\x00\x00"
        start = data.find(needle, 512)
        while start != -1:
            if start % 128 == 0 and start + 66 <= len(data):
                (length,) = struct.unpack_from("<H", data, start + 64)
                if length == len(needle):
                    found.add(name)
                    break
            start = data.find(needle, start + 1)
    return found


def _ole_refusal(data):
    streams = _ole_streams(data)
    kind = next((kind for name, kind in _OLE_STREAMS if name in streams), None)
    if kind == "encrypted":
        return _(
            "This workbook is protected with a password (it is encrypted), so "
            "it cannot be read: open it in Excel, remove the password (File, "
            "Info, Protect Workbook, Encrypt with Password), save it as .xlsx "
            "and upload it again."
        )
    if kind == "xls":
        return _(
            "This is an old-style Excel file (.xls): open it in Excel and save "
            "it as an Excel Workbook (.xlsx), or as CSV, and upload that."
        )
    if kind == "word":
        return _not_a_spreadsheet(_("a Word document"))
    if kind == "powerpoint":
        return _not_a_spreadsheet(_("a PowerPoint presentation"))
    return _not_a_spreadsheet(_("an older Office document"))


# --- CSV ------------------------------------------------------------------------------

#: Control characters no spreadsheet text holds (tab, CR and LF are fine).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: What a spreadsheet would run as a formula: "=" and anything, or "+", "-"
#: or "@" followed at once by a letter or a bracket ("-5" is just a number),
#: also after leading spaces, tabs and line breaks ("\t=1", "\r=1").
_FORMULA = re.compile(r"^(=.|[+\-@][^\W\d_]|[+\-@]\()", re.DOTALL)
_DELIMITERS = {",": None, "\t": "tab-separated", ";": "semicolon-separated"}


def looks_like_formula(text):
    return isinstance(text, str) and bool(_FORMULA.match(text.lstrip()))


class _CsvFile:
    """The records of a CSV file as (row number, cells): text, or a
    `Formula` for text a spreadsheet would run."""

    def __init__(self, data, notes):
        self.text = self._decode(data, notes)
        self.delimiter = self._delimiter(self.text)
        if _DELIMITERS[self.delimiter]:
            notes.append(
                _("The file was read as %(kind)s values.")
                % {"kind": _(_DELIMITERS[self.delimiter])}
            )

    @staticmethod
    def _decode(data, notes):
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encodings = ["utf-16"]
        else:
            encodings = ["utf-8-sig", "cp1252"]
        for encoding in encodings:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if not _CONTROL.search(text):
                if encoding == "cp1252":
                    notes.append(
                        _(
                            "The file is not UTF-8, so it was read as Windows "
                            "text (Windows-1252): check that accented letters "
                            "and symbols such as £ look right."
                        )
                    )
                return text
            break
        raise ImportRefused(
            _(
                "This file is not a CSV file or an Excel workbook (.xlsx): save "
                "your spreadsheet as one of those and upload that."
            )
        )

    @staticmethod
    def _delimiter(text):
        """The separator giving the widest of the first few records; a comma
        when there is a tie (a title line may hold any of them)."""
        sample = "\n".join(text[:65536].splitlines()[: HEADER_SEARCH_ROWS * 2])

        def widest(delimiter):
            try:
                reader = csv.reader(io.StringIO(sample), delimiter=delimiter)
                return max((len(record) for record in reader), default=0)
            except csv.Error:
                return 0

        return max(_DELIMITERS, key=widest)  # max keeps the first of a tie

    def rows(self):
        reader = csv.reader(
            io.StringIO(self.text, newline=""), delimiter=self.delimiter
        )
        try:
            for number, record in enumerate(reader, start=1):
                if len(record) > _MAX_RAW_CELLS:
                    raise ImportRefused(_too_wide())
                yield number, [_csv_value(cell) for cell in record]
        except csv.Error as exc:
            raise ImportRefused(
                _("The file could not be read as CSV (near line %(line)s): %(error)s.")
                % {"line": reader.line_num, "error": exc}
            ) from exc


def _csv_value(cell):
    cell = cell.strip()
    text, quoted = unquote(cell)
    if quoted:  # written as text by us (or typed so in a spreadsheet)
        return text
    return Formula(cell) if looks_like_formula(cell) else cell


# --- XLSX -----------------------------------------------------------------------------

#: Cells one row of the file may hold at all (values or not).
_MAX_RAW_CELLS = 16_384
_R_ID = "id"  # the local name of r:id, in any of its namespaces


class _NoDoctype:
    """A part of the zip as read by the XML parser, refused if it declares
    a document type. Open XML never does; a declaration is how entity
    tricks start (expat already refuses expansion bombs and the standard
    library never fetches external entities: this is one more wall, what
    defusedxml's `forbid_dtd` does)."""

    def __init__(self, part):
        self.part = part
        self.tail = b""

    def read(self, size=-1):
        chunk = self.part.read(size)
        if b"<!DOCTYPE" in self.tail + chunk:
            raise ImportRefused(_damaged())
        self.tail = chunk[-16:]
        return chunk


def _local(tag):
    """An XML tag without its namespace: transitional and strict Open XML
    name the same elements in different namespaces."""
    return tag.rpartition("}")[2]


def _attribute(element, name):
    """An attribute by local name, whatever its namespace prefix."""
    value = element.get(name)
    if value is not None:
        return value
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


class _Workbook:
    """The first visible worksheet of an .xlsx file, read as a stream.

    `rows()` yields (row number, cells) with cells as values (a `Formula`
    for a formula cell or formula-like text); when it has run to the end,
    `merges` holds the sheet's merged ranges as (min_col, min_row, max_col,
    max_row), columns counted from 1.
    """

    def __init__(self, data, deadline, notes):
        self.deadline = deadline
        self.notes = notes
        self.merges = []
        self.archive = self._open(data)
        workbook_path = self._workbook_path()
        self._read_workbook(workbook_path)
        self.shared_strings = self._read_shared_strings()
        self._read_styles()

    # The zip, checked before anything is unpacked.

    @staticmethod
    def _open(data):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            members = archive.infolist()
        except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
            raise ImportRefused(
                _(
                    "This file looks like an Excel workbook but is damaged: open "
                    "it in Excel, save it again as .xlsx, and upload that."
                )
            ) from exc
        names = {member.filename for member in members}
        if "word/document.xml" in names:
            raise ImportRefused(_not_a_spreadsheet(_("a Word document")))
        if "ppt/presentation.xml" in names:
            raise ImportRefused(_not_a_spreadsheet(_("a PowerPoint presentation")))
        if "mimetype" in names or "content.xml" in names:
            raise ImportRefused(
                _(
                    "This is an OpenDocument file (.ods or similar): save it as "
                    "an Excel workbook (.xlsx) or as CSV, and upload that."
                )
            )
        if "xl/workbook.bin" in names:
            raise ImportRefused(
                _(
                    "This is an Excel binary workbook (.xlsb): save it as an "
                    "Excel Workbook (.xlsx), or as CSV, and upload that."
                )
            )
        if "[Content_Types].xml" not in names or not any(
            name.startswith("xl/") and name.endswith("workbook.xml") for name in names
        ):
            raise ImportRefused(
                _(
                    "This is a zip file or another kind of document, not an Excel "
                    "workbook: upload a CSV file or an Excel workbook (.xlsx)."
                )
            )
        unpacked = sum(member.file_size for member in members)
        packed_tight = any(
            member.file_size > PACKING_CHECKED_FROM
            and member.file_size > MAX_PACKING_RATIO * max(member.compress_size, 1)
            for member in members
        )
        if len(members) > MAX_ZIP_MEMBERS or unpacked > MAX_UNPACKED_BYTES:
            raise ImportRefused(
                _(
                    "This workbook unpacks to %(size)s MB, more than %(max)s MB, "
                    "which is far more than 5,000 rows of items need: keep only "
                    "the sheet of workplan items, delete empty rows below it, "
                    "and upload it again."
                )
                % {
                    "size": f"{unpacked / 1024 / 1024:,.0f}",
                    "max": MAX_UNPACKED_BYTES // 1024 // 1024,
                }
            )
        if packed_tight:
            raise ImportRefused(
                _(
                    "This workbook is packed far more tightly than a sheet of "
                    "items can be (it is mostly empty rows or repeated cells): "
                    "keep only the sheet of workplan items, delete empty rows "
                    "below it, and upload it again."
                )
            )
        return archive

    def _part(self, path):
        """A part of the zip, opened for streaming (None when it is absent)."""
        try:
            return self.archive.open(path)
        except KeyError:
            return None

    def _elements(self, path):
        """(local tag, element) for each element of a part as it closes;
        the caller clears what it has used. Stops at the deadline."""
        part = self._part(path)
        if part is None:
            return
        with part:
            parts = iterparse(_NoDoctype(part))  # noqa: S314 (see _NoDoctype)
            for count, (_event, element) in enumerate(parts):
                if count % 1000 == 0 and self.deadline.passed():
                    raise ImportRefused(_too_slow())
                yield _local(element.tag), element

    def _relationships(self, path):
        """{id: (type's last word, target path)} of a part's .rels file."""
        folder, name = posixpath.split(path)
        relationships = {}
        for tag, element in self._elements(f"{folder}/_rels/{name}.rels"):
            if tag == "Relationship" and element.get("TargetMode") != "External":
                target = element.get("Target") or ""
                if target.startswith("/"):
                    target = target[1:]
                else:
                    target = posixpath.normpath(posixpath.join(folder, target))
                kind = (element.get("Type") or "").rpartition("/")[2]
                relationships[element.get("Id")] = (kind, target)
        return relationships

    def _workbook_path(self):
        for tag, element in self._elements("_rels/.rels"):
            if tag == "Relationship" and (element.get("Type") or "").endswith(
                "/officeDocument"
            ):
                return (element.get("Target") or "").lstrip("/")
        return "xl/workbook.xml"

    def _read_workbook(self, path):
        sheets = []
        self.epoch = CALENDAR_WINDOWS_1900
        for tag, element in self._elements(path):
            if tag == "workbookPr" and element.get("date1904") in ("1", "true"):
                self.epoch = CALENDAR_MAC_1904
            elif tag == "sheet":
                sheets.append(
                    (
                        element.get("name") or "",
                        element.get("state") or "visible",
                        _attribute(element, _R_ID),
                    )
                )
        relationships = self._relationships(path)
        self.parts = {kind: target for kind, target in relationships.values()}
        worksheets = [
            (name, relationships[rel_id][1])
            for name, state, rel_id in sheets
            if state == "visible"
            and rel_id in relationships
            and relationships[rel_id][0] == "worksheet"
        ]
        if not worksheets:
            raise ImportRefused(_("The workbook has no sheets of cells to import."))
        self.sheet_name, self.sheet_path = worksheets[0]
        if len(worksheets) > 1:
            self.notes.append(
                ngettext(
                    "The workbook has %(count)s sheet: only the first, "
                    "“%(name)s”, was read.",
                    "The workbook has %(count)s sheets: only the first, "
                    "“%(name)s”, was read.",
                    len(worksheets),
                )
                % {"count": len(worksheets), "name": self.sheet_name}
            )

    def _read_shared_strings(self):
        strings = []
        path = self.parts.get("sharedStrings", "xl/sharedStrings.xml")
        for tag, element in self._elements(path):
            if tag == "si":
                strings.append(_string_item(element))
                element.clear()
        return strings

    def _read_styles(self):
        """For each cell style: whether it shows a date, a duration or a
        percentage, and whether it marks text as text (quote prefix).
        Elements are cleared as they close and at most `_MAX_STYLES` kept
        (Excel allows 64,000), so a bloated styles part costs no memory."""
        formats = dict(BUILTIN_FORMATS)
        styles = []  # (number format id, quote prefix) of each xf
        cell_xfs_read = False
        for tag, element in self._elements(self.parts.get("styles", "xl/styles.xml")):
            if tag == "numFmt" and len(formats) < _MAX_STYLES:
                try:
                    formats[int(element.get("numFmtId"))] = element.get("formatCode")
                except (TypeError, ValueError):
                    pass
            elif tag == "xf" and not cell_xfs_read and len(styles) < _MAX_STYLES:
                # A cellStyleXfs or a cellXfs entry: which, its parent tells.
                quoted = element.get("quotePrefix") in ("1", "true")
                styles.append((element.get("numFmtId"), quoted))
            elif tag == "cellStyleXfs":
                styles.clear()  # only the cellXfs entries are cells' styles
            elif tag == "cellXfs":
                cell_xfs_read = True
            element.clear()
        self.styles = []
        self._styles_by_index = {}
        for format_id, quoted in styles:
            try:
                code = formats.get(int(format_id or 0)) or "General"
            except ValueError:
                code = "General"
            self.styles.append(
                (
                    is_date_format(code),
                    is_timedelta_format(code),
                    "%" in code,
                    quoted,
                )
            )

    def _style(self, index):
        """(date, duration, percentage, quote prefix) of a cell's style."""
        style = self._styles_by_index.get(index)
        if style is None:
            try:
                style = self.styles[int(index)]
            except (TypeError, ValueError, IndexError):
                style = (False, False, False, False)
            self._styles_by_index[index] = style
        return style

    # The sheet.

    def rows(self):
        """Rows as their elements close. A row is cleared once read, and so
        is every element outside the rows that is not a merged range, so
        memory holds about one row at a time."""
        number = 0
        part = self._part(self.sheet_path)
        if part is None:
            raise ImportRefused(_damaged())
        with part:
            events = iterparse(_NoDoctype(part))  # noqa: S314 (see _NoDoctype)
            for count, (_event, element) in enumerate(events):
                if count % 2000 == 0 and self.deadline.passed():
                    raise ImportRefused(_too_slow())
                tag = _SHEET_TAGS.get(element.tag)
                if tag == "row":
                    number = self._row_number(element, number)
                    yield number, self._cells(element)
                    element.clear()
                elif tag == "mergeCell":
                    self._add_merge(element.get("ref"))
                elif tag is None:
                    element.clear()  # never part of a row: not needed

    def _add_merge(self, reference):
        try:
            bounds = range_boundaries(reference or "")
        except (TypeError, ValueError):
            return
        if len(self.merges) < _MAX_MERGES and None not in bounds:
            self.merges.append(bounds)

    @staticmethod
    def _row_number(element, previous):
        try:
            number = int(element.get("r") or previous + 1)
        except ValueError as exc:
            raise ImportRefused(_damaged()) from exc
        if number <= previous:
            raise ImportRefused(_damaged())
        return number

    def _cells(self, row):
        cells = []
        column = 0
        for cell in row:
            if _SHEET_TAGS.get(cell.tag) != "c":
                continue
            reference = cell.get("r")
            if reference:
                column = _COLUMNS.get(reference.rstrip("0123456789")) or 0
                if not column:
                    raise ImportRefused(_damaged())
            else:
                column += 1
            if column > _MAX_RAW_CELLS:
                raise ImportRefused(_too_wide())
            value = self._value(cell)
            if value is not None:
                if column > len(cells):
                    cells.extend([None] * (column - len(cells)))
                cells[column - 1] = value
        return cells

    def _value(self, cell):
        kind = cell.get("t") or "n"
        value = inline = None
        for child in cell:
            tag = _SHEET_TAGS.get(child.tag)
            if tag == "f":
                return Formula("=" + (child.text or ""))
            if tag == "v":
                value = child.text
            elif tag == "is":
                inline = child
        if kind == "inlineStr":
            value = None if inline is None else _string_item(inline)
        if value is None:
            return None
        if kind == "s":
            try:
                value = self.shared_strings[int(value)]
            except (ValueError, IndexError) as exc:
                raise ImportRefused(_damaged()) from exc
            return _text_value(value, self._style(cell.get("s"))[3])
        if kind in ("inlineStr", "str"):
            return _text_value(value, self._style(cell.get("s"))[3])
        if kind == "b":
            return "TRUE" if value.strip() in ("1", "true") else "FALSE"
        if kind == "e":
            return value  # "#N/A" and the like, as the sheet shows it
        if kind == "d":
            try:
                return from_ISO8601(value)
            except ValueError:
                return value
        return self._number(value, *self._style(cell.get("s"))[:3])

    def _number(self, text, is_date, is_duration, is_percent):
        try:
            number = float(text) if any(c in text for c in ".eE") else int(text)
        except ValueError:
            return text
        if is_date or is_duration:
            try:
                value = from_excel(number, self.epoch, timedelta=is_duration)
            except (OverflowError, ValueError):
                return number
            if isinstance(value, datetime.datetime | datetime.date):
                return value
            return str(value)  # a time of day or a duration, as text
        if is_percent and isinstance(number, int | float):
            # A cell formatted as a percentage holds 0.5 for "50%".
            return round(number * 100, 9)
        return number


_MAX_MERGES = 10_000
_MAX_STYLES = 65_536


#: Open XML's two namespaces for a sheet's elements (transitional, strict).
_MAIN_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
#: The elements a row is made of, and the merged ranges, by full tag; the
#: reader clears any other element of a sheet as soon as it closes.
_SHEET_TAGS = {
    f"{{{namespace}}}{name}": name
    for namespace in _MAIN_NAMESPACES
    for name in ("row", "c", "v", "f", "is", "t", "r", "rPh", "rPr", "mergeCell")
}
#: Column numbers by letters, A to XFD.
_COLUMNS = {get_column_letter(n): n for n in range(1, _MAX_RAW_CELLS + 1)}


def _string_item(element):
    """The text of a shared or inline string: its runs joined, without the
    phonetic guides (rPh) that Japanese workbooks add."""
    parts = []

    def walk(node):
        for child in node:
            tag = _local(child.tag)
            if tag == "t":
                parts.append(child.text or "")
            elif tag == "r":
                walk(child)

    walk(element)
    return "".join(parts)


def _text_value(value, quoted):
    text, unquoted = unquote(value.strip())
    if quoted or unquoted:
        return text  # explicitly text: "=1" typed as '=1, or our own export
    if looks_like_formula(value):
        return Formula(value)
    return value.strip()


def _too_wide():
    return _(
        "The file has values beyond column %(column)s: keep only the columns "
        "of workplan items and upload it again."
    ) % {"column": get_column_letter(MAX_COLUMNS)}


# --- the header and the rows ----------------------------------------------------------


def _is_text(value):
    """Text that reads as a word, not a number (a header, a sub-heading)."""
    if not isinstance(value, str) or not value:
        return False
    try:
        Decimal(value.replace(",", "").replace("£", "").replace("%", ""))
    except ArithmeticError:
        return True
    return False


def _quote(value, length=40):
    text = " ".join(str(value).split())
    return f"“{text[:length]}…”" if len(text) > length else f"“{text}”"


def _rows_text(first, last):
    if first == last:
        return _("row %(row)s") % {"row": first}
    return _("rows %(first)s–%(last)s") % {"first": first, "last": last}


class _SheetBuilder:
    """Takes the rows one at a time, as read, and makes the `Sheet`."""

    def __init__(self, fmt, deadline, notes):
        self.format = fmt
        self.deadline = deadline
        self.notes = notes
        self.kept = []  # (row number, cells) of the non-blank rows
        self.header_index = None  # position of the header in `kept`
        self.formulas = []  # cell names, up to MAX_NAMED_CELLS
        self.formula_count = 0
        self.width = 0

    def add(self, number, cells):
        if self.deadline.passed():
            raise ImportRefused(_too_slow())
        if number > MAX_ROWS_READ:
            raise ImportRefused(
                _(
                    "The sheet goes on past row %(max)s (blank rows count too): "
                    "delete the rows below your items, or split the file, and "
                    "upload it again."
                )
                % {"max": f"{MAX_ROWS_READ:,}"}
            )
        if self.header_index is None and number > HEADER_SEARCH_ROWS:
            self._find_header()
        values = []
        last = 0
        for index, cell in enumerate(cells):
            if isinstance(cell, Formula):
                self.formula_count += 1
                if len(self.formulas) < MAX_NAMED_CELLS:
                    self.formulas.append(cell_name(number, index))
                cell = None
            elif isinstance(cell, str):
                cell = cell.strip() or None
            if cell is not None:
                last = index + 1
            values.append(cell)
        if not last:
            return
        if last > MAX_COLUMNS:
            raise ImportRefused(_too_wide())
        self.width = max(self.width, last)
        self.kept.append((number, values[:last]))
        if self.header_index is not None:
            data_rows = len(self.kept) - self.header_index - 1
            if data_rows > MAX_ROWS:
                raise ImportRefused(
                    _(
                        "The file has more than %(max)s rows of items: split it "
                        "into files of %(max)s rows or fewer."
                    )
                    % {"max": f"{MAX_ROWS:,}"}
                )

    def _find_header(self):
        """The header: the first of the top `HEADER_SEARCH_ROWS` rows with
        two or more text cells and more than half as many values as the
        fullest top row (so a title with a date beside it is passed over);
        failing that, the first with two text cells."""
        top = [
            (position, cells)
            for position, (number, cells) in enumerate(self.kept)
            if number <= HEADER_SEARCH_ROWS
        ]
        widest = max((_count(cells) for _, cells in top), default=0)
        candidates = [
            (position, cells)
            for position, cells in top
            if sum(1 for cell in cells if _is_text(cell)) >= 2
        ]
        for position, cells in candidates:
            if 2 * _count(cells) > widest:
                self.header_index = position
                return
        if candidates:
            self.header_index = candidates[0][0]
            return
        self._refuse_formulas()
        raise ImportRefused(
            _(
                "No header row was found in the first %(rows)s rows: the file "
                "needs a row naming its columns (at least two of them) above "
                "the items."
            )
            % {"rows": HEADER_SEARCH_ROWS}
        )

    def finish(self, merges):
        if self.header_index is None:
            self._find_header()
        header_number, header = self.kept[self.header_index]
        above = self.kept[: self.header_index]
        data = self.kept[self.header_index + 1 :]
        self._check_merges(merges, header_number)
        self._check_second_header(header_number, header, data)
        self._refuse_formulas()
        if not data:
            raise ImportRefused(
                _(
                    "The file has a header row (row %(row)s) but no items below "
                    "it: nothing to import."
                )
                % {"row": header_number}
            )
        if header_number > 1:
            self._note_header(header_number, above)
        named = max(
            (i + 1 for i, cell in enumerate(header) if cell is not None), default=0
        )
        headers = [
            "" if cell is None else _header_text(cell)
            for cell in header + [None] * (self.width - len(header))
        ]
        if self.width > named:
            self._note_headless_columns(named, data)
        rows = [
            (number, cells + [None] * (self.width - len(cells)))
            for number, cells in data
        ]
        self._fill_merges(merges, header_number, rows)
        return Sheet(
            format=self.format,
            header_row=header_number,
            headers=headers,
            rows=rows,
            notes=self.notes,
        )

    def _refuse_formulas(self):
        if not self.formula_count:
            return
        cells = self.formulas
        more = self.formula_count - len(cells)
        if more:
            where = ngettext(
                "cells %(cells)s and %(more)s more cell",
                "cells %(cells)s and %(more)s more cells",
                more,
            ) % {"cells": ", ".join(cells), "more": f"{more:,}"}
        elif len(cells) == 1:
            where = _("cell %(cell)s") % {"cell": cells[0]}
        else:
            where = _("cells %(cells)s and %(last)s") % {
                "cells": ", ".join(cells[:-1]),
                "last": cells[-1],
            }
        raise ImportRefused(
            _(
                "Formulas are not imported, and this file has them in %(where)s: "
                "replace each formula with its value (copy the cells, then Paste "
                "Special, Values) and upload the file again."
            )
            % {"where": where}
        )

    def _check_merges(self, merges, header_number):
        in_header = [merge for merge in merges if merge[1] <= header_number <= merge[3]]
        if in_header:
            names = [_range_name(merge) for merge in in_header[:MAX_NAMED_CELLS]]
            raise ImportRefused(
                _(
                    "The header row (row %(row)s) has merged cells (%(cells)s): "
                    "unmerge them so that each column has its own header, and "
                    "upload the file again."
                )
                % {"row": header_number, "cells": ", ".join(names)}
            )

    def _check_second_header(self, header_number, header, data):
        """Refuse a header spread over two rows: the row right below the
        header holds only short text, fills at least one column the header
        leaves blank, and is blank under the header's first column (where
        an item would have its reference or title)."""
        if not data or data[0][0] != header_number + 1:
            return
        number, below = data[0]
        below = below + [None] * (self.width - len(below))
        header = header + [None] * (self.width - len(header))
        first = next(i for i, cell in enumerate(header) if cell is not None)
        if below[first] is not None:
            return
        values = [cell for cell in below if cell is not None]
        if not all(
            _is_text(cell) and len(cell) <= SUBHEADING_MAX_LENGTH for cell in values
        ):
            return
        filled = [
            i for i, cell in enumerate(below) if cell is not None and header[i] is None
        ]
        if filled:
            raise ImportRefused(
                _(
                    "Rows %(header)s and %(below)s both look like header rows (row "
                    "%(below)s names %(cells)s, which row %(header)s leaves blank): "
                    "put one name for each column in a single header row and "
                    "upload the file again."
                )
                % {
                    "header": header_number,
                    "below": number,
                    "cells": ", ".join(
                        cell_name(number, i) for i in filled[:MAX_NAMED_CELLS]
                    ),
                }
            )

    def _note_header(self, header_number, above):
        texts = [cell for _, cells in above for cell in cells if cell is not None]
        rows = _rows_text(1, header_number - 1)
        if texts:
            shown = ", ".join(_quote(text) for text in texts[:3])
            if len(texts) > 3:
                shown += _(" and %(more)s more") % {"more": len(texts) - 3}
            self.notes.append(
                _(
                    "Row %(row)s was taken as the header row: %(rows)s above it "
                    "hold a title (%(texts)s), which is not imported."
                )
                % {"row": header_number, "rows": rows, "texts": shown}
            )
        else:
            self.notes.append(
                _(
                    "Row %(row)s was taken as the header row: %(rows)s above it "
                    "are blank."
                )
                % {"row": header_number, "rows": rows}
            )

    def _note_headless_columns(self, named, data):
        for index in range(named, self.width):
            numbers = [
                number
                for number, cells in data
                if len(cells) > index and cells[index] is not None
            ]
            if numbers:
                self.notes.append(
                    ngettext(
                        "Column %(column)s has no header but holds a value (in "
                        "%(first)s).",
                        "Column %(column)s has no header but holds values (in "
                        "%(count)s rows, from %(first)s).",
                        len(numbers),
                    )
                    % {
                        "column": get_column_letter(index + 1),
                        "count": len(numbers),
                        "first": cell_name(numbers[0], index),
                    }
                )

    def _fill_merges(self, merges, header_number, rows):
        """A cell merged down a column (a theme beside several items) gives
        its value to each row it spans; a value merged across columns stays
        in the first column. Either way, a note says so."""
        by_number = {number: cells for number, cells in rows}
        below = [merge for merge in merges if merge[1] > header_number]
        for min_col, min_row, max_col, max_row in below[:_MAX_MERGES]:
            top = by_number.get(min_row)
            value = top[min_col - 1] if top and min_col <= len(top) else None
            name = _range_name((min_col, min_row, max_col, max_row))
            if value is None:
                continue
            if min_col == max_col:
                for number in range(min_row + 1, max_row + 1):
                    cells = by_number.get(number)
                    if cells is not None and cells[min_col - 1] is None:
                        cells[min_col - 1] = value
                self._merge_note(
                    _(
                        "Cells %(cells)s are merged: each of rows %(first)s–%(last)s "
                        "was given %(value)s."
                    )
                    % {
                        "cells": name,
                        "first": min_row,
                        "last": max_row,
                        "value": _quote(value),
                    }
                )
            else:
                self._merge_note(
                    _(
                        "Cells %(cells)s are merged: their value is read as column "
                        "%(column)s's."
                    )
                    % {"cells": name, "column": get_column_letter(min_col)}
                )

    def _merge_note(self, note):
        merge_notes = getattr(self, "_merge_notes", 0)
        self._merge_notes = merge_notes + 1
        if merge_notes < MAX_NAMED_CELLS:
            self.notes.append(note)
        elif merge_notes == MAX_NAMED_CELLS:
            self.notes.append(_("Other cells below the header are merged too."))


def _count(cells):
    return sum(1 for cell in cells if cell is not None)


def _header_text(cell):
    if isinstance(cell, datetime.datetime) and cell.time() == datetime.time():
        cell = cell.date()
    return " ".join(str(cell).split())


def _range_name(merge):
    min_col, min_row, max_col, max_row = merge
    return f"{cell_name(min_row, min_col - 1)}:{cell_name(max_row, max_col - 1)}"
