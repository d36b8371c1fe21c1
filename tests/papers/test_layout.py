"""Every kind of paper, laid out as a clerk would check it page by page.

The demo is loaded for a fixed day with the clock stopped at it (every date
a paper prints — despatch, "figures as at", call-in periods — is then the
same on every run), and each kind of paper of one demo record is rendered.
Each test checks the layout properties that matter, read from the PDF (no
page holding only a heading or a single table row; the contents' page
numbers; the front sheet), and compares chosen pages, as 50 dpi images,
with the reference images in `reference/` (`layout.py`;
`make update-reference-images` writes new ones).
"""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.template import defaulttags
from django.utils import timezone

from decisions.models import Report
from decisions.papers import AGENDA_PACK, COMMITTEE_REPORT, DECISION_RECORD
from decisions.report_subjects import subject_of
from governance.paper_store import PaperKind
from governance.papers import render_pdf_from_html
from strategy.models import Strategy
from strategy.papers import STRATEGY, STRATEGY_ON_A_PAGE
from tests.paper_helpers import paper_pdf
from workplan.models import Review
from workplan.papers import PROGRESS_REPORT, WORKPLAN_APPENDIX

from .layout import (
    check_against_reference,
    contents_numbers,
    lonely_pages,
    outline_pages,
    page_images,
    page_texts,
    read,
    reading_order,
)

# Loads the whole demo (about fifteen seconds): run by make test-faults.
pytestmark = pytest.mark.long

#: The day the demo is built for and the clock stands at (a Monday).
NOW = dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC)


class StoppedClock(dt.datetime):
    """`datetime` whose `now()` is `NOW` (for `{% now %}`)."""

    @classmethod
    def now(cls, tz=None):
        return NOW.astimezone(tz) if tz else NOW.replace(tzinfo=None)


