"""The workplan's committee papers: the workplan as a landscape appendix and
the six-monthly progress report of a review."""

import io
import logging
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.history import save_with_reason
from governance.papers import paper_html
from strategy.models import Theme
from tests.paper_helpers import assert_tagged, flat, outline_titles, paper_pdf, read
from workplan import papers, variations
from workplan.models import Department, Review, Variation, Workplan
from workplan.papers import (
    progress_report_part,
    progress_report_title,
    workplan_appendix_part,
    workplan_appendix_title,
)
from workplan.reviews import record_update

from ..base import make_item, make_review
from .paper_data import THEMES, build_reviewed_workplan

HEADER = ["Ref.", "Item", "Description", "Cat.", "Start", "End", "Status", "RAG"]
HOSTILE = (
    '<img src="file:///etc/passwd"> '
    "<style>@import url(http://127.0.0.1:9/x.css);</style> مرحبا بالعالم 🎉"
)


def squeezed(text):
    """Text without any white space: a line may break inside a URL."""
    return "".join(text.split())


def appendix_pdf(workplan):
    return paper_pdf(papers.WORKPLAN_APPENDIX, workplan)


def report_pdf(review):
    return paper_pdf(papers.PROGRESS_REPORT, review)


def update_data(rag, commentary, **fields):
    data = {
        "delivery_status": "in-progress",
        "rag": rag,
        "rag_reason": "Supplier delay" if rag == "red" else "",
        "percent_complete": 50,
        "commentary": commentary,
        "revised_start_date": None,
        "revised_target_date": None,
    }
    data.update(fields)
    return data


def close(review, user):
    review.status = Review.Status.CLOSED
    review.closed_at = timezone.now()
    review.reported_on = timezone.localdate()
    return save_with_reason(review, user=user, reason="Test: review closed")


@pytest.fixture
def reviewed(cast, business):
    """The cast's workplan through two reviews, built the ordinary way:

    WP01 amber then green; WP02 green then red; WP03 amber then amber; WP04
    added after review 1, green; WP05 amber at review 1, no update at review 2.
    A variation agreed before review 1 closed, and one after.
    """
    officer, workplan = cast.officer, business.workplan
    second_theme = save_with_reason(
        Theme(strategy=workplan.strategy, position=2, title="Secure by design"),
        user=officer,
        reason="Test set-up",
    )
    housing = save_with_reason(
        Department(organisation=cast.council_a, name="Housing"),
        user=officer,
        reason="Test set-up",
    )
    items = {"WP01": business.item}
    items["WP02"] = make_item(
        cast, workplan, "WP02", title="Firewall renewal", category="ED"
    )
    items["WP03"] = make_item(
        cast,
        workplan,
        "WP03",
        title="Data warehouse",
        category="FW",
        theme=second_theme,
        start_date=date(2023, 5, 1),
        target_date=date(2024, 2, 29),
    )
    items["WP03"].departments.add(housing)
    items["WP05"] = make_item(cast, workplan, "WP05", title="Unthemed job", theme=None)
    first = business.review
    for reference, rag in [
        ("WP01", "amber"),
        ("WP02", "green"),
        ("WP03", "amber"),
        ("WP05", "amber"),
    ]:
        record_update(
            first, items[reference], officer, update_data(rag, "Half-year position.")
        )
    variations.record(
        workplan,
        items["WP02"],
        Variation.Kind.RESCOPED,
        reason="Early variation before the first report.",
        agreed_with="Corporate Management Team",
        agreed_on=timezone.localdate(),
        user=officer,
    )
    close(first, cast.clerk)
    items["WP04"] = make_item(cast, workplan, "WP04", title="New statutory return")
    variations.record(
        workplan,
        items["WP01"],
        Variation.Kind.RESCHEDULED,
        reason="The supplier could not start until the autumn.",
        agreed_with="Digital Programme Board",
        agreed_on=timezone.localdate(),
        user=officer,
        changes=[
            {"field": "Target date", "before": "2023-09-30", "after": "2024-03-31"}
        ],
    )
    second = make_review(cast, workplan, number=2)
    for reference, rag, commentary in [
        ("WP01", "green", "Supplier chosen and contract signed."),
        ("WP02", "red", "Firewall vendor withdrew."),
        ("WP03", "amber", "Still scoping the data model."),
        ("WP04", "green", "Return designed."),
    ]:
        record_update(second, items[reference], officer, update_data(rag, commentary))
    return {"items": items, "first": first, "second": second, "theme": second_theme}


