"""A strategy's lifecycle: who may move it, when, what it needs, what it keeps.

The bypass matrix is every transition of the table the code uses
(`STRATEGY_LIFECYCLE.transitions`) × a strategy put into every state through
the real transitions × every signed-in role, each POSTed straight to the
transition URL as a crafted request would be. Who may take each transition
and where it leads are written down here (`WHO`, `MOVES`), not read back from
the code, so a change that opens a path shows up as a failure.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from decisions.choices import CallInOutcome, DecisionStatus
from decisions.decision_path import DECISION_PATH
from decisions.models import Committee
from governance.choices import Role
from governance.events import Event
from governance.history import save_with_reason
from governance.lifecycle import ApprovedVersion, LifecycleStatus
from governance.transitions import TransitionRefused
from strategy.lifecycle import STRATEGY_LIFECYCLE
from strategy.models import Objective, Risk, Strategy, Theme

from ..base import (
    approve_strategy,
    hearing,
    make_decision,
    make_meeting,
    make_person,
    make_strategy,
    name_in_decision,
    publish,
)

ROLES = ["member", "officer", "clerk", "administrator", "other_council"]
S = LifecycleStatus


def days_ago(days):
    return timezone.localdate() - timedelta(days=days)


def committee(council, name):
    return Committee.objects.get(organisation=council, name=name)


def approving_decision(strategy, cast, business, title=None):
    """A published Cabinet decision of council A that names `strategy`."""
    decision = make_decision(
        business.meeting,
        title or f"Approval of {strategy.title}",
        decision_date=days_ago(2),
    )
    name_in_decision(decision, strategy)
    return publish(decision, cast.clerk)


# --- strategies in every state, reached through the real transitions ---------------


def draft(cast, business):
    return make_strategy(cast, "Matrix Strategy 2026–2030")


def scrutiny(cast, business):
    return STRATEGY_LIFECYCLE.perform(
        draft(cast, business),
        "submit",
        cast.officer,
        inputs={"meeting": business.scrutiny_meeting},
    )


def approval(cast, business):
    return STRATEGY_LIFECYCLE.perform(
        scrutiny(cast, business),
        "record_scrutiny",
        cast.clerk,
        inputs={"outcome": "endorsed", "committee_comments": ""},
    )


def approved(cast, business):
    return approve_strategy(draft(cast, business), cast, business)


def make_review_due(strategy, cast, due=None):
    """Time has passed: the review date is reached (saved on a fresh instance)."""
    fresh = Strategy.objects.get(pk=strategy.pk)
    fresh.next_review_due = due or days_ago(1)
    return save_with_reason(fresh, user=cast.officer, reason="The review date passed")


def review_due(cast, business):
    return make_review_due(approved(cast, business), cast)


def review(cast, business):
    # Opened on the day of the Cabinet meeting it is later reported to.
    return STRATEGY_LIFECYCLE.perform(
        review_due(cast, business),
        "open_review",
        cast.officer,
        inputs={"happened_on": timezone.localdate(business.meeting.starts_at)},
    )


def superseded(cast, business):
    old = approved(cast, business)
    replacement = make_strategy(cast, "Matrix Strategy, replaced", replaces=old)
    approve_strategy(replacement, cast, business)
    return Strategy.objects.get(pk=old.pk)


def closed(cast, business):
    return STRATEGY_LIFECYCLE.perform(
        approved(cast, business), "close", cast.clerk, comment="It has ended."
    )


@dataclass(frozen=True)
class State:
    name: str
    build: object
    status: str
    #: Members read only adopted and closed strategies: others are 404 to them.
    hidden_from_members: bool = False


STATES = [
    State("draft", draft, S.DRAFT, hidden_from_members=True),
    State("scrutiny", scrutiny, S.SCRUTINY, hidden_from_members=True),
    State("approval", approval, S.APPROVAL, hidden_from_members=True),
    State("approved", approved, S.APPROVED),
    State("approved-review-due", review_due, S.APPROVED),
    State("review", review, S.REVIEW),
    State("superseded", superseded, S.SUPERSEDED),
    State("closed", closed, S.CLOSED),
]
STATE = {state.name: state for state in STATES}

#: transition -> the roles that may take it (within the strategy's council).
WHO = {
    "submit": {"officer"},
    "send_for_decision": {"officer"},
    "record_scrutiny": {"clerk"},
    "approve": {"clerk"},
    "reject": {"clerk"},
    "open_review": {"officer", "clerk"},
    "close_review": {"clerk"},
    "close": {"clerk"},
    # Only ever by the system: when a replacement is approved, and when a
    # call-in of the approving decision pauses, confirms or withdraws the
    # approval (reinstating what a replacement would have superseded).
    "supersede": set(),
    "reinstate": set(),
    "pause_approval": set(),
    "confirm_approval": set(),
    "withdraw_approval": set(),
}

#: (transition, state) -> the status it moves to. Every other pair is refused.
MOVES = {
    ("submit", "draft"): S.SCRUTINY,
    ("record_scrutiny", "scrutiny"): S.APPROVAL,
    ("approve", "approval"): S.APPROVED,
    ("reject", "approval"): S.DRAFT,
    ("open_review", "approved-review-due"): S.REVIEW,
    ("close_review", "review"): S.APPROVED,
    ("close", "approved"): S.CLOSED,
    ("close", "approved-review-due"): S.CLOSED,
    ("close", "review"): S.CLOSED,
}


def valid_data(transition, strategy, cast, business):
    """What the confirmation page would post for `transition`, filled in well."""
    if transition == "submit":
        return {"meeting": business.scrutiny_meeting.pk, "comment": "For scrutiny."}
    if transition == "record_scrutiny":
        return {"outcome": "endorsed", "committee_comments": ""}
    if transition == "approve":
        return {"decision": approving_decision(strategy, cast, business).pk}
    if transition == "close_review":
        return {"meeting": business.meeting.pk}
    if transition in ("reject", "close"):
        return {"comment": "Cabinet asked for more work."}
    return {}


def transition_url(strategy, name):
    return reverse("strategy:strategy_transition", args=[strategy.pk, name])


def footprint(strategy):
    """What a refused request must leave exactly as it was."""
    row = Strategy.objects.get(pk=strategy.pk)
    return {
        "status": row.status,
        "version": row.version,
        "approving_decision": row.approving_decision_id,
        "approved_on": row.approved_on,
        "next_review_due": row.next_review_due,
        "scrutiny_meeting": row.scrutiny_meeting_id,
        "scrutiny_outcome": row.scrutiny_outcome,
        "history": row.history.count(),
        "events": Event.objects.for_record(row).count(),
        "approved_versions": approved_versions(row).count(),
        "all_events": Event.objects.filter(
            content_type=ContentType.objects.get_for_model(Strategy)
        ).count(),
        "all_approved_versions": ApprovedVersion.objects.count(),
        "strategies": Strategy.objects.count(),
    }


def approved_versions(strategy):
    return ApprovedVersion.objects.filter(
        content_type=ContentType.objects.get_for_model(Strategy),
        object_id=strategy.pk,
    )


def expected_status(transition, state, role):
    if role == "other_council":
        return 404
    if role == "member" and state.hidden_from_members:
        return 404
    if role not in WHO[transition]:
        return 403
    return 302 if (transition, state.name) in MOVES else 409


# --- the tables this file relies on ------------------------------------------------


def test_the_states_built_here_cover_every_lifecycle_status():
    assert {state.status for state in STATES} == set(LifecycleStatus)


def test_the_tables_here_name_every_transition_of_the_lifecycle():
    names = {t.name for t in STRATEGY_LIFECYCLE.transitions}
    assert set(WHO) == names
    # Sending a draft straight for decision moves only under a route without
    # required scrutiny: that route's matrix is in tests/governance/test_routes.py.
    assert {name for name, _state in MOVES} == names - {
        name for name, roles in WHO.items() if not roles
    } - {"send_for_decision"}


@pytest.mark.parametrize("state", STATES, ids=[s.name for s in STATES])
def test_each_state_is_reached_through_the_real_transitions(cast, business, state):
    strategy = state.build(cast, business)
    strategy.refresh_from_db()

    assert strategy.status == state.status
    events = list(Event.objects.for_record(strategy))
    if state.status == S.DRAFT:
        assert events == []
    else:
        assert events[0].transition == "submit"
        assert events[-1].to_status == state.status


# --- the bypass matrix ---------------------------------------------------------------


def states_to_try(transition):
    """Every state for a step someone may take; for a step only the system
    takes (refused to every role everywhere), the states it leaves from,
    where a crafted request would otherwise move the record."""
    if WHO[transition.name]:
        return STATES
    return [state for state in STATES if state.status in transition.sources]


CELLS = [
    (transition.name, state.name)
    for transition in STRATEGY_LIFECYCLE.transitions
    for state in states_to_try(transition)
]


@pytest.mark.parametrize(
    ("transition", "state_name"), CELLS, ids=[f"{t}-{s}" for t, s in CELLS]
)
def test_a_transition_posted_directly_moves_only_for_the_right_role_and_state(
    cast, business, client_for, transition, state_name
):
    """Every role posts it, each in a savepoint rolled back afterwards, so
    each meets the strategy in the same state (built once, not per role)."""
    state = STATE[state_name]
    strategy = state.build(cast, business)
    data = valid_data(transition, strategy, cast, business)
    problems = []
    for role in ROLES:
        try:
            with transaction.atomic():
                check_posted_transition(
                    cast, client_for, strategy, transition, state, role, data
                )
                transaction.set_rollback(True)
        except AssertionError as problem:
            problems.append(f"{role}: {problem}")
    assert not problems, "\n".join(problems)


def check_posted_transition(cast, client_for, strategy, transition, state, role, data):
    before = footprint(strategy)
    user = cast.user(role)

    response = client_for(user).post(transition_url(strategy, transition), data)

    expected = expected_status(transition, state, role)
    context = response.context or {}
    form = context.get("form")
    assert response.status_code == expected, (
        f"{transition} on {state.name} as {role}: {response.status_code}, "
        f"expected {expected}\n{form.errors if form is not None else ''}\n"
        f"{context.get('problems')}"
    )
    after = footprint(strategy)
    if expected != 302:
        assert after == before, "a refused transition changed something"
        if expected in (403, 409):
            assert "govuk-error-summary" in response.content.decode()
        return
    assert response["Location"] == strategy.get_absolute_url()
    assert after["status"] == MOVES[(transition, state.name)]
    assert after["history"] == before["history"] + 1
    assert after["events"] == before["events"] + 1
    assert after["all_events"] == before["all_events"] + 1
    kept = 1 if transition == "approve" else 0
    assert after["approved_versions"] == before["approved_versions"] + kept
    event = Event.objects.for_record(strategy).latest("pk")
    assert event.transition == transition
    assert event.from_status == state.status
    assert event.to_status == after["status"]
    assert event.recorded_by == user


GET_CELLS = [
    (transition.name, state.name, role)
    for transition in STRATEGY_LIFECYCLE.transitions
    for state in states_to_try(transition)
    for role in ("officer", "clerk")
]


GET_CELLS_BY_STATE = sorted({(t, s) for t, s, _r in GET_CELLS})


@pytest.mark.parametrize(
    ("transition", "state_name"),
    GET_CELLS_BY_STATE,
    ids=[f"{t}-{s}" for t, s in GET_CELLS_BY_STATE],
)
def test_a_get_on_a_transition_url_never_changes_anything(
    cast, business, client_for, transition, state_name
):
    state = STATE[state_name]
    strategy = state.build(cast, business)
    before = footprint(strategy)

    for role in ("officer", "clerk"):
        response = client_for(cast.user(role)).get(transition_url(strategy, transition))

        expected = expected_status(transition, state, role)
        # The confirmation page (200) where it is open; else the reason it is not.
        assert response.status_code == (200 if expected == 302 else expected), role
        assert footprint(strategy) == before


@pytest.mark.parametrize(
    "name", ["delete", "publish", "SUBMIT", "approve-now", "mark_effective", "draft"]
)
def test_an_unknown_transition_name_is_not_found(cast, business, client_for, name):
    strategy = business.draft_strategy
    before = footprint(strategy)

    for user in (cast.officer, cast.clerk):
        client = client_for(user)
        assert client.get(transition_url(strategy, name)).status_code == 404
        assert client.post(transition_url(strategy, name), {}).status_code == 404
    assert footprint(strategy) == before


def test_a_transition_posted_twice_happens_once(cast, business, client_for):
    strategy = business.draft_strategy
    client = client_for(cast.officer)
    url = transition_url(strategy, "submit")
    data = {"meeting": business.scrutiny_meeting.pk, "comment": "First"}

    first = client.post(url, data)
    after_first = footprint(strategy)
    second = client.post(url, {**data, "comment": "Replayed"})

    assert first.status_code == 302
    assert second.status_code == 409
    assert footprint(strategy) == after_first
    events = Event.objects.for_record(strategy)
    assert [(e.transition, e.comment) for e in events] == [("submit", "First")]


def test_supersede_is_refused_to_every_role_on_an_approved_strategy(
    cast, business, client_for
):
    strategy = business.approved_strategy
    before = footprint(strategy)

    for role in ROLES:
        response = client_for(cast.user(role)).post(
            transition_url(strategy, "supersede"), {}
        )
        assert response.status_code == (404 if role == "other_council" else 403)
    assert footprint(strategy) == before


def test_another_councils_strategy_is_not_found_for_every_transition(
    cast, business, client_for
):
    theirs = approved(cast, business)
    before = footprint(theirs)
    client = client_for(cast.other_council)

    for transition in STRATEGY_LIFECYCLE.transitions:
        url = transition_url(theirs, transition.name)
        assert client.get(url).status_code == 404
        data = valid_data(transition.name, theirs, cast, business)
        assert client.post(url, data).status_code == 404
    assert footprint(theirs) == before


# --- what submission needs ---------------------------------------------------------


def test_submission_to_a_cabinet_meeting_is_refused_and_nothing_is_saved(
    cast, business, client_for
):
    strategy = business.draft_strategy
    cabinet_meeting = make_meeting(
        committee(cast.council_a, "Cabinet"), timezone.now() + timedelta(days=12)
    )
    before = footprint(strategy)

    with pytest.raises(TransitionRefused) as refusal:
        STRATEGY_LIFECYCLE.perform(
            strategy, "submit", cast.officer, inputs={"meeting": cabinet_meeting}
        )
    assert refusal.value.status == 409
    assert refusal.value.problems == [
        "Select a meeting of an overview and scrutiny committee."
    ]

    response = client_for(cast.officer).post(
        transition_url(strategy, "submit"), {"meeting": cabinet_meeting.pk}
    )
    # The form does not offer it (a form error), or the engine refuses it.
    assert response.status_code in (200, 409)
    assert "govuk-error-summary" in response.content.decode()
    assert footprint(strategy) == before


def test_submission_to_another_councils_scrutiny_meeting_is_refused(
    cast, business, client_for
):
    strategy = business.draft_strategy
    theirs = make_meeting(
        committee(cast.council_b, "Overview and Scrutiny Committee"),
        timezone.now() + timedelta(days=12),
    )
    before = footprint(strategy)

    with pytest.raises(TransitionRefused) as refusal:
        STRATEGY_LIFECYCLE.perform(
            strategy, "submit", cast.officer, inputs={"meeting": theirs}
        )
    assert refusal.value.status == 409
    assert refusal.value.problems == ["Select a meeting of this council."]

    response = client_for(cast.officer).post(
        transition_url(strategy, "submit"), {"meeting": theirs.pk}
    )
    assert response.status_code in (200, 409)
    assert "govuk-error-summary" in response.content.decode()
    assert footprint(strategy) == before


def test_submission_without_a_meeting_is_refused(cast, business, client_for):
    strategy = business.draft_strategy
    before = footprint(strategy)

    response = client_for(cast.officer).post(transition_url(strategy, "submit"), {})

    assert "Select the meeting that will consider it." in response.content.decode()
    assert footprint(strategy) == before


# --- what approval needs -------------------------------------------------------------


def draft_decision(strategy, cast, business):
    decision = make_decision(
        business.meeting, "Unpublished approval", decision_date=days_ago(2)
    )
    name_in_decision(decision, strategy)
    return decision


def scrutiny_decision(strategy, cast, business):
    meeting = make_meeting(
        committee(cast.council_a, "Overview and Scrutiny Committee"),
        timezone.now() - timedelta(days=3),
    )
    decision = make_decision(meeting, "Scrutiny endorses", decision_date=days_ago(3))
    name_in_decision(decision, strategy)
    return publish(decision, cast.clerk)


def decision_not_naming_it(strategy, cast, business):
    decision = make_decision(
        business.meeting, "Approval of something else", decision_date=days_ago(2)
    )
    return publish(decision, cast.clerk)


def called_in_decision(strategy, cast, business):
    return DECISION_PATH.perform(
        approving_decision(strategy, cast, business),
        "call_in",
        cast.clerk,
        inputs={
            "called_in_by": "Councillors Adams and Baker",
            "called_in_at": timezone.now() - timedelta(minutes=30),
        },
    )


def another_councils_decision(strategy, cast, business):
    clerk_b = make_person("clerk_b", cast.council_b, Role.CLERK)
    meeting = make_meeting(
        committee(cast.council_b, "Cabinet"), timezone.now() - timedelta(days=3)
    )
    decision = make_decision(meeting, "Brackley approves", decision_date=days_ago(3))
    name_in_decision(decision, strategy)
    return publish(decision, clerk_b)


BAD_DECISIONS = {
    "draft": (draft_decision, "The decision record has not been published."),
    "scrutiny-committee": (
        scrutiny_decision,
        "The decision was not taken by Cabinet or a decision-making committee: "
        "a scrutiny committee cannot approve.",
    ),
    "not-naming-it": (
        decision_not_naming_it,
        "The decision record does not name this as a record it decides.",
    ),
    "called-in": (
        called_in_decision,
        "The decision has been called in: it cannot approve anything yet.",
    ),
    "another-council": (
        another_councils_decision,
        "Select a decision of this council.",
    ),
}


@pytest.mark.parametrize("kind", list(BAD_DECISIONS))
def test_approval_by_an_unfit_decision_is_refused_with_a_reason(
    cast, business, client_for, kind
):
    build, message = BAD_DECISIONS[kind]
    strategy = approval(cast, business)
    decision = build(strategy, cast, business)
    before = footprint(strategy)

    with pytest.raises(TransitionRefused) as refusal:
        STRATEGY_LIFECYCLE.perform(
            strategy, "approve", cast.clerk, inputs={"decision": decision}
        )
    assert refusal.value.status == 409
    assert refusal.value.problems == [message]
    assert footprint(strategy) == before

    response = client_for(cast.clerk).post(
        transition_url(strategy, "approve"), {"decision": decision.pk}
    )
    # Decisions the form does not offer are a form error; the rest, a refusal.
    assert response.status_code in (200, 409)
    page = response.content.decode()
    assert "govuk-error-summary" in page
    if response.status_code == 409:
        assert message in page
    assert footprint(strategy) == before


def test_a_called_in_or_unnamed_decision_is_refused_with_409_by_the_page(
    cast, business, client_for
):
    strategy = approval(cast, business)
    client = client_for(cast.clerk)

    for build in (called_in_decision, decision_not_naming_it):
        decision = build(strategy, cast, business)
        before = footprint(strategy)
        response = client.post(
            transition_url(strategy, "approve"), {"decision": decision.pk}
        )
        assert response.status_code == 409
        assert footprint(strategy) == before


def test_the_clerk_who_wrote_a_strategy_cannot_approve_it(cast, business, client_for):
    strategy = approval(cast, business)
    fresh = Strategy.objects.get(pk=strategy.pk)
    fresh.created_by = cast.clerk
    save_with_reason(fresh, user=cast.administrator, reason="Authorship corrected")
    decision = approving_decision(strategy, cast, business)
    before = footprint(strategy)

    response = client_for(cast.clerk).post(
        transition_url(strategy, "approve"), {"decision": decision.pk}
    )

    assert response.status_code == 409
    assert "You wrote this, so you cannot approve it" in response.content.decode()
    assert footprint(strategy) == before

    # Another clerk of the council may.
    other_clerk = make_person("second_clerk", cast.council_a, Role.CLERK)
    response = client_for(other_clerk).post(
        transition_url(strategy, "approve"), {"decision": decision.pk}
    )
    assert response.status_code == 302
    assert Strategy.objects.get(pk=strategy.pk).status == S.APPROVED


# --- reviews ----------------------------------------------------------------------


def test_a_review_cannot_be_opened_before_it_is_due(cast, business, client_for):
    strategy = business.approved_strategy
    due = Strategy.objects.get(pk=strategy.pk).next_review_due
    assert due > timezone.localdate()
    before = footprint(strategy)

    response = client_for(cast.officer).post(transition_url(strategy, "open_review"))

    assert response.status_code == 409
    assert "No review is due until" in response.content.decode()
    assert footprint(strategy) == before


def test_a_review_can_be_opened_on_the_day_it_falls_due(cast, business, client_for):
    strategy = make_review_due(
        business.approved_strategy, cast, due=timezone.localdate()
    )

    response = client_for(cast.clerk).post(transition_url(strategy, "open_review"))

    assert response.status_code == 302
    assert Strategy.objects.get(pk=strategy.pk).status == S.REVIEW


def six_months_after(day):
    """Six calendar months on; the 31st becomes the month's last day."""
    month = day.month + 6
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def test_six_months_after_is_right_at_the_ends_of_months():
    assert six_months_after(date(2025, 8, 31)) == date(2026, 2, 28)
    assert six_months_after(date(2025, 6, 15)) == date(2025, 12, 15)
    assert six_months_after(date(2023, 8, 29)) == date(2024, 2, 29)


