"""Papers given the issue's bad input still render, with nothing off the
page: a 50,000-character summary, an 80-character unbroken word in table
cells, right-to-left text and emoji in headings, a committee with no
members, and an agenda of 40 reports (about a minute: `make test-faults`)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from decisions.choices import CommitteeKind
from decisions.papers import AGENDA_PACK
from tests.base import (
    make_committee,
    make_meeting,
    make_report,
    put_on_agenda,
    write_under,
)
from tests.paper_helpers import paper_pdf

from .layout import (
    contents_numbers,
    lonely_pages,
    outline_pages,
    page_texts,
    read,
    words_off_page,
)

SUMMARY = ("The council will modernise its systems. " * 1300)[:50_000]
WORD = "W" * 80
HEADING = "مرحبا بالعالم 🎉🚀 تقرير"


def hostile_report(cast, meeting):
    """A report with a 50,000-character summary, 80-character words in two
    table cells and right-to-left text and emoji in its title, on `meeting`'s
    agenda as item 1."""
    report = make_report(cast.council_a, HEADING, summary=SUMMARY, wards_affected=WORD)
    write_under(report, "financial", f"{WORD} {WORD}")
    put_on_agenda(meeting, report, position=1)
    return report


def assert_laid_out(pdf, reports):
    """Nothing off the page or alone on one; the contents give each report
    the page it starts on; the front sheet says there are no members."""
    reader = read(pdf)
    texts = page_texts(reader)
    assert words_off_page(pdf) == []
    assert lonely_pages(reader) == []
    assert "Membership Not listed" in texts[0]
    parts = [page for depth, _title, page in outline_pages(reader) if depth == 0]
    contents = " ".join(texts[1:]).split("Contents", 1)[1].split("Agenda items")[0]
    assert len(parts) == 2 + reports
    assert contents_numbers(contents) == parts[2:]
    assert WORD in " ".join(texts).replace(" ", "").replace("\u200b", "")


def test_a_report_of_hostile_text_for_a_committee_with_no_members_stays_on_its_pages(
    cast,
):
    committee = make_committee(cast.council_a, "Empty Panel", CommitteeKind.OTHER)
    meeting = make_meeting(committee, timezone.now() + timedelta(days=10))
    hostile_report(cast, meeting)

    assert_laid_out(paper_pdf(AGENDA_PACK, meeting, draft=True), 1)


@pytest.mark.long
def test_an_agenda_of_forty_reports_gives_each_its_page_in_the_contents(cast):
    committee = make_committee(cast.council_a, "Empty Panel", CommitteeKind.OTHER)
    meeting = make_meeting(committee, timezone.now() + timedelta(days=10))
    hostile_report(cast, meeting)
    for position in range(2, 41):
        put_on_agenda(
            meeting, make_report(cast.council_a, f"Report {position}"), position
        )

    # The contents run over more than one page.
    assert_laid_out(paper_pdf(AGENDA_PACK, meeting, draft=True), 40)
