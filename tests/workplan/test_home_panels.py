from django.urls import reverse

from governance.history import save_with_reason
from governance.models import Membership

from ..base import with_version


def home_text(client_for, user):
    return client_for(user).get(reverse("governance:home")).content.decode()


def test_an_officer_sees_the_items_they_lead_that_need_an_update(
    cast, business, client_for
):
    item = business.item
    item.lead_officer = Membership.objects.get(
        user=cast.officer, organisation=cast.council_a
    )
    save_with_reason(item, user=cast.officer, reason="Test set-up")
    text = home_text(client_for, cast.officer)
    assert "Items you lead that need an update" in text
    assert item.title in text
    assert "Your draft workplans" in text

    client_for(cast.officer).post(
        reverse("workplan:progress_update", args=[business.review.pk, item.pk]),
        with_version(
            client_for(cast.officer),
            reverse("workplan:progress_update", args=[business.review.pk, item.pk]),
            {
                "delivery_status": "in-progress",
                "rag": "green",
                "percent_complete": "20",
                "commentary": "Started.",
            },
        ),
    )
    assert "Items you lead that need an update" not in home_text(
        client_for, cast.officer
    )


def test_members_see_no_officer_panels(cast, business, client_for):
    text = home_text(client_for, cast.member)
    assert "Items you lead" not in text
    assert "Your draft workplans" not in text