def test_the_appendix_lists_the_items_by_theme_with_their_category_and_rag(
    cast, business, reviewed
):
    workplan = Workplan.objects.get(pk=business.workplan.pk)
    reader, text = read(appendix_pdf(workplan))
    text = flat(text)

    title = workplan_appendix_title(workplan)
    assert title == "Appendix: ICT Strategy 2022–2025 – ICT workplan 2023–24"
    assert_tagged(reader, title, cast.council_a.name)
    assert title in text
    # In theme order, items without a theme last.
    first, second, none = (
        text.index("Digital by default"),
        text.index("Secure by design"),
        text.index("No theme"),
    )
    assert first < second < none
    assert text.index("Firewall renewal") < second < text.index("Data warehouse")
    assert none < text.index("Unthemed job")
    # Categories marked C, ED and FW, with the key.
    assert "C = confident of scope" in text
    assert "ED = early discovery" in text
    assert "FW = Future works – anticipated" in text
    assert "WP02 Firewall renewal" in text
    assert " ED " in text and " FW " in text
    assert "Red" in text and "Amber" in text and "Green" in text
    assert "Housing" in text
    assert "1 May 2023" in text and "29 Feb 2024" in text
    assert "In progress, 50%" in text
    assert set(outline_titles(reader)) >= {
        title,
        "Digital by default",
        "Secure by design",
        "No theme",
    }


@pytest.mark.long
def test_the_appendix_is_landscape_and_repeats_its_header_row_on_every_page(cast):
    data = build_reviewed_workplan(cast.council_a, 120, user=cast.officer)
    reader, _text = read(appendix_pdf(data.workplan))

    assert len(reader.pages) > 3
    for number, page in enumerate(reader.pages, start=1):
        box = page.mediabox
        assert box.width > box.height, number
        words = flat(page.extract_text())
        for heading in HEADER:
            assert heading in words, (number, heading)
    text = flat(_text)
    for theme in THEMES:
        assert theme in text


def test_the_progress_report_gives_counts_rag_by_theme_updates_trends_and_variations(
    cast, reviewed
):
    second = Review.objects.get(pk=reviewed["second"].pk)
    reader, text = read(report_pdf(second))
    text = flat(text)

    title = progress_report_title(second)
    assert title == "Progress report: ICT workplan 2023–24, review 2"
    assert_tagged(reader, title, cast.council_a.name)
    assert {"Summary", "RAG status by theme", "Progress by item"} <= set(
        outline_titles(reader)
    )
    assert "Items in the workplan 5" in text
    assert "Updated in this review 4 of 5" in text
    assert "No update 1" in text
    assert "Red 1, Amber 1, Green 2" in text
    assert "Improved 1, Worse 1, Unchanged 1, New 1, No update 1" in text
    # RAG by theme: red, amber, green, not rated, total.
    assert "Digital by default 1 0 2 0 3" in text
    assert "Secure by design 0 1 0 0 1" in text
    assert "No theme 0 0 0 1 1" in text
    assert "All themes 1 1 2 1 5" in text
    # Each item's update, with its trend since review 1.
    assert "Supplier chosen and contract signed." in text
    assert "Amber → Green (improved)" in text
    assert "Green → Red (worse)" in text
    assert "Reason for the RAG status: Supplier delay" in text
    assert "Amber → Amber (unchanged)" in text
    assert "Green (new)" in text
    assert "WP05 Unthemed job" in text
    # Progress by item is a table: item, RAG now, complete, update, trend.
    assert "Item RAG now Complete Update Trend" in text
    assert "No update – No update was given in this review. Amber → no update" in text
    assert text.index("Supplier chosen") < text.index("Still scoping")
    # Only the variation agreed since review 1.
    # (Table cells wrap their text anywhere.)
    assert "Variations since review 1" in text
    text = squeezed(text)
    for expected in [
        "Item re-scheduled",
        "The supplier could not start until the autumn.",
        "Target date: 2023-09-30 → 2024-03-31",
        "Digital Programme Board",
    ]:
        assert squeezed(expected) in text
    assert "Earlyvariation" not in text


