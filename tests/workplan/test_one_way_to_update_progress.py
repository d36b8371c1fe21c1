"""One way to update progress: while a review is open, the item's "Update
progress" leads to the review's update for it (the one that counts towards
the review), and says so; the home page and the workplan page's rows link
straight there. With no
review open, the item's own progress page takes status, RAG, percent and a
progress note."""

from django.urls import reverse

from workplan.models import ProgressNote, Review

from ..base import make_item


def test_with_a_review_open_progress_is_given_to_the_review(cast, business, client_for):
    review, item = business.review, business.item
    assert review.status == Review.Status.OPEN
    officer = client_for(cast.officer)

    page = officer.get(item.get_absolute_url()).content.decode()
    to_review = reverse("workplan:progress_update", args=[review.pk, item.pk])
    assert f'href="{to_review}">Update progress for review {review.number}' in page
    assert reverse("workplan:item_progress", args=[item.pk]) not in page

    # The item's own progress page (a bookmark, an old link) sends the
    # person to the review's update, saying why.
    response = officer.get(reverse("workplan:item_progress", args=[item.pk]))
    assert response["Location"] == to_review
    followed = officer.get(to_review).content.decode()
    assert f"Review {review.number} is open: progress given here counts" in followed


def test_the_home_page_links_an_item_needing_an_update_to_the_reviews_form(
    cast, business, client_for
):
    review, item = business.review, business.item
    item.lead_officer = cast.officer.memberships.get(organisation=cast.council_a)
    item.save(update_fields=["lead_officer"])

    page = client_for(cast.officer).get("/").content.decode()

    to_review = reverse("workplan:progress_update", args=[review.pk, item.pk])
    assert f'href="{to_review}">Update {item.reference}' in page


def test_the_workplan_pages_rows_link_straight_to_the_reviews_form(
    cast, business, client_for
):
    review, item, workplan = business.review, business.item, business.workplan
    to_review = reverse("workplan:progress_update", args=[review.pk, item.pk])
    own_page = reverse("workplan:item_progress", args=[item.pk])

    page = client_for(cast.officer).get(workplan.get_absolute_url()).content.decode()
    assert f'href="{to_review}?next=' in page
    assert own_page not in page

    # A member gives no updates: no link either way.
    page = client_for(cast.member).get(workplan.get_absolute_url()).content.decode()
    assert to_review not in page
    assert own_page not in page

    # With the review closed, the rows link to the item's own progress page.
    review.status = Review.Status.CLOSED
    review.save(update_fields=["status"])
    page = client_for(cast.officer).get(workplan.get_absolute_url()).content.decode()
    assert f'href="{own_page}?next=' in page
    assert to_review not in page


def test_with_no_review_open_progress_comes_with_a_note(cast, business, client_for):
    business.review.status = Review.Status.CLOSED
    business.review.save(update_fields=["status"])
    item = make_item(cast, business.workplan, "PN-1", percent_complete=10)
    officer = client_for(cast.officer)
    url = reverse("workplan:item_progress", args=[item.pk])
    assert officer.get(url).status_code == 200

    response = officer.post(
        url,
        {
            "version": item.version,
            "delivery_status": "in-progress",
            "rag": "green",
            "percent_complete": "30",
            "note": "Supplier appointed.",
        },
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.percent_complete == 30
    note = ProgressNote.objects.get(item=item)
    assert (note.text, note.by) == ("Supplier appointed.", cast.officer)
    assert (
        "Supplier appointed." in officer.get(item.get_absolute_url()).content.decode()
    )
