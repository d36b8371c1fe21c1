"""Members see only approved items: an item added to an approved plan by
variation is a draft until its variation is agreed, and until then it is not
there for a member — not on its page, in the workplan's lists, counts,
chart, overdue list, variations or reviews, not in the CSV or XLSX
export, not in the appendix, the progress report or a committee report's
annex — while the plan's officers see it in its lists and working copies,
marked as awaiting agreement (it is out of the plan's counts, chart and
review for them too). The rule is the item queryset's
(`ItemQuerySet.member_filter`, `in_the_plan`)."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from decisions.report_subjects import present
from governance.models import StoredPaper
from tests.paper_helpers import flat, read
from workplan.lifecycle import ITEM_LIFECYCLE
from workplan.reviews import close_round, record_update

from ..base import add_item_by_variation, approve_workplan, delegate_variations

TITLE = "Replace the payroll system"


@pytest.fixture
def varied(cast, business):
    """The cast's workplan approved (with WP01), then WP02 added by variation:
    red, overdue and updated in the open review — everything a member's
    count would pick up."""
    approve_workplan(cast, business, business.workplan)
    draft = add_item_by_variation(
        cast,
        business.workplan,
        "WP02",
        title=TITLE,
        rag="red",
        rag_reason="The supplier has gone into administration.",
        target_date=date(2020, 3, 31),
    )
    record_update(
        business.review,
        draft,
        cast.officer,
        {
            "delivery_status": "in-progress",
            "rag": "red",
            "rag_reason": "The supplier has gone into administration.",
            "percent_complete": 10,
            "commentary": "Looking for another supplier.",
            "revised_start_date": None,
            "revised_target_date": None,
        },
    )
    draft.refresh_from_db()
    return draft


def url(name, *args):
    return reverse(f"workplan:{name}", args=args)


def csv_text(response):
    return b"".join(response.streaming_content).decode("utf-8")


def xlsx_rows(response):
    book = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book["Items"].iter_rows(values_only=True)]


def workplan_page(client, workplan):
    response = client.get(workplan.get_absolute_url())
    assert response.status_code == 200
    return response


def chart_total(response):
    return sum(bar["bar"].total for bar in response.context["theme_chart"]["rows"])


def approve_item(item, cast, business):
    """Agree the variation adding the item, under delegated powers."""
    delegate_variations(cast, cast.officer)
    return ITEM_LIFECYCLE.perform(
        item,
        "agree_variation",
        cast.officer,
        inputs={"agreed_on": timezone.localdate()},
    )


def test_a_member_gets_404_for_an_item_added_by_variation_until_it_is_approved(
    varied, cast, business, client_for
):
    member = client_for(cast.member)
    assert member.get(varied.get_absolute_url()).status_code == 404
    assert member.get(business.item.get_absolute_url()).status_code == 200

    officer_page = client_for(cast.officer).get(varied.get_absolute_url())
    assert officer_page.status_code == 200
    assert "has not yet been agreed" in officer_page.content.decode()

    approve_item(varied, cast, business)

    member = client_for(cast.member)
    page = member.get(varied.get_absolute_url())
    assert page.status_code == 200
    assert "has not yet been agreed" not in page.content.decode()
    assert "Added by variation on" in page.content.decode()


def test_a_members_workplan_page_lists_and_counts_only_approved_items(
    varied, cast, business, client_for
):
    member = workplan_page(client_for(cast.member), business.workplan)
    text = member.content.decode()
    assert TITLE not in text
    assert [item.reference for item in member.context["items"]] == ["WP01"]
    assert member.context["paginator"].count == 1
    assert chart_total(member) == 1
    assert member.context["overdue"] == []
    assert member.context["variations"] == []
    # The open review is work in progress: not listed for members.
    assert member.context["reviews"] == []

    officer = workplan_page(client_for(cast.officer), business.workplan)
    text = officer.content.decode()
    assert TITLE in text
    assert officer.context["paginator"].count == 2
    # Not in the plan until agreed: not in its figures, nor the review's.
    assert chart_total(officer) == 1
    assert officer.context["overdue"] == []
    assert [v.item.reference for v in officer.context["variations"]] == ["WP02"]
    assert "0 of 1 items updated" in text
    # The officer sees it listed, marked.
    assert 'govuk-tag--yellow">Variation awaiting agreement</strong>' in text


def test_a_member_reads_a_review_once_closed_without_the_item(
    varied, cast, business, client_for
):
    review, progress = business.review, url("review_paper", business.review.pk)
    member = client_for(cast.member)
    assert member.get(review.get_absolute_url()).status_code == 404
    assert member.get(progress).status_code == 404
    officer = client_for(cast.officer)
    page = officer.get(review.get_absolute_url())
    assert TITLE not in page.content.decode()  # not in the plan yet
    assert page.context["updated"] == 0

    close_round(
        business.workplan,
        cast.clerk,
        {"meeting": business.meeting, "happened_on": timezone.localdate()},
    )

    member = client_for(cast.member)  # one test client, signed in again
    page = member.get(review.get_absolute_url())
    assert page.status_code == 200
    assert TITLE not in page.content.decode()
    assert page.context["updated"] == 0
    assert len(page.context["rows"]) == 1
    paper = member.get(progress)
    text = flat(read(paper.content)[1])
    assert TITLE not in text and "WP01" in text
    assert "DRAFT" not in text
    assert TITLE not in member.get(reverse("governance:home")).content.decode()
    officer = client_for(cast.officer)
    text = flat(read(officer.get(progress).content)[1])
    assert TITLE in text and "DRAFT" in text
    assert "Not yet approved (variation awaiting agreement)" in text


def test_a_members_csv_and_xlsx_exports_leave_the_item_out(
    varied, cast, business, client_for
):
    pk = business.workplan.pk
    member = client_for(cast.member)
    rows = list(
        csv.reader(io.StringIO(csv_text(member.get(url("workplan_export_csv", pk)))))
    )
    assert [row[0] for row in rows[1:]] == ["WP01"]
    assert [
        row[0] for row in xlsx_rows(member.get(url("workplan_export_xlsx", pk)))[1:]
    ] == ["WP01"]

    officer = client_for(cast.officer)
    rows = list(
        csv.reader(io.StringIO(csv_text(officer.get(url("workplan_export_csv", pk)))))
    )
    assert [(row[0], row[-1]) for row in rows[1:]] == [
        ("WP01", "Approved"),
        ("WP02", "Draft"),
    ]
    rows = xlsx_rows(officer.get(url("workplan_export_xlsx", pk)))
    assert [(row[0], row[-1]) for row in rows[1:]] == [
        ("WP01", "Approved"),
        ("WP02", "Draft"),
    ]


def test_a_members_appendix_leaves_the_item_out_an_officers_copy_marks_it(
    varied, cast, business, client_for
):
    appendix = url("workplan_paper", business.workplan.pk)
    member = client_for(cast.member)
    paper = member.get(appendix)
    assert paper.status_code == 200
    text = flat(read(paper.content)[1])
    assert TITLE not in text and "WP01" in text
    assert "DRAFT" not in text  # the paper of record of an approved plan
    assert StoredPaper.objects.filter(object_id=business.workplan.pk).count() == 1

    officer = client_for(cast.officer)
    copy = officer.get(appendix)
    assert copy.status_code == 200 and copy.has_header("ETag")
    text = flat(read(copy.content)[1])
    assert TITLE in text
    assert "Not yet approved (variation awaiting agreement)" in text
    assert "DRAFT" in text
    # The working copy is stored apart: the member's paper is unchanged.
    stored = StoredPaper.objects.get(
        object_id=business.workplan.pk, kind="workplan-appendix"
    )
    assert TITLE not in flat(read(bytes(stored.pdf))[1])
    working = StoredPaper.objects.get(
        object_id=business.workplan.pk, kind="workplan-appendix-working"
    )
    assert working.version_key.startswith("draft:")
    assert client_for(cast.member).get(appendix).content == paper.content


def test_a_committee_report_presenting_the_plan_annexes_only_approved_items(
    varied, cast, business, client_for
):
    present(business.report, business.workplan, user=cast.clerk, reason="Test")
    paper = client_for(cast.member).get(
        reverse("decisions:report_paper", args=[business.report.pk])
    )
    assert paper.status_code == 200
    text = flat(read(paper.content)[1])
    assert "WP01" in text
    assert TITLE not in text


def test_once_approved_the_item_is_in_every_members_view(
    varied, cast, business, client_for
):
    approve_item(varied, cast, business)
    pk = business.workplan.pk
    member = client_for(cast.member)

    page = workplan_page(member, business.workplan)
    assert page.context["paginator"].count == 2
    assert [v.item.reference for v in page.context["variations"]] == ["WP02"]
    assert TITLE in csv_text(member.get(url("workplan_export_csv", pk)))
    assert TITLE in flat(read(member.get(url("workplan_paper", pk)).content)[1])