@pytest.fixture(scope="module")
def stopped_demo(django_db_setup, django_db_blocker):
    """The demo built for `NOW` with the clock stopped there, inside a
    transaction rolled back after the module."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: NOW)
        patch.setattr(defaulttags, "datetime", StoppedClock)
        with django_db_blocker.unblock(), transaction.atomic():
            call_command(
                "load_demo",
                password="x",
                force=True,
                today=NOW.date(),
                stdout=io.StringIO(),
            )
            yield
            transaction.set_rollback(True)


@pytest.fixture
def records(stopped_demo, db):
    """The demo records whose papers are checked: the revised 2020 strategy
    (its body has numbered sections), the report presenting a strategy with
    the author's own "Annex B: Delivery plan", its meeting's agenda pack, the
    decision approving the strategy, and the latest reported review."""
    report = Report.objects.get(annexes__contains="Annex B: Delivery plan")
    strategy = Strategy.objects.filter(
        body__contains="Why we revised the strategy"
    ).earliest("pk")
    review = (
        Review.objects.filter(workplan__organisation__slug="ashcombe")
        .exclude(reported_on=None)
        .select_related("workplan")
        .latest("workplan__financial_year", "number")
    )
    meeting = (
        report.agenda_items.filter(meeting__agenda_published=True)
        .select_related("meeting")
        .earliest("meeting__starts_at")
        .meeting
    )
    return {
        "strategy": strategy,
        "report": report,
        "meeting": meeting,
        "decision": strategy.approving_decision,
        "review": review,
    }


def render(kind: PaperKind, record):
    pdf = paper_pdf(kind, record, draft=not kind.is_final(record))
    return pdf, read(pdf)


def assert_well_laid_out(reader):
    """No page holds only a heading or a single table row, and the tag tree
    reads the paper in page order."""
    assert lonely_pages(reader) == []
    order = reading_order(reader)
    assert order and order == sorted(order)


def assert_pages_look_as_before(name, pdf, pages):
    images = page_images(pdf, pages)
    problems = [
        check_against_reference(f"{name}-page-{page}", image)
        for page, image in images.items()
    ]
    problems = [problem for problem in problems if problem]
    assert not problems, "\n".join(problems)


def test_the_layout_check_finds_a_lone_heading_and_a_lone_row():
    rows = "".join(f"<tr><td>Row {n}</td></tr>" for n in range(3))
    html = f"""<html lang="en-GB"><head><title>T</title></head><body>
    <p>First page.</p>
    <h2 style="break-before: page">A heading alone</h2>
    <table style="break-before: page"><thead><tr><th>Head</th></tr></thead>
    <tbody>{rows}<tr style="break-before: page"><td>Alone</td></tr></tbody>
    </table><p style="break-before: page">Last page.</p></body></html>"""
    reader = read(render_pdf_from_html(html))

    assert lonely_pages(reader) == [(2, "only a heading"), (4, "a single table row")]


def page_with(texts, text):
    return next(n for n, page in enumerate(texts, start=1) if text in page)


def test_the_strategy_in_full_bookmarks_its_sections_and_strands_nothing(records):
    pdf, reader = render(STRATEGY, records["strategy"])
    texts = page_texts(reader)

    assert_well_laid_out(reader)
    bookmarks = {title: depth for depth, title, _page in outline_pages(reader)}
    # The sections typed in the strategy's text are headings under "The
    # strategy in full", each a bookmark; so are the themes.
    assert bookmarks["The strategy in full"] == 1
    for section in ["1. Why we revised the strategy", "5. Governance and monitoring"]:
        assert bookmarks[section] == 2, section
    # Its tables have captions, and the risks' header row is repeated on
    # every page the table reaches.
    risks = page_with(texts, "Risks to delivering the strategy")
    for page in texts[risks - 1 :]:
        assert "Risk Likelihood Impact Mitigation Owner Reviewed" in page
    assert "About this strategy" in texts[0]
    assert_pages_look_as_before("strategy", pdf, [1, len(reader.pages)])


def test_the_strategy_on_a_page_is_one_page(records):
    pdf, reader = render(STRATEGY_ON_A_PAGE, records["strategy"])

    assert len(reader.pages) == 1
    assert_pages_look_as_before("strategy-on-a-page", pdf, [1])


def test_a_report_letters_every_annex_once_and_keeps_its_closing_sections_together(
    records,
):
    report = records["report"]
    pdf, reader = render(COMMITTEE_REPORT, report)
    texts = page_texts(reader)
    text = " ".join(texts)

    assert_well_laid_out(reader)
    # The author's Annex A is the strategy the paper carries; the author's
    # B and C are published separately; the strategy on a page takes D.
    strategy = subject_of(report).title
    assert f"Annex A: {strategy}" in text
    assert "Annex B: Delivery plan (published separately)" in text
    assert "Annex C: Equality impact assessment (published separately)" in text
    assert f"Annex D: {strategy}: strategy on a page" in text
    assert "Annex A to the report" in text and "Annex D to the report" in text
    assert "Annex B to the report" not in text
    # Contact officer, background papers and annexes share a page.
    contact = page_with(texts, ". Contact officer")
    assert page_with(texts, ". Background papers") == contact
    assert page_with(texts, "(published separately)") == contact
    assert "About this report" in texts[0]
    assert_pages_look_as_before("report", pdf, [1, contact])


def test_a_decision_record_keeps_its_short_closing_sections_together(records):
    pdf, reader = render(DECISION_RECORD, records["decision"])
    texts = page_texts(reader)

    assert_well_laid_out(reader)
    first = page_with(texts, "Alternative options considered and rejected")
    assert page_with(texts, "Dispensations granted") == first
    assert "About this decision" in texts[0]
    assert_pages_look_as_before("decision-record", pdf, [1])


def test_the_workplan_appendix_repeats_its_header_on_landscape_pages(records):
    pdf, reader = render(WORKPLAN_APPENDIX, records["review"].workplan)
    texts = page_texts(reader)

    assert_well_laid_out(reader)
    for number, page in enumerate(reader.pages, start=1):
        assert page.mediabox.width > page.mediabox.height, number
        assert "Ref. Item Description Cat." in texts[number - 1], number
    assert_pages_look_as_before("workplan-appendix", pdf, [1])


def test_the_progress_report_gives_progress_by_item_as_a_table(records):
    pdf, reader = render(PROGRESS_REPORT, records["review"])
    texts = page_texts(reader)

    assert_well_laid_out(reader)
    # Each page the table runs over starts with its header row.
    first = page_with(texts, "Progress of the items under")
    last = page_with(texts, "Variations since")
    assert first < last
    for page in texts[first - 1 : last - 1]:
        assert "Item RAG now Complete Update Trend" in page
    assert_pages_look_as_before("progress-report", pdf, [1, first])


def test_the_agenda_pack_front_sheet_and_contents_give_the_right_pages(records):
    pdf, reader = render(AGENDA_PACK, records["meeting"])
    texts = page_texts(reader)

    assert_well_laid_out(reader)
    front = texts[0]
    for field in ["Membership", "(Chair)", "Contact officer", "Date of despatch"]:
        assert field in front, field
    assert "The public" in front and "Not listed" not in front
    # Every part after the front sheet and contents (each report and annex)
    # starts on the page the contents give for it.
    parts = [page for depth, _title, page in outline_pages(reader) if depth == 0]
    contents = texts[1].split("Contents", 1)[1].split("Agenda items", 1)[0]
    assert contents_numbers(contents) == parts[2:]
    assert_pages_look_as_before("agenda-pack", pdf, [1, 2])
