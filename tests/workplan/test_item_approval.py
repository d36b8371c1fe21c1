"""An item added to an approved plan by variation is approved on its own,
through the app's pages: the officer adds it and sends it to scrutiny, the
clerk records the outcome, records Cabinet's decision naming it (the decision
form offers it) and records the approval; only then do members see it."""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from governance.lifecycle import LifecycleStatus
from workplan.models import Variation, WorkplanItem

from ..base import approve_workplan
from ..decisions.test_decision_pages import new_decision_data


def test_an_item_added_by_variation_is_sent_decided_and_approved_through_the_pages(
    cast, business, client_for
):
    plan = approve_workplan(cast, business, business.workplan)
    officer = client_for(cast.officer)
    added = officer.post(
        reverse("workplan:item_create", args=[plan.pk]),
        {
            "reference": "WP02",
            "title": "Replace the payroll system",
            "category": "C",
            "work_type": "statutory",
            "delivery_status": "not-started",
            "percent_complete": "0",
            "variation_reason": "A new statutory duty",
            "agreed_with": "Digital Programme Board",
        },
    )
    assert added.status_code == 302
    item = WorkplanItem.objects.get(workplan=plan, reference="WP02")
    assert item.status == LifecycleStatus.DRAFT
    assert Variation.objects.get(item=item).kind == Variation.Kind.ADDED

    def step(client, name, data):
        url = reverse("workplan:item_transition", args=[item.pk, name])
        page = client.get(item.get_absolute_url()).content.decode()
        assert f'href="{url}"' in page, f"{name} is not offered"
        return client.post(url, data)

    sent = step(officer, "submit", {"meeting": business.scrutiny_meeting.pk})
    assert sent.status_code == 302
    clerk = client_for(cast.clerk)
    assert step(clerk, "record_scrutiny", {"outcome": "endorsed"}).status_code == 302
    item.refresh_from_db()
    assert item.status == LifecycleStatus.APPROVAL

    key = f"{ContentType.objects.get_for_model(WorkplanItem).pk}:{item.pk}"
    form = clerk.get(reverse("decisions:decision_create")).context["form"]
    assert key in dict(form.fields["decides"].choices)
    saved = clerk.post(
        reverse("decisions:decision_create"),
        new_decision_data(
            business.meeting, title="Addition to the workplan", decides=[key]
        ),
    )
    assert saved.status_code == 302
    decision = item.organisation.decisions.get(title="Addition to the workplan")
    published = clerk.post(
        reverse("decisions:decision_transition", args=[decision.pk, "publish"])
    )
    assert published.status_code == 302

    # The published decision names it; a member reads the name, with no link
    # to a page that is not theirs yet.
    member = client_for(cast.member)
    assert member.get(item.get_absolute_url()).status_code == 404
    record = member.get(decision.get_absolute_url()).content.decode()
    assert "WP02 Replace the payroll system" in record
    assert f'href="{item.get_absolute_url()}"' not in record
    clerk = client_for(cast.clerk)
    assert f'href="{item.get_absolute_url()}"' in (
        clerk.get(decision.get_absolute_url()).content.decode()
    )
    approved = step(clerk, "approve", {"decision": decision.pk})
    assert approved.status_code == 302
    item.refresh_from_db()
    assert item.status == LifecycleStatus.APPROVED
    assert item.approving_decision == decision
    member = client_for(cast.member)
    assert member.get(item.get_absolute_url()).status_code == 200
    record = member.get(decision.get_absolute_url()).content.decode()
    assert f'href="{item.get_absolute_url()}"' in record
