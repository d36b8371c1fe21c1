"""Reading a paper's layout back from its PDF, and comparing page images
with the reference images kept in `tests/papers/reference/`.

Layout is read from the tag tree (the PDF/UA structure WeasyPrint writes):
each page's blocks — headings, paragraphs, list items, table rows — are the
structure elements whose marked content is drawn on that page. The running
header and the page numbers are artifacts, outside the tree.

Page images come from Debian's `pdftoppm` (poppler-utils, installed by
`scripts/setup.sh system test`) at 50 dpi and are compared with Pillow: a
page matches when at most `TOLERANCE` of its pixels differ by more than
`PIXEL_THRESHOLD` in grey level (anti-aliasing differs a little between
poppler builds; a moved line or a page break does not). On a mismatch the new
image is written beside the reference as `<name>.actual.png`;
`make update-reference-images` (`UPDATE_REFERENCE_IMAGES=1`) writes new
references instead.
"""

import io
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pypdf
from PIL import Image, ImageChops

REFERENCE = Path(__file__).parent / "reference"
RESOLUTION = 50
PIXEL_THRESHOLD = 48
TOLERANCE = 0.005

HEADINGS = {"/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6"}
#: Structure types that are blocks of a page (what a reader sees as a line
#: or a paragraph); a row's cells are its row.
BLOCKS = HEADINGS | {"/P", "/LI", "/TR", "/Caption", "/Figure", "/BlockQuote"}


@dataclass(frozen=True)
class Block:
    """A block drawn on a page: its structure type, whether it is a row of
    a table's header (repeated on each page), and its identity (one block
    split over two pages is the same block on both)."""

    kind: str
    in_header: bool
    ident: int


def page_blocks(reader):
    """[[`Block`] of each page], in the order of the tag tree."""
    return _walk_tree(reader)[0]


def reading_order(reader):
    """The page number of each block's content in the order of the tag
    tree (a table's repeated header rows left out): a reader of the tags
    reads the paper in page order when this never goes back."""
    return [page + 1 for page, block in _walk_tree(reader)[1] if not block.in_header]


def _walk_tree(reader):
    sequence = []
    page_index = {
        page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)
    }
    pages = [[] for _page in reader.pages]
    root = reader.trailer["/Root"]["/StructTreeRoot"]

    def walk(node, block, in_header, page):
        node = node.get_object()
        if isinstance(node, int):
            if block is not None and page is not None:
                pages[page].append(Block(block[0], in_header, block[1]))
                sequence.append((page, pages[page][-1]))
            return
        if not hasattr(node, "get"):
            return
        if node.get("/Type") == "/MCR":
            page = _page_of(node, page_index, page)
            if block is not None and page is not None:
                pages[page].append(Block(block[0], in_header, block[1]))
                sequence.append((page, pages[page][-1]))
            return
        kind = node.get("/S")
        page = _page_of(node, page_index, page)
        if kind == "/THead":
            in_header = True
        if kind in BLOCKS and (block is None or block[0] not in {"/TR", "/LI"}):
            ref = node.indirect_reference
            block = (kind, ref.idnum if ref else id(node))
        kids = node.get("/K")
        if kids is None:
            return
        if not isinstance(kids, list):
            kids = [kids]
        for kid in kids:
            walk(kid, block, in_header, page)

    walk(root, None, False, None)
    return [_unique(blocks) for blocks in pages], sequence


def _page_of(node, page_index, default):
    page = node.get("/Pg")
    if page is None:
        return default
    return page_index.get(page.idnum, default)


def _unique(blocks):
    seen, unique = set(), []
    for block in blocks:
        if block.ident not in seen:
            seen.add(block.ident)
            unique.append(block)
    return unique


def lonely_pages(reader):
    """[(page number, what is alone on it)] for each page holding only
    headings, or only one row of a table (besides its repeated header)."""
    lonely = []
    for number, blocks in enumerate(page_blocks(reader), start=1):
        content = [block for block in blocks if not block.in_header]
        if not content:
            continue
        if all(block.kind in HEADINGS for block in content):
            lonely.append((number, "only a heading"))
        elif [block.kind for block in content if block.kind != "/Caption"] == ["/TR"]:
            lonely.append((number, "a single table row"))
    return lonely


def read(pdf):
    return pypdf.PdfReader(io.BytesIO(pdf))


