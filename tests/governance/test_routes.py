"""Each council's route: scrutiny required, optional or not used, and whose
decisions may approve — set in the app by its clerks, enforced by the
lifecycle wherever a step is taken.

The route matrix is every route × the two ways a draft leaves draft × every
signed-in role, posted straight to the transition URL as a crafted request
would be. Who may take each and where it leads are written down here.
"""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from decisions.choices import CommitteeKind
from governance.choices import DemocraticSettingsManagers
from governance.events import Event
from governance.lifecycle import LifecycleStatus
from governance.routes import Route, Scrutiny, route_of
from strategy.lifecycle import STRATEGY_LIFECYCLE
from strategy.models import Strategy
from workplan.lifecycle import WORKPLAN_LIFECYCLE

from ..base import (
    make_committee,
    make_decision,
    make_meeting,
    make_strategy,
    make_workplan,
    name_in_decision,
    publish,
    with_version,
)

S = LifecycleStatus


def WEEK_AGO():  # noqa: N802 - reads as the constant it stands for
    return timezone.localdate() - timedelta(days=7)


ROLES = ["member", "officer", "clerk", "administrator", "other_council"]


def set_route(council, record_type, scrutiny, *committees):
    route = route_of(council.pk, record_type)
    route.scrutiny = scrutiny
    route.save()
    if committees:
        route.approving_committees.set(committees)
    return route


#: (route, step) -> where a draft goes when its officer takes it; absent:
#: refused (409) to the officer.
MOVES = {
    (Scrutiny.REQUIRED, "submit"): S.SCRUTINY,
    (Scrutiny.OPTIONAL, "submit"): S.SCRUTINY,
    (Scrutiny.OPTIONAL, "send_for_decision"): S.APPROVAL,
    (Scrutiny.NOT_USED, "send_for_decision"): S.APPROVAL,
}
CELLS = [
    (route, step) for route in Scrutiny for step in ("submit", "send_for_decision")
]


def step_data(step, business):
    if step == "submit":
        return {"meeting": business.scrutiny_meeting.pk}
    return {"comment": "Straight to Cabinet."}


@pytest.mark.parametrize(
    ("scrutiny", "step"), CELLS, ids=[f"{r.value}-{s}" for r, s in CELLS]
)
def test_a_draft_leaves_draft_only_by_the_councils_route(
    cast, business, client_for, scrutiny, step
):
    set_route(cast.council_a, "strategy", scrutiny)
    strategy = make_strategy(cast, "Route Strategy 2026–2030")
    url = reverse("strategy:strategy_transition", args=[strategy.pk, step])
    problems = []
    for role in ROLES:
        with transaction.atomic():
            response = client_for(cast.user(role)).post(
                url,
                with_version(
                    client_for(cast.user(role)), url, step_data(step, business)
                ),
            )
            strategy.refresh_from_db()
            if role == "other_council" or role == "member":
                expected = 404
            elif role != "officer":
                expected = 403
            else:
                expected = 302 if (scrutiny, step) in MOVES else 409
            if response.status_code != expected:
                problems.append(f"{role}: {response.status_code}, expected {expected}")
            moved = MOVES.get((scrutiny, step)) if expected == 302 else S.DRAFT
            if strategy.status != moved:
                problems.append(f"{role}: now {strategy.status}, expected {moved}")
            transaction.set_rollback(True)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("scrutiny", "offered"),
    [
        (Scrutiny.REQUIRED, ["submit"]),
        (Scrutiny.OPTIONAL, ["submit", "send_for_decision"]),
        (Scrutiny.NOT_USED, ["send_for_decision"]),
    ],
)
def test_the_strategy_page_offers_the_officer_exactly_the_routes_steps(
    cast, business, client_for, scrutiny, offered
):
    set_route(cast.council_a, "strategy", scrutiny)
    strategy = make_strategy(cast, "Route Strategy 2026–2030")

    steps, _blocked = STRATEGY_LIFECYCLE.offer(strategy, cast.officer)
    page = client_for(cast.officer).get(strategy.get_absolute_url()).content.decode()

    assert [step.name for step in steps] == offered
    for name in ("submit", "send_for_decision"):
        url = reverse("strategy:strategy_transition", args=[strategy.pk, name])
        assert (url in page) == (name in offered)


