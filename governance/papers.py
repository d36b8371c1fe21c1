"""Committee papers as PDF: one rendering path for every paper.

A paper is a list of `Part`s (a template under `papers/parts/` and its data)
laid out by `papers/document.html`, rendered to HTML and then to a tagged PDF
(PDF/UA-1, with title, author and language) by WeasyPrint. Which papers a
record has, and how they are stored and served, is `paper_store.py`.
WeasyPrint fetches resources only through `StaticOnlyFetcher`, which serves
our own static files and refuses everything else — `file:`
URLs, http(s), `data:`, `..` tricks, redirects — so text a user typed can
never make the renderer read a local file or call a network address.
"""

import logging
import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .downloads import attachment

logger = logging.getLogger(__name__)

#: The base URL papers are rendered at. ".invalid" can never resolve, and the
#: fetcher answers for it only with our static files.
PAPER_ORIGIN = "https://paper.invalid"


class RefusedFetch(ValueError):
    """The paper asked for something other than our own static files."""


class StaticOnlyFetcher(URLFetcher):
    """A WeasyPrint fetcher that serves `STATIC_URL` paths from the static
    files finders and refuses every other URL (logged, never fetched)."""

    def __init__(self):
        super().__init__(allowed_protocols=("https",), allow_redirects=False)

    def fetch(self, url, headers=None):
        path = self.static_path(url)
        if path is None:
            logger.warning("Paper renderer refused to fetch %r", url[:200])
            raise RefusedFetch(f"refused: {url[:200]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}
        )

    @staticmethod
    def static_path(url):
        """The file a URL names among our static files, or None."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin != PAPER_ORIGIN or parts.query or parts.fragment:
            return None
        if not parts.path.startswith(settings.STATIC_URL):
            return None
        relative = unquote(parts.path[len(settings.STATIC_URL) :])
        if not relative or relative.startswith("/") or "\\" in relative:
            return None
        if any(part in ("", ".", "..") for part in relative.split("/")):
            return None
        found = finders.find(relative)
        if not found:
            return None
        path = Path(found).resolve()
        roots = [Path(root).resolve() for root in settings.STATICFILES_DIRS]
        if not any(path.is_relative_to(root) for root in roots):
            return None
        return path


#: Every paper's stylesheet (fonts, page boxes, running header).
PAPER_STYLESHEET = "css/paper.css"

#: Every paper is a tagged PDF/UA-1 (structure, language, alternative text).
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}


def render_pdf_from_html(html):
    """PDF bytes for `html`, fetching only our static files."""
    return render_pdf_and_count_pages(html)[0]


def render_pdf_and_count_pages(html):
    """(PDF bytes, number of pages) for `html`, fetching only our static files."""
    fetcher, base = StaticOnlyFetcher(), PAPER_ORIGIN + "/"
    html = HTML(string=html, base_url=base, url_fetcher=fetcher)
    document = html.render(**PDF_OPTIONS)
    return document.write_pdf(**PDF_OPTIONS), len(document.pages)


@dataclass
class Part:
    """One section of a paper: a template under `papers/parts/` and the data
    it reads as `part`. A part starts on a new page and its heading (h1) is a
    level-1 bookmark and the running title; parts are combined into papers
    (a report with its annexes, a whole agenda pack) without rewriting them.
    """

    template: str
    data: dict = field(default_factory=dict)
    #: "landscape" puts the part on A4 landscape pages.
    page: str = ""
    #: How the part is listed on a contents page (e.g. "Annex A: ...").
    title: str = ""
    #: A part laid out to fit (the strategy on a page, `one_page.py`):
    #: `fit(part, organisation)` returns the part as it will print, measured
    #: where it prints (as an annex, under its annex label).
    fit: object = None


def paper_html(title, organisation, parts, *, draft=False, extra=None):
    """The HTML of a paper made of `parts` (see `papers/document.html`)."""
    parts = [part.fit(part, organisation) if part.fit else part for part in parts]
    context = {
        # The stylesheet by its own name, not the static storage's: the
        # fetcher reads the source file, which has no hashed name.
        "paper_stylesheet": settings.STATIC_URL + PAPER_STYLESHEET,
        "title": title,
        "organisation": organisation,
        "parts": parts,
        "draft": draft,
        **(extra or {}),
    }
    return breakable(render_to_string("papers/document.html", context))


#: A run of this many characters without a space is given break
#: opportunities (a zero-width space every `BREAK_EVERY` characters): a pasted
#: URL or a 50,000-character word then wraps in a fraction of a second,
#: where letting WeasyPrint break it anywhere takes minutes per paper.
LONG_RUN = re.compile(r"[^\s<>]{80,}")
BREAK_EVERY = 40
_TEXT_BETWEEN_TAGS = re.compile(r">([^<]+)<")
_CHARACTER_OR_ENTITY = re.compile(r"&[#\w]+;|[^&]|&")


def breakable(html):
    """`html` with break opportunities in long runs of text between tags
    (never inside a tag or a character reference)."""

    def split_run(match):
        characters = _CHARACTER_OR_ENTITY.findall(match.group(0))
        return "\u200b".join(
            "".join(characters[start : start + BREAK_EVERY])
            for start in range(0, len(characters), BREAK_EVERY)
        )

    def text(match):
        return ">" + LONG_RUN.sub(split_run, match.group(1)) + "<"

    return _TEXT_BETWEEN_TAGS.sub(text, html)


#: A paragraph that is a heading: "1. Where we are", "2.3 Costs", "# Risks"
#: (the number, or the hashes, give its depth); or a short line of its own
#: with no closing punctuation, between paragraphs.
_NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)[.)]?\s+\S")
_HASHES = re.compile(r"^(#{1,3})\s+(\S.*)$")
HEADING_CHARS = 100


@dataclass(frozen=True)
class Block:
    """A block of prose a user typed: a paragraph (`level` 0) or a heading,
    1 for the prose's top level, 2 below it."""

    text: str
    level: int = 0


def prose_blocks(text):
    """[`Block`] of `text` (paragraphs separated by blank lines): so that a
    paper prints the headings a user typed as headings (bookmarked and
    tagged), not as paragraphs."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    blocks = []
    for index, paragraph in enumerate(paragraphs):
        level = _heading_level(paragraph, last=index == len(paragraphs) - 1)
        if level and (hashes := _HASHES.match(paragraph)):
            paragraph = hashes.group(2)
        blocks.append(Block(paragraph, level))
    return blocks


def _heading_level(paragraph, *, last):
    if "\n" in paragraph or len(paragraph) > HEADING_CHARS:
        return 0
    if hashes := _HASHES.match(paragraph):
        return min(len(hashes.group(1)), 2)
    if paragraph[-1] in ".!?:;,":
        return 0
    if numbered := _NUMBERED.match(paragraph):
        return 1 if numbered.group(1).count(".") == 0 else 2
    return 0 if last else 1


def render_parts(title, organisation, parts, *, draft=False):
    """PDF bytes of a paper made of `parts`."""
    return render_pdf_from_html(paper_html(title, organisation, parts, draft=draft))


def paper_response(pdf, filename):
    """The PDF as a private download (`governance.downloads`)."""
    return attachment(pdf, filename, "application/pdf")
