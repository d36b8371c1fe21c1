"""A six-monthly review round: opened, updated item by item, closed."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from governance.history import save_with_reason
from governance.lifecycle import add_months
from workplan.lifecycle import WORKPLAN_LIFECYCLE
from workplan.models import ProgressUpdate, Review, Workplan

from ..base import hearing, make_decision, make_item, name_in_decision, publish


def approve_workplan(cast, business):
    workplan = business.workplan
    workplan = WORKPLAN_LIFECYCLE.perform(
        workplan, "submit", cast.officer, inputs={"meeting": business.scrutiny_meeting}
    )
    workplan = WORKPLAN_LIFECYCLE.perform(
        workplan, "record_scrutiny", cast.clerk, inputs={"outcome": "endorsed"}
    )
    decision = make_decision(business.meeting, "Approval of the workplan")
    name_in_decision(decision, workplan)
    decision = publish(decision, cast.clerk)
    return WORKPLAN_LIFECYCLE.perform(
        workplan, "approve", cast.clerk, inputs={"decision": decision}
    )


def make_review_due(workplan, cast):
    workplan = Workplan.objects.get(pk=workplan.pk)
    workplan.next_review_due = timezone.localdate() - timedelta(days=1)
    return save_with_reason(workplan, user=cast.officer, reason="Test: review due")


def test_a_review_round_is_opened_updated_and_closed(cast, business, client_for):
    Review.objects.all().delete()
    make_item(cast, business.workplan, "WP02")
    workplan = make_review_due(approve_workplan(cast, business), cast)

    officer = client_for(cast.officer)
    response = officer.post(
        reverse("workplan:workplan_transition", args=[workplan.pk, "open_review"])
    )
    assert response.status_code == 302
    review = Review.objects.get(workplan=workplan)
    assert (review.number, review.status) == (1, "open")

    page = officer.get(review.get_absolute_url()).content.decode()
    assert "0 of 2 items" in page
    assert "Not yet updated" in page

    url = reverse("workplan:progress_update", args=[review.pk, business.item.pk])
    bad = officer.post(
        url,
        {
            "delivery_status": "in-progress",
            "rag": "red",
            "percent_complete": "150",
            "commentary": "",
            "version": "0",
        },
    )
    assert bad.status_code == 200
    assert "govuk-error-summary" in bad.content.decode()
    assert not ProgressUpdate.objects.exists()

    good = officer.post(
        url,
        {
            "delivery_status": "in-progress",
            "rag": "amber",
            "rag_reason": "",
            "percent_complete": "45",
            "commentary": "Supplier chosen.",
            "version": "0",
        },
    )
    assert good.status_code == 302
    business.item.refresh_from_db()
    assert (business.item.rag, business.item.percent_complete) == ("amber", 45)
    assert "1 of 2 items" in officer.get(review.get_absolute_url()).content.decode()

    # The close page says what is missing, and asks for where it went.
    reported = hearing(cast.council_a)
    clerk = client_for(cast.clerk)
    close_url = reverse(
        "workplan:workplan_transition", args=[workplan.pk, "close_review"]
    )
    page = clerk.get(close_url).content.decode()
    assert "1 of 2 items has no update for review 1" in page
    empty = clerk.post(close_url, {})
    assert empty.status_code == 200
    assert "Select the meeting the review was reported to, or the decision" in (
        empty.content.decode()
    )
    review.refresh_from_db()
    assert review.status == "open"
    closed = clerk.post(
        reverse("workplan:workplan_transition", args=[workplan.pk, "close_review"]),
        {"meeting": reported.pk},
    )
    assert closed.status_code == 302
    review.refresh_from_db()
    workplan.refresh_from_db()
    assert review.status == "closed"
    assert review.meeting == reported
    assert review.reported_on == timezone.localdate(reported.starts_at)
    assert workplan.status == "approved"
    due = timezone.localdate() - timedelta(days=1)
    assert workplan.next_review_due == add_months(due, 6)

    # A closed review's updates cannot change; the item's history shows it.
    assert client_for(cast.officer).get(url).status_code == 409
    item_page = client_for(cast.member).get(business.item.get_absolute_url())
    assert "Review 1" in item_page.content.decode()


def test_a_review_cannot_be_opened_before_it_is_due(cast, business, client_for):
    workplan = approve_workplan(cast, business)
    response = client_for(cast.officer).post(
        reverse("workplan:workplan_transition", args=[workplan.pk, "open_review"])
    )
    assert response.status_code == 409
    assert Review.objects.filter(workplan=workplan).count() == 1  # the cast's own


def test_opening_a_second_review_while_one_is_open_is_refused(
    cast, business, client_for
):
    workplan = make_review_due(approve_workplan(cast, business), cast)
    # The cast already has an open round for this workplan.
    response = client_for(cast.officer).post(
        reverse("workplan:workplan_transition", args=[workplan.pk, "open_review"])
    )
    assert response.status_code == 409
    workplan.refresh_from_db()
    assert workplan.status == "approved"
    assert Review.objects.filter(workplan=workplan).count() == 1