def test_the_first_review_reports_every_rating_as_new_and_earlier_variations(
    cast, reviewed
):
    first = Review.objects.get(pk=reviewed["first"].pk)
    text = flat(read(report_pdf(first))[1])

    assert "This is the workplan’s first review" in text
    assert "Amber (new)" in text and "Green (new)" in text
    assert "→" not in text.split("Progress by item")[1].split("Variations")[0]
    assert "Variations since the workplan was approved" in text
    assert "Early variation before the first report." in text
    # Recorded after review 1 closed: reported at review 2.
    assert "could not start until the autumn" not in text


@pytest.mark.long
def test_user_text_appears_literally_and_fetches_nothing(cast, business, caplog):
    officer = cast.officer
    item = make_item(
        cast,
        business.workplan,
        "WP66",
        title=HOSTILE[:300],
        description=HOSTILE,
        rag="red",
        rag_reason=HOSTILE,
    )
    long_update = "update " * 7143  # 50,001 characters
    record_update(
        business.review,
        item,
        officer,
        update_data("red", HOSTILE + "\n" + long_update, rag_reason=HOSTILE),
    )
    assert len(long_update) >= 50_000
    variations.record(
        business.workplan,
        item,
        Variation.Kind.RESCOPED,
        reason=HOSTILE,
        agreed_with=HOSTILE[:200],
        agreed_on=timezone.localdate(),
        user=officer,
        changes=[{"field": HOSTILE, "before": HOSTILE, "after": "<b>x</b>"}],
    )

    with caplog.at_level(logging.WARNING, logger="governance.papers"):
        appendix = appendix_pdf(business.workplan)
        report = report_pdf(business.review)

    # Nothing was even asked of the fetcher.
    assert [r for r in caplog.records if r.name == "governance.papers"] == []
    for pdf in (appendix, report):
        text = squeezed(read(pdf)[1])
        assert squeezed(HOSTILE.split(" مرحبا")[0]) in text
        assert b"/EmbeddedFile" not in pdf
        assert b"root:" not in pdf
    text = read(report)[1]
    assert text.count("update") >= 7143
    assert "<b>x</b>" in text


def test_each_builder_makes_as_many_queries_for_60_items_as_for_5(cast):
    small = build_reviewed_workplan(cast.council_a, 5, user=cast.officer)
    large = build_reviewed_workplan(cast.council_a, 60, user=cast.officer, year=2031)

    counts = {}
    for size, data in (("small", small), ("large", large)):
        for builder, record in (
            (workplan_appendix_part, data.workplan),
            (progress_report_part, data.review),
        ):
            with CaptureQueriesContext(connection) as queries:
                part = builder(record)
            with CaptureQueriesContext(connection) as template_queries:
                paper_html("Paper", cast.council_a, [part])
            assert len(template_queries) == 0, template_queries.captured_queries
            counts[size, builder.__name__] = len(queries)

    # The workplan with its strategy; the items with their theme and lead
    # officer; their departments.
    assert counts["small", "workplan_appendix_part"] == 3
    assert counts["large", "workplan_appendix_part"] == 3
    # The review with its workplan and meeting; the previous review; the
    # items; this review's updates with who gave them; the previous review's
    # RAGs; the variations.
    assert counts["small", "progress_report_part"] == 6
    assert counts["large", "progress_report_part"] == 6


