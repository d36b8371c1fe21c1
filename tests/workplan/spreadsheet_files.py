"""Spreadsheets and other files built in code, for the reader's tests and
its figures (`tests/bench/reader.py`): no binary fixtures.

`sheet_xlsx(rows)` writes the smallest workbook Excel and openpyxl open,
with the sheet's XML streamed straight into the zip, so a sheet of two
million blank rows takes a couple of seconds to build, not minutes.
"""

import datetime
import io
import random
import struct
import zipfile
from xml.sax.saxutils import escape

from openpyxl import Workbook

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>'
    '<sheet name="Workplan" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def column_letter(index):
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def row_xml(number, values):
    """One <row>: text as inline strings, numbers as numbers, None skipped."""
    cells = []
    for index, value in enumerate(values):
        reference = f"{column_letter(index)}{number}"
        if value is None:
            continue
        if isinstance(value, int | float):
            cells.append(f'<c r="{reference}"><v>{value}</v></c>')
        else:
            cells.append(
                f'<c r="{reference}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
            )
    return f'<row r="{number}">{"".join(cells)}</row>'.encode()


def sheet_xlsx(rows, tail=b"", head=b""):
    """A workbook whose one sheet holds `rows`, an iterable of `row_xml`
    bytes (or any bytes), written in chunks; `tail` goes after the sheet
    data (merged cells) and `head` before the sheet element (a doctype)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(head + f'<worksheet xmlns="{MAIN}"><sheetData>'.encode())
            chunk = []
            for row in rows:
                chunk.append(row)
                if len(chunk) == 10_000:
                    sheet.write(b"".join(chunk))
                    chunk = []
            sheet.write(b"".join(chunk) + b"</sheetData>" + tail + b"</worksheet>")
    return out.getvalue()


def blank_rows_workbook(blank_rows=2_000_000):
    """The workbook that held a request for 209 seconds: a header, one item
    and then `blank_rows` empty rows (291 KB, 95 MB unpacked, for 2
    million)."""
    head = [row_xml(1, ["Reference", "Title"]), row_xml(2, ["WP-01", "Telephony"])]
    # Rows without a number (each is the one after the last) are all alike,
    # so they pack about 330 times, as that file's did.
    blank = b'<row spans="1:20" ht="15.75" customHeight="1"/>' * 10_000
    return sheet_xlsx([*head, *([blank] * (blank_rows // 10_000))])


def openpyxl_xlsx(rows, build=None):
    """A workbook written by openpyxl (as Excel would write one: shared
    strings, styles); `build(sheet)` may merge cells or set styles."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Workplan"
    for row in rows:
        sheet.append(row)
    if build:
        build(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def realistic_xlsx(rows=5000, long_columns=1, long_words=30):
    """A workplan of `rows` items by 20 columns: references, titles, dates,
    numbers, RAG words and `long_columns` columns of prose."""
    chance = random.Random(1)
    words = (
        "the council will replace its telephony system and move the contact "
        "centre to cloud services before the contract ends review data network "
        "security"
    ).split()

    def prose(count):
        return " ".join(chance.choice(words) for _ in range(count))

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Workplan")
    sheet.append([f"Column {n}" for n in range(1, 21)])
    for n in range(rows):
        row = [f"WP-{n:04}", prose(8)]
        row += [prose(long_words) for _ in range(long_columns)]
        row += [
            datetime.date(2023, 4, 1),
            datetime.date(2024, 3, 31),
            chance.randint(0, 100),
            25000.5,
            "Green",
            "On track",
        ]
        row += [prose(3) for _ in range(20 - len(row))]
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def office_zip(*parts):
    """A zip with the parts that tell an Office file's kind (a Word .docx
    has word/document.xml, a PowerPoint .pptx ppt/presentation.xml)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for part in parts:
            archive.writestr(part, "<document/>")
    return out.getvalue()


_FREE, _END, _FAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def ole_file(*streams):
    """An OLE compound file (the container of .xls, .doc and encrypted
    workbooks) holding empty streams of these names: a 512-byte header,
    one sector of allocation table, then the directory."""
    entries = [("Root Entry", 5)] + [(name, 2) for name in streams]
    directory = b""
    for index, (name, kind) in enumerate(entries):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        child = 1 if index == 0 and len(entries) > 1 else _FREE
        right = index + 1 if 0 < index < len(entries) - 1 else _FREE
        directory += (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", _FREE, right, child)
            + bytes(16 + 4 + 16)
            + struct.pack("<IQ", _END, 0)
        )
    sectors = -(-len(directory) // 512)
    directory = directory.ljust(sectors * 512, b"\x00")
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<III", header, 0x2C, 1, 1, 0)
    struct.pack_into("<IIIII", header, 0x38, 4096, _END, 0, _END, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([_FREE] * 108))
    chain = [_FAT_SECTOR] + [n + 1 for n in range(1, sectors)] + [_END]
    fat = struct.pack(f"<{len(chain)}I", *chain).ljust(512, b"\xff")
    return bytes(header) + fat + directory


def with_declared_size(data, name, size):
    """`data` (a zip) with the part `name` declaring `size` bytes unpacked,
    in its local header and in the central directory, whatever it holds."""
    data = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(name)
    struct.pack_into("<I", data, info.header_offset + 22, size)
    encoded = name.encode()
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(encoded))
    struct.pack_into("<I", data, central + 24, size)
    return bytes(data)