def test_the_confirmation_page_says_which_route_applies_and_why(
    cast, business, client_for
):
    set_route(cast.council_a, "strategy", Scrutiny.OPTIONAL, business.cabinet)
    strategy = make_strategy(cast, "Route Strategy 2026–2030")
    url = reverse(
        "strategy:strategy_transition", args=[strategy.pk, "send_for_decision"]
    )

    page = client_for(cast.officer).get(url).content.decode()

    assert "pre-decision scrutiny is optional; Cabinet approves" in page


def test_sent_straight_to_cabinet_and_approved_without_inventing_a_scrutiny(
    cast, business
):
    """Seeds 000 and 001: the strategy went straight to Cabinet."""
    set_route(cast.council_a, "strategy", Scrutiny.NOT_USED, business.cabinet)
    strategy = make_strategy(cast, "Straight Strategy 2026–2030")
    STRATEGY_LIFECYCLE.perform(
        strategy, "send_for_decision", cast.officer, inputs={"happened_on": WEEK_AGO()}
    )
    decision = make_decision(business.meeting, "Approval of the strategy")
    name_in_decision(decision, strategy)
    decision = publish(decision, cast.clerk)

    approved = STRATEGY_LIFECYCLE.perform(
        strategy, "approve", cast.clerk, inputs={"decision": decision}
    )

    assert approved.status == S.APPROVED
    assert approved.scrutiny_meeting is None
    steps = [event.transition for event in Event.objects.for_record(approved)]
    assert steps == ["send_for_decision", "approve"]


def test_a_workplan_approved_by_a_finance_committee_alone(cast, business):
    """Seed 004: the annual workplan went straight to a Finance Committee;
    a Cabinet decision may not approve it under that route."""
    council = cast.council_a
    finance = make_committee(
        council, "Finance Committee", CommitteeKind.DECISION_MAKING
    )
    set_route(council, "workplan", Scrutiny.NOT_USED, finance)
    workplan = make_workplan(cast, business.approved_strategy, 2027)
    workplan = WORKPLAN_LIFECYCLE.perform(
        workplan, "send_for_decision", cast.officer, inputs={"happened_on": WEEK_AGO()}
    )
    by_cabinet = make_decision(business.meeting, "Cabinet on the workplan")
    name_in_decision(by_cabinet, workplan)
    by_cabinet = publish(by_cabinet, cast.clerk)
    held = make_meeting(finance, timezone.now() - timedelta(days=1))
    by_finance = make_decision(held, "Finance Committee approves the workplan")
    name_in_decision(by_finance, workplan)
    by_finance = publish(by_finance, cast.clerk)

    status, problems = WORKPLAN_LIFECYCLE.problems(
        workplan, "approve", cast.clerk, {"decision": by_cabinet}
    )
    approved = WORKPLAN_LIFECYCLE.perform(
        workplan, "approve", cast.clerk, inputs={"decision": by_finance}
    )

    assert status == 409
    assert problems == [
        "Under the council's route, only Finance Committee may approve it: this "
        "decision was taken by Cabinet."
    ]
    assert approved.status == S.APPROVED
    assert approved.approving_decision == by_finance


def test_the_approval_form_offers_only_decisions_of_the_routes_bodies(
    cast, business, client_for
):
    council = cast.council_a
    finance = make_committee(
        council, "Finance Committee", CommitteeKind.DECISION_MAKING
    )
    set_route(council, "strategy", Scrutiny.NOT_USED, finance)
    strategy = make_strategy(cast, "Route Strategy 2026–2030")
    STRATEGY_LIFECYCLE.perform(strategy, "send_for_decision", cast.officer)
    url = reverse("strategy:strategy_transition", args=[strategy.pk, "approve"])

    form = client_for(cast.clerk).get(url).context["form"]

    committees = {d.meeting.committee for d in form.fields["decision"].queryset}
    assert committees <= {finance}