def test_closing_a_review_needs_a_meeting_or_decision_and_sets_the_next_one(
    cast, business, client_for
):
    strategy = review(cast, business)
    was_due = strategy.next_review_due
    client = client_for(cast.clerk)
    before = footprint(strategy)

    refused = client.post(transition_url(strategy, "close_review"), {})
    assert refused.status_code == 200  # the form back, the field named
    assert (
        "Select the meeting the review was reported to, or the decision that "
        "noted it" in refused.content.decode()
    )
    assert footprint(strategy) == before

    done = client.post(
        transition_url(strategy, "close_review"), {"meeting": business.meeting.pk}
    )

    assert done.status_code == 302
    stored = Strategy.objects.get(pk=strategy.pk)
    assert stored.status == S.APPROVED
    # Six months after the review just held was due: the cadence holds.
    assert stored.next_review_due == six_months_after(was_due)
    event = Event.objects.for_record(stored).latest("pk")
    assert event.transition == "close_review"
    assert event.link == business.meeting


@pytest.mark.parametrize(
    ("transition", "build"), [("reject", approval), ("close", approved)]
)
def test_rejecting_and_closing_need_a_comment(
    cast, business, client_for, transition, build
):
    strategy = build(cast, business)
    client = client_for(cast.clerk)
    before = footprint(strategy)

    for comment in ("", "   "):
        response = client.post(
            transition_url(strategy, transition), {"comment": comment}
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "govuk-error-summary" in page
        assert "Say why." in page
        assert footprint(strategy) == before

    response = client.post(
        transition_url(strategy, transition), {"comment": "Cabinet deferred it."}
    )
    assert response.status_code == 302
    event = Event.objects.for_record(strategy).latest("pk")
    assert (event.transition, event.comment) == (transition, "Cabinet deferred it.")


def test_a_strategy_referred_back_by_scrutiny_returns_to_draft_with_the_comments(
    cast, business, client_for
):
    strategy = scrutiny(cast, business)

    response = client_for(cast.clerk).post(
        transition_url(strategy, "record_scrutiny"),
        {"outcome": "referred-back", "committee_comments": "Add a skills plan."},
    )

    assert response.status_code == 302
    stored = Strategy.objects.get(pk=strategy.pk)
    assert stored.status == S.DRAFT
    assert stored.scrutiny_outcome == "referred-back"
    assert stored.scrutiny_comments == "Add a skills plan."


# --- approval ------------------------------------------------------------------------


def test_approval_stamps_the_decision_and_keeps_the_text_as_approved(
    cast, business, client_for
):
    strategy = approval(cast, business)
    decision = approving_decision(strategy, cast, business)

    response = client_for(cast.clerk).post(
        transition_url(strategy, "approve"), {"decision": decision.pk}
    )

    assert response.status_code == 302
    stored = Strategy.objects.get(pk=strategy.pk)
    assert stored.status == S.APPROVED
    assert stored.approving_decision == decision
    # Dated by the decision, not the day the clerk recorded it.
    assert stored.approved_on == decision.decision_date
    # The first review falls due six months after the decision was taken.
    assert stored.next_review_due == six_months_after(decision.decision_date)
    kept = approved_versions(stored).get()
    assert kept.version == stored.version
    assert kept.decision_id == decision.pk
    assert kept.approved_on == stored.approved_on
    assert kept.data == stored.snapshot()
    assert kept.data["fields"]["title"]["value"] == "Matrix Strategy 2026–2030"
    assert kept.data["themes"] == [
        {
            "title": "Digital by default",
            "description": "",
            "objectives": ["Move forms online."],
        }
    ]
    assert [risk["description"] for risk in kept.data["risks"]] == ["Skills shortage"]
    event = Event.objects.for_record(stored).latest("pk")
    assert (event.transition, event.recorded_by, event.link) == (
        "approve",
        cast.clerk,
        decision,
    )


def test_an_approved_strategy_is_subject_to_call_in_until_its_decision_takes_effect(
    cast, business, client_for
):
    strategy = approval(cast, business)
    decision = approving_decision(strategy, cast, business)
    STRATEGY_LIFECYCLE.perform(
        strategy, "approve", cast.clerk, inputs={"decision": decision}
    )
    url = strategy.get_absolute_url()

    stored = Strategy.objects.get(pk=strategy.pk)
    assert stored.status_label == "Approved, subject to call-in"
    assert "Approved, subject to call-in" in (
        client_for(cast.member).get(url).content.decode()
    )

    # Called in: not in effect, and it says why.
    DECISION_PATH.perform(
        decision,
        "call_in",
        cast.clerk,
        inputs={
            "called_in_by": "Councillor Clarke",
            "called_in_at": timezone.now() - timedelta(minutes=5),
        },
    )
    assert Strategy.objects.get(pk=strategy.pk).status_label == (
        "Approval paused: called in"
    )

    # No further action: the decision takes effect, and so does the approval.
    DECISION_PATH.perform(
        decision,
        "record_outcome",
        cast.clerk,
        inputs={
            "outcome": CallInOutcome.NO_FURTHER_ACTION,
            "meeting": hearing(cast.council_a),
        },
    )
    stored = Strategy.objects.get(pk=strategy.pk)
    assert stored.approving_decision.current_status() == DecisionStatus.EFFECTIVE
    assert stored.status_label == "Approved"
    page = client_for(cast.member).get(url).content.decode()
    assert "subject to call-in" not in page
    assert ">Approved</strong>" in page


def test_a_strategy_approved_by_a_decision_already_in_effect_is_simply_approved(
    cast, business
):
    # Scrutinised fifty days ago, approved at Cabinet forty days ago.
    strategy = make_strategy(cast, "Approved a while ago")
    scrutiny = make_meeting(
        committee(cast.council_a, "Overview and Scrutiny Committee"),
        timezone.now() - timedelta(days=50),
    )
    STRATEGY_LIFECYCLE.perform(
        strategy, "submit", cast.officer, inputs={"meeting": scrutiny}
    )
    STRATEGY_LIFECYCLE.perform(
        strategy, "record_scrutiny", cast.clerk, inputs={"outcome": "endorsed"}
    )
    meeting = make_meeting(
        committee(cast.council_a, "Cabinet"),
        timezone.now() - timedelta(days=40),
    )
    decision = make_decision(meeting, "Old approval", decision_date=days_ago(40))
    name_in_decision(decision, strategy)
    publish(decision, cast.clerk, timezone.now() - timedelta(days=39))
    decision.refresh_from_db()
    assert decision.current_status() == DecisionStatus.EFFECTIVE

    STRATEGY_LIFECYCLE.perform(
        strategy, "approve", cast.clerk, inputs={"decision": decision}
    )

    assert Strategy.objects.get(pk=strategy.pk).status_label == "Approved"


# --- replacement -------------------------------------------------------------------


def test_preparing_a_replacement_copies_the_strategy_into_a_new_draft(
    cast, business, client_for
):
    old = business.approved_strategy
    theme = old.themes.get()
    save_with_reason(
        Objective(theme=theme, position=2, text="Close the data centre."),
        user=cast.officer,
        reason="Test set-up",
    )
    client = client_for(cast.officer)
    old_footprint = footprint(old)
    assert old_footprint["strategies"] == 2

    response = client.post(
        reverse("strategy:strategy_replace", args=[old.pk]),
        {"title": "  ICT Strategy 2025–2028 "},
    )

    new = Strategy.objects.get(replaces=old)
    assert response.status_code == 302
    assert response["Location"] == new.get_absolute_url()
    assert new.title == "ICT Strategy 2025–2028"
    assert (old.version_number, new.version_number) == (1, 2)
    assert new.line == old.line
    assert new.status == S.DRAFT
    assert new.created_by == cast.officer
    assert new.organisation == old.organisation
    assert new.vision == old.vision
    assert new.summary == old.summary
    assert [
        (t.position, t.title, [(o.position, o.text) for o in t.objectives.all()])
        for t in new.themes.all()
    ] == [
        (
            1,
            "Digital by default",
            [(1, "Move forms online."), (2, "Close the data centre.")],
        )
    ]
    assert list(new.risks.values_list("description", "likelihood", "impact")) == [
        ("Skills shortage", "medium", "high")
    ]
    # The old one is untouched (one more strategy exists), its parts its own.
    assert footprint(old) == {**old_footprint, "strategies": 3}
    assert list(old.themes.values_list("title", flat=True)) == ["Digital by default"]
    assert Theme.objects.filter(strategy=old).count() == 1
    assert Risk.objects.filter(strategy=old).count() == 1

    again = client.post(
        reverse("strategy:strategy_replace", args=[old.pk]), {"title": "Again"}
    )

    # The policy refuses it (409), saying why, and nothing changes.
    assert again.status_code == 409
    assert Strategy.objects.filter(replaces=old).count() == 1
    assert "A replacement is already being prepared." in again.content.decode()


def test_the_replacement_asks_for_its_title_and_a_bad_one_changes_nothing(
    business, cast, client_for
):
    old = business.approved_strategy
    url = reverse("strategy:strategy_replace", args=[old.pk])
    client = client_for(cast.officer)
    before = footprint(old)

    page = client.get(url).content.decode()
    assert 'value="ICT Strategy 2022–2025"' in page
    assert "(replacement)" not in page

    for title, error in [
        ("   ", "Enter a title for the new version"),
        ("x" * 201, "The title must be 200 characters or fewer"),
    ]:
        response = client.post(url, {"title": title})

        assert response.status_code == 200
        summary = response.content.decode()
        assert "govuk-error-summary" in summary
        assert f'<a href="#id_title">{error}</a>' in summary
        assert footprint(old) == before


def test_replacing_version_two_makes_version_three_of_the_same_line(
    business, cast, client_for
):
    first = business.approved_strategy
    second = make_strategy(cast, "Second", replaces=first)
    approve_strategy(second, cast, business)

    client_for(cast.officer).post(
        reverse("strategy:strategy_replace", args=[second.pk]), {"title": "Third"}
    )

    third = Strategy.objects.get(replaces=second)
    assert [
        (s.title, s.version_number) for s in Strategy.objects.in_line_of(first)
    ] == [
        ("ICT Strategy 2022–2025", 1),
        ("Second", 2),
        ("Third", 3),
    ]
    assert third.line == first.line
    assert business.draft_strategy.line != first.line


def test_only_officers_may_prepare_a_replacement(cast, business, client_for):
    old = business.approved_strategy
    url = reverse("strategy:strategy_replace", args=[old.pk])
    expected = {
        "member": 403,
        "clerk": 403,
        "administrator": 403,
        "other_council": 404,
    }

    for role, status in expected.items():
        assert client_for(cast.user(role)).post(url).status_code == status, role
    assert not Strategy.objects.filter(replaces=old).exists()


def test_a_draft_cannot_be_replaced(cast, business, client_for):
    draft_strategy = business.draft_strategy

    response = client_for(cast.officer).post(
        reverse("strategy:strategy_replace", args=[draft_strategy.pk])
    )

    assert response.status_code == 409
    assert not Strategy.objects.filter(replaces=draft_strategy).exists()


def test_approving_a_replacement_supersedes_the_old_strategy(
    cast, business, client_for
):
    old = business.approved_strategy
    client_for(cast.officer).post(
        reverse("strategy:strategy_replace", args=[old.pk]),
        {"title": "ICT Strategy 2025–2028"},
    )
    new = Strategy.objects.get(replaces=old)
    old_history = old.history.count()

    approve_strategy(new, cast, business)

    old.refresh_from_db()
    new.refresh_from_db()
    assert new.status == S.APPROVED
    assert old.status == S.SUPERSEDED
    assert old.history.count() == old_history + 1
    event = Event.objects.for_record(old).latest("pk")
    assert event.transition == "supersede"
    assert (event.from_status, event.to_status) == (S.APPROVED, S.SUPERSEDED)
    # Taken by the system on the approving clerk's action, and recorded as theirs.
    assert event.recorded_by == cast.clerk
    assert event.comment == f"Replaced by {new.title}"

    for user in (cast.officer, cast.member):
        client = client_for(user)
        old_page = client.get(old.get_absolute_url())
        new_page = client.get(new.get_absolute_url())
        assert old_page.status_code == new_page.status_code == 200
        assert f'href="{new.get_absolute_url()}"' in old_page.content.decode()
        assert "Superseded by" in old_page.content.decode()
        assert f'href="{old.get_absolute_url()}"' in new_page.content.decode()
        assert "Replaces" in new_page.content.decode()

    # The superseded strategy can be neither replaced again nor amended.
    officer = client_for(cast.officer)
    assert (
        officer.post(reverse("strategy:strategy_replace", args=[old.pk])).status_code
        == 409
    )
    assert Strategy.objects.filter(replaces=old).count() == 1


@pytest.mark.parametrize(
    ("transition", "build"), [("reject", approval), ("close", approved)]
)
def test_the_lifecycle_itself_refuses_rejecting_or_closing_without_a_reason(
    cast, business, transition, build
):
    from governance.transitions import TransitionRefused

    strategy = build(cast, business)
    before = footprint(strategy)
    with pytest.raises(TransitionRefused, match="Say why"):
        STRATEGY_LIFECYCLE.perform(strategy, transition, cast.clerk, comment="  ")
    assert footprint(strategy) == before