def test_the_reviewed_workplan_of_the_benchmark_has_every_trend(cast):
    data = build_reviewed_workplan(
        cast.council_a, 40, user=cast.officer, missing_every=10, close_review=True
    )
    part = progress_report_part(data.review)

    trends = {t["kind"]: t["count"] for t in part.data["summary"]["trends"]}
    assert all(trends.values()), trends
    assert part.data["summary"]["updated"] == 36
    assert len(part.data["variations"]) == 3
    assert data.review.status == Review.Status.CLOSED


@pytest.mark.long
def test_the_demo_workplan_and_each_of_its_reviews_make_papers(db):
    from governance.demo import financial_year_start, story_years
    from strategy.demo import STRATEGY_2020

    # Loaded for the last day of the last financial year: that year's plan
    # has its mid-year review reported and its year-end review open.
    day = date(financial_year_start(timezone.localdate()), 3, 31)
    years = story_years(day)
    call_command("load_demo", password="x", force=True, today=day, stdout=io.StringIO())
    workplan = Workplan.objects.get(
        organisation__slug="ashcombe",
        strategy__title=years.text(STRATEGY_2020),
        financial_year=years.plan,
    )

    reader, text = read(appendix_pdf(workplan))
    text = flat(text)
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height
    for item in workplan.items.all():
        assert item.reference in text, item
    for theme in workplan.strategy.themes.all():
        assert theme.title in text, theme

    first, second = workplan.reviews.order_by("number")
    text = flat(read(report_pdf(first))[1])
    assert "This is the workplan’s first review" in text
    assert "The supplier could not start until the autumn." in text
    assert "A national scheme now provides this" in text
    text = flat(read(report_pdf(second))[1])
    assert "Year-end position." in text
    assert "No update" in text
    assert "(unchanged)" in text
    assert "Variations since review 1 None." in text


# --- served from the workplan and review pages ----------------------------------


def test_the_papers_are_served_on_the_pages_rules_and_kept_once_final(
    cast, business, client_for
):
    from django.urls import reverse

    from governance.lifecycle import LifecycleStatus
    from governance.models import StoredPaper

    appendix = reverse("workplan:workplan_paper", args=[business.workplan.pk])
    progress = reverse("workplan:review_paper", args=[business.review.pk])
    clerk = client_for(cast.clerk)
    draft = clerk.get(appendix)
    assert draft.status_code == 200 and draft["Content-Type"] == "application/pdf"
    # Drafts are kept per version too (marked DRAFT), so they carry an ETag.
    assert "DRAFT" in read(draft.content)[1] and draft.has_header("ETag")
    assert "DRAFT" in read(clerk.get(progress).content)[1]  # the review is open
    member = client_for(cast.member)
    assert member.get(appendix).status_code == 404
    assert member.get(progress).status_code == 404
    other = client_for(cast.other_council)
    assert other.get(appendix).status_code == 404
    assert other.get(reverse("workplan:review_paper", args=[999999])).status_code == 404

    workplan = business.workplan
    workplan.status = LifecycleStatus.APPROVED
    save_with_reason(workplan, user=cast.clerk, reason="Test: approved")
    review = business.review
    review.status, review.closed_at = Review.Status.CLOSED, timezone.now()
    review.reported_on = timezone.localdate()
    save_with_reason(review, user=cast.clerk, reason="Test: closed")
    member = client_for(cast.member)
    final = member.get(appendix)
    assert final.status_code == 200 and final["ETag"]
    assert "DRAFT" not in read(final.content)[1]
    report = member.get(progress)
    assert report.status_code == 200 and "DRAFT" not in read(report.content)[1]
    assert (
        StoredPaper.objects.filter(object_id__in=[workplan.pk, review.pk]).count() == 2
    )
    assert (
        member.get(appendix, headers={"If-None-Match": final["ETag"]}).status_code
        == 304
    )