def test_a_clerk_sets_the_route_in_the_app_and_it_keeps_its_history(
    cast, business, client_for
):
    url = reverse("governance:route_update", args=[cast.council_a.slug, "workplan"])
    client = client_for(cast.clerk)

    page = client.get(url)
    response = client.post(
        url,
        with_version(
            client,
            url,
            {
                "scrutiny": "optional",
                "approving_committees": [business.cabinet.pk],
                "change_reason": "Constitution revised",
            },
        ),
    )

    assert page.status_code == 200
    assert response.status_code == 302
    route = Route.objects.get(organisation=cast.council_a, record_type="workplan")
    assert route.scrutiny == Scrutiny.OPTIONAL
    assert list(route.approving_committees.all()) == [business.cabinet]
    assert route.history.first().history_change_reason == "Constitution revised"
    council_page = client.get(cast.council_a.get_absolute_url()).content.decode()
    assert "Optional: the officer chooses whether it goes to scrutiny first" in (
        council_page
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"scrutiny": "optional", "change_reason": "Test"},
            "approving_committees",
            "Select at least one body whose decisions may approve them",
        ),
        (
            {"scrutiny": "sometimes", "change_reason": "Test"},
            "scrutiny",
            "Select whether scrutiny considers drafts first from the list",
        ),
    ],
)
def test_a_route_that_leaves_nobody_to_approve_is_refused_and_nothing_saved(
    cast, business, client_for, data, field, message
):
    url = reverse("governance:route_update", args=[cast.council_a.slug, "strategy"])

    response = client_for(cast.clerk).post(
        url, with_version(client_for(cast.clerk), url, data)
    )

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "govuk-error-summary" in response.content.decode()
    assert not Route.objects.exists()


def test_a_scrutiny_committee_cannot_be_named_to_approve(cast, business, client_for):
    url = reverse("governance:route_update", args=[cast.council_a.slug, "strategy"])
    scrutiny = business.scrutiny_meeting.committee

    response = client_for(cast.clerk).post(
        url,
        with_version(
            client_for(cast.clerk),
            url,
            {
                "scrutiny": "required",
                "approving_committees": [scrutiny.pk],
                "change_reason": "Test",
            },
        ),
    )

    assert response.status_code == 200
    assert "approving_committees" in response.context["form"].errors
    assert not Route.objects.exists()


def test_an_unknown_record_type_has_no_route_page(cast, business, client_for):
    url = reverse("governance:route_update", args=[cast.council_a.slug, "meeting"])

    assert client_for(cast.clerk).get(url).status_code == 404


def test_a_route_changed_while_a_draft_is_with_scrutiny_leaves_it_there(cast, business):
    strategy = make_strategy(cast, "Route Strategy 2026–2030")
    STRATEGY_LIFECYCLE.perform(
        strategy, "submit", cast.officer, inputs={"meeting": business.scrutiny_meeting}
    )
    set_route(cast.council_a, "strategy", Scrutiny.NOT_USED, business.cabinet)

    recorded = STRATEGY_LIFECYCLE.perform(
        Strategy.objects.get(pk=strategy.pk),
        "record_scrutiny",
        cast.clerk,
        inputs={"outcome": "endorsed", "committee_comments": ""},
    )

    assert recorded.status == S.APPROVAL


def test_clerks_cannot_change_routes_where_only_administrators_may(
    cast, business, client_for
):
    council = cast.council_a
    council.democratic_settings_managed_by = DemocraticSettingsManagers.ADMINISTRATORS
    council.save()
    url = reverse("governance:route_update", args=[council.slug, "strategy"])

    assert client_for(cast.clerk).get(url).status_code == 403
    assert client_for(cast.administrator).get(url).status_code == 200
