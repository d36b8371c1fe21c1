"""Changes to an approved workplan are variations, recorded and reported."""

from django.urls import reverse
from django.utils import timezone

from workplan.models import Variation, WorkplanItem

from .test_reviews import approve_workplan


def item_data(item, **changes):
    data = {
        "reference": item.reference,
        "title": item.title,
        "description": item.description,
        "theme": item.theme_id or "",
        "category": item.category,
        "work_type": item.work_type,
        "delivery_status": item.delivery_status,
        "rag": item.rag,
        "rag_reason": item.rag_reason,
        "percent_complete": item.percent_complete,
        "start_date": "2023-04-01",
        "target_date": "2023-09-30",
        "version": item.version,
    }
    data.update(changes)
    return data


def test_rescheduling_an_item_of_an_approved_plan_is_a_variation(
    cast, business, client_for
):
    approve_workplan(cast, business)
    item = WorkplanItem.objects.get(pk=business.item.pk)
    client = client_for(cast.officer)
    url = reverse("workplan:item_update", args=[item.pk])

    missing = client.post(url, item_data(item, target_date="2023-12-31"))
    assert missing.status_code == 200
    assert "Say why the plan is changing." in missing.content.decode()
    assert not Variation.objects.exists()

    saved = client.post(
        url,
        item_data(
            item,
            target_date="2023-12-31",
            variation_reason="Supplier delay",
            agreed_with="Digital Programme Board",
            agreed_on="2099-01-01",
        ),
    )
    assert "The date agreed cannot be in the future." in saved.content.decode()
    assert not Variation.objects.exists()
    agreed_on = timezone.localdate()
    saved = client.post(
        url,
        item_data(
            item,
            target_date="2023-12-31",
            variation_reason="Supplier delay",
            agreed_with="Digital Programme Board",
            agreed_on=str(agreed_on),
        ),
    )
    assert saved.status_code == 302
    variation = Variation.objects.get()
    assert variation.kind == "rescheduled"
    assert variation.agreed_with == "Digital Programme Board"
    assert variation.agreed_on == agreed_on
    assert any(change["after"] == "2023-12-31" for change in variation.changes)
    item.refresh_from_db()
    assert str(item.target_date) == "2023-12-31"
    member_page = client_for(cast.member).get(business.workplan.get_absolute_url())
    assert "Item re-scheduled" in member_page.content.decode()
    assert "Supplier delay" in member_page.content.decode()


def test_a_change_of_title_is_a_rescoping(cast, business, client_for):
    approve_workplan(cast, business)
    item = WorkplanItem.objects.get(pk=business.item.pk)
    client_for(cast.officer).post(
        reverse("workplan:item_update", args=[item.pk]),
        item_data(
            item,
            title="Wider scope",
            variation_reason="Cabinet asked for more",
            agreed_with="Cabinet Member for Resources",
            agreed_on=str(timezone.localdate()),
        ),
    )
    assert Variation.objects.get().kind == "rescoped"


def test_an_unchanged_variation_is_refused(cast, business, client_for):
    approve_workplan(cast, business)
    item = WorkplanItem.objects.get(pk=business.item.pk)
    item_data_now = item_data(
        item,
        start_date=item.start_date or "",
        target_date=item.target_date or "",
        variation_reason="No change",
        agreed_with="Nobody",
    )
    response = client_for(cast.officer).post(
        reverse("workplan:item_update", args=[item.pk]), item_data_now
    )
    assert response.status_code == 200
    assert "no variation to record" in response.content.decode()
    assert not Variation.objects.exists()


def test_adding_an_item_to_an_approved_plan_is_a_variation_and_starts_as_a_draft(
    cast, business, client_for
):
    approve_workplan(cast, business)
    response = client_for(cast.officer).post(
        reverse("workplan:item_create", args=[business.workplan.pk]),
        {
            "reference": "WP77",
            "title": "New statutory return",
            "category": "C",
            "work_type": "statutory",
            "delivery_status": "not-started",
            "percent_complete": "0",
            "variation_reason": "New government requirement",
            "agreed_with": "Corporate Management Team",
        },
    )
    assert response.status_code == 302
    item = WorkplanItem.objects.get(reference="WP77")
    assert item.status == "draft"
    assert Variation.objects.get(item=item).kind == "added"


def test_removing_an_item_cancels_it_with_a_variation(cast, business, client_for):
    approve_workplan(cast, business)
    url = reverse("workplan:item_remove", args=[business.item.pk])
    client = client_for(cast.officer)
    assert client.post(url, {}).status_code == 200  # reasons required
    assert not Variation.objects.exists()
    agreed = {"agreed_with": "Sponsor", "agreed_on": str(timezone.localdate())}
    response = client.post(url, {"variation_reason": "No longer needed", **agreed})
    assert response.status_code == 302
    business.item.refresh_from_db()
    assert business.item.delivery_status == "cancelled"
    assert Variation.objects.get().kind == "removed"
    # Removing it again does nothing more.
    client.post(url, {"variation_reason": "Again", **agreed})
    assert Variation.objects.count() == 1


def test_approving_the_workplan_approves_its_items_with_history(
    cast, business, client_for
):
    approve_workplan(cast, business)
    item = WorkplanItem.objects.get(pk=business.item.pk)
    assert item.status == "approved"
    assert item.approving_decision is not None
    latest = item.history.latest("history_date")
    assert latest.history_change_reason == "Approved with the workplan"
    assert latest.history_user == cast.clerk
    # Approved items offer no lifecycle buttons of their own; an item added
    # as a variation offers its variation's agreement.
    page = client_for(cast.clerk).get(item.get_absolute_url()).content.decode()
    assert "Record the decision agreeing the variation" not in page
    client_for(cast.officer).post(
        reverse("workplan:item_create", args=[business.workplan.pk]),
        {
            "reference": "WP88",
            "title": "Late addition",
            "category": "ED",
            "work_type": "urgent",
            "delivery_status": "not-started",
            "percent_complete": "0",
            "variation_reason": "Urgent fix",
            "agreed_with": "Director of Resources",
        },
    )
    added = WorkplanItem.objects.get(reference="WP88")
    page = client_for(cast.clerk).get(added.get_absolute_url()).content.decode()
    assert "Record the decision agreeing the variation" in page
