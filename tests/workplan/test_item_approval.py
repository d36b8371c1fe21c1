"""An item added to an approved plan by variation is approved with its
variation, when the variation is agreed as the council says: under
delegated powers by someone the council has named, or by a published
decision naming the variation. Each through the app's pages."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from governance.events import Event
from governance.lifecycle import LifecycleStatus
from governance.models import Membership
from workplan.models import Variation, WorkplanItem

from ..base import approve_workplan, delegate_variations
from ..decisions.test_decision_pages import new_decision_data

NEW_ITEM = {
    "reference": "WP02",
    "title": "Replace the payroll system",
    "category": "C",
    "work_type": "statutory",
    "delivery_status": "not-started",
    "percent_complete": "0",
    "variation_reason": "A new statutory duty",
}


def add_item(client, plan):
    added = client.post(reverse("workplan:item_create", args=[plan.pk]), NEW_ITEM)
    assert added.status_code == 302
    item = WorkplanItem.objects.get(workplan=plan, reference="WP02")
    assert item.status == LifecycleStatus.DRAFT
    assert item.variations.get().agreed_on is None
    return item


def step_url(item, name):
    return reverse("workplan:item_transition", args=[item.pk, name])


def offered(client, item, name):
    return (
        f'href="{step_url(item, name)}"'
        in client.get(item.get_absolute_url()).content.decode()
    )


def events(item):
    return Event.objects.for_record(item)


def test_the_head_of_service_agrees_the_variation_under_delegated_powers(
    cast, business, client_for
):
    plan = approve_workplan(cast, business, business.workplan)
    delegate_variations(cast, cast.officer)
    Membership.objects.filter(user=cast.officer).update(job_title="Head of ICT")
    officer = client_for(cast.officer)
    item = add_item(officer, plan)
    assert not WorkplanItem.objects.in_the_plan().filter(pk=item.pk).exists()

    assert offered(officer, item, "agree_variation")
    assert not offered(officer, item, "agree_variation_by_decision")
    agreed_on = plan.approving_decision.decision_date
    future = officer.post(
        step_url(item, "agree_variation"),
        {"agreed_on": str(timezone.localdate() + timedelta(days=1))},
    )
    assert "The date agreed cannot be in the future." in future.content.decode()
    agreed = officer.post(
        step_url(item, "agree_variation"),
        {"agreed_on": str(agreed_on), "comment": "Within my delegation."},
    )
    assert agreed.status_code == 302

    item.refresh_from_db()
    assert item.status == LifecycleStatus.APPROVED
    assert item.approving_decision is None
    variation = item.variations.get()
    assert variation.agreed_on == agreed_on
    assert variation.agreed_by == cast.officer
    assert variation.agreed_capacity == "Head of ICT"
    assert variation.by == cast.officer  # recorded, apart from agreed
    assert variation.history.latest().history_change_reason == "Variation agreed"
    [event] = events(item)
    assert (event.transition, event.recorded_by, event.to_status) == (
        "agree_variation",
        cast.officer,
        LifecycleStatus.APPROVED,
    )
    # In the plan, marked, for members too.
    assert WorkplanItem.objects.in_the_plan().filter(pk=item.pk).exists()
    member = client_for(cast.member)
    mark = f"Added by variation on {agreed_on:%-d %B %Y}"
    assert mark in member.get(item.get_absolute_url()).content.decode()
    assert mark in member.get(plan.get_absolute_url()).content.decode()


def test_someone_without_the_delegated_power_is_refused_and_nothing_changes(
    cast, business, client_for
):
    plan = approve_workplan(cast, business, business.workplan)
    item = add_item(client_for(cast.officer), plan)
    delegate_variations(cast, cast.administrator)
    officer = client_for(cast.officer)
    url = step_url(item, "agree_variation")
    # Not offered; the page says who holds the power.
    page = officer.get(item.get_absolute_url()).content.decode()
    assert f'href="{url}"' not in page
    assert "You do not hold the power to agree variations" in page

    version, history = item.version, item.history.count()
    refused = officer.post(url, {"agreed_on": str(timezone.localdate())})
    assert refused.status_code == 409
    text = refused.content.decode()
    assert "govuk-error-summary" in text
    assert "You do not hold the power to agree variations" in text
    item.refresh_from_db()
    assert (item.status, item.version) == (LifecycleStatus.DRAFT, version)
    assert item.history.count() == history
    variation = item.variations.get()
    assert variation.agreed_on is None and variation.agreed_by is None
    assert not events(item).exists()
    # A member may not take the step at all.
    assert client_for(cast.member).post(url, {}).status_code == 404


def test_a_decision_naming_the_variation_approves_its_item(cast, business, client_for):
    plan = approve_workplan(cast, business, business.workplan)
    item = add_item(client_for(cast.officer), plan)
    variation = item.variations.get()
    clerk = client_for(cast.clerk)
    # Nobody holds delegated power: only a decision can agree it.
    assert not offered(clerk, item, "agree_variation")
    assert offered(clerk, item, "agree_variation_by_decision")

    key = f"{ContentType.objects.get_for_model(Variation).pk}:{variation.pk}"
    form = clerk.get(reverse("decisions:decision_create")).context["form"]
    assert key in dict(form.fields["decides"].choices)
    saved = clerk.post(
        reverse("decisions:decision_create"),
        new_decision_data(
            business.meeting, title="Variation to the workplan", decides=[key]
        ),
    )
    assert saved.status_code == 302
    decision = plan.organisation.decisions.get(title="Variation to the workplan")
    assert decision.names(variation)
    url = step_url(item, "agree_variation_by_decision")
    # Not yet published: refused, nothing changes.
    refused = clerk.post(url, {"decision": decision.pk})
    assert refused.status_code in (200, 409)
    item.refresh_from_db()
    assert item.status == LifecycleStatus.DRAFT
    published = clerk.post(
        reverse("decisions:decision_transition", args=[decision.pk, "publish"])
    )
    assert published.status_code == 302
    decision.refresh_from_db()
    assert decision.approval_problem(variation) is None

    assert clerk.post(url, {"decision": decision.pk}).status_code == 302
    item.refresh_from_db()
    assert item.status == LifecycleStatus.APPROVED
    assert item.approving_decision == decision
    variation.refresh_from_db()
    assert variation.decision == decision
    assert variation.agreed_on == decision.decision_date
    [event] = events(item)
    assert event.transition == "agree_variation_by_decision"
    assert event.link == decision
    # The decision's page links the variation (now readable) for members.
    member = client_for(cast.member)
    record = member.get(decision.get_absolute_url()).content.decode()
    assert variation.get_absolute_url() in record