def page_texts(reader):
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def outline_pages(reader, outline=None, depth=0):
    """[(depth, title, page number)] of every bookmark, depth first."""
    found = []
    for entry in reader.outline if outline is None else outline:
        if isinstance(entry, list):
            found += outline_pages(reader, entry, depth + 1)
        else:
            found.append(
                (depth, entry.title, reader.get_destination_page_number(entry) + 1)
            )
    return found


def contents_numbers(text):
    """The page numbers a contents page's entries end with ("Title .... 7")."""
    return [int(number) for number in re.findall(r"\.(?:\s?\.)+\s?(\d+)", text)]


def words_off_page(pdf):
    """[(page number, word)] of every word drawn (even in part) outside its
    page, as poppler's `pdftotext -bbox` places them."""
    result = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", "-bbox", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
        timeout=120,
    )
    off = []
    page_pattern = re.compile(rb'<page width="([\d.]+)" height="([\d.]+)">')
    word_pattern = re.compile(
        rb'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" '
        rb'yMax="([-\d.]+)">(.*?)</word>'
    )
    for number, page in enumerate(result.stdout.split(b"<page ")[1:], start=1):
        width, height = map(float, page_pattern.match(b"<page " + page).groups())
        for match in word_pattern.finditer(page):
            x_min, y_min, x_max, y_max = map(float, match.groups()[:4])
            if x_min < 0 or y_min < 0 or x_max > width or y_max > height:
                off.append((number, match.group(5).decode()))
    return off


# --- page images ------------------------------------------------------------------


def pdftoppm():
    path = shutil.which("pdftoppm")
    assert path, (
        "pdftoppm is missing: install poppler-utils (scripts/setup.sh system test "
        "does, as root; or: sudo apt-get install poppler-utils)"
    )
    return path


def page_images(pdf, pages):
    """{page number: PIL image, grey} of `pages` of `pdf`, at `RESOLUTION` dpi."""
    images = {}
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "paper.pdf"
        source.write_bytes(pdf)
        for page in pages:
            stem = Path(folder) / f"page-{page}"
            subprocess.run(
                [pdftoppm(), "-r", str(RESOLUTION), "-png", "-singlefile"]
                + ["-f", str(page), "-l", str(page), str(source), str(stem)],
                check=True,
                timeout=60,
            )
            with Image.open(f"{stem}.png") as image:
                # Grey: a quarter of the size of colour, as telling.
                images[page] = image.convert("L")
    return images


def updating():
    return os.environ.get("UPDATE_REFERENCE_IMAGES") == "1"


def difference(image, reference):
    """The fraction of pixels that differ by more than `PIXEL_THRESHOLD`
    (1.0 when the sizes differ)."""
    if image.size != reference.size:
        return 1.0
    diff = ImageChops.difference(image, reference)
    changed = sum(
        diff.point(lambda value: 255 if value > PIXEL_THRESHOLD else 0).histogram()[
            255:
        ]
    )
    return changed / (image.size[0] * image.size[1])


def check_against_reference(name, image):
    """None if `image` matches `reference/<name>.png`, else a message (the
    new image is written as `<name>.actual.png`). With
    `UPDATE_REFERENCE_IMAGES=1` the reference is written instead."""
    reference_path = REFERENCE / f"{name}.png"
    actual_path = REFERENCE / f"{name}.actual.png"
    if updating():
        REFERENCE.mkdir(exist_ok=True)
        image.save(reference_path, optimize=True)
        actual_path.unlink(missing_ok=True)
        return None
    if not reference_path.exists():
        REFERENCE.mkdir(exist_ok=True)
        image.save(actual_path, optimize=True)
        return (
            f"{name}: no reference image {reference_path.name}; the page is in "
            f"{actual_path}. Look at it, then run make update-reference-images."
        )
    with Image.open(reference_path) as reference:
        changed = difference(image, reference.convert("L"))
    if changed <= TOLERANCE:
        actual_path.unlink(missing_ok=True)
        return None
    image.save(actual_path, optimize=True)
    return (
        f"{name}: {changed:.1%} of the page differs from {reference_path.name} "
        f"(tolerance {TOLERANCE:.1%}); the new page is in {actual_path}. If the "
        "change is meant, run make update-reference-images and commit the images."
    )
