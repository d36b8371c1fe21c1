"""The path of a decision record: who may move it, when, and what it computes.

The bypass matrix is generated from the table the code uses
(`DECISION_PATH.transitions`) × decisions put into every state through the
real paths × every signed-in role. Each combination is POSTed straight to
the transition URL, as a crafted request would be. What is allowed is
written down here (`ALLOWED`), not read back from the table, so a change to
the table that opens a path shows up as a failure.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from decisions.call_in import LONDON
from decisions.choices import CallInOutcome, DecisionStatus
from decisions.decision_path import DECISION_PATH
from decisions.models import (
    CallInRule,
    ClosureDay,
    Committee,
    DecisionRecord,
)
from governance.choices import Role
from governance.events import Event
from governance.history import save_with_reason
from governance.models import Organisation
from governance.transitions import TransitionRefused

from ..base import (
    hearing,
    make_call_in_rule,
    make_committee,
    make_decision,
    make_meeting,
    make_organisation,
    make_person,
    publish,
)

ROLES = ["member", "officer", "clerk", "administrator", "other_council"]
MANAGERS = {"clerk", "administrator"}


def london(*args):
    """A moment in UK local time."""
    return datetime(*args, tzinfo=LONDON)


def london_now(minutes_ago=0):
    return timezone.localtime(timezone.now() - timedelta(minutes=minutes_ago), LONDON)


def days_ago(days):
    return timezone.localdate(timezone=LONDON) - timedelta(days=days)


def cabinet_of(council):
    return Committee.objects.get(organisation=council, name="Cabinet")


def recent_meeting(council):
    return make_meeting(cabinet_of(council), timezone.now() - timedelta(days=3))


# --- decisions in every state, reached through the real paths ---------------------


def draft(cast, meeting):
    return make_decision(meeting, "A draft decision", decision_date=days_ago(3))


def draft_urgent(cast, meeting):
    return make_decision(
        meeting,
        "An urgent draft decision",
        decision_date=days_ago(3),
        urgent=True,
        urgency_reason="The contract expires on Friday.",
    )


def published(cast, meeting):
    return publish(draft(cast, meeting), cast.clerk)


def published_period_ended(cast, meeting):
    decision = make_decision(
        meeting, "A decision of 2007", decision_date=date(2007, 9, 27)
    )
    return publish(decision, cast.clerk, london(2007, 10, 1, 10, 0))


def called_in(cast, meeting):
    return DECISION_PATH.perform(
        published(cast, meeting),
        "call_in",
        cast.clerk,
        inputs={
            "called_in_by": "Councillors Adams and Baker",
            "called_in_at": timezone.now() - timedelta(minutes=30),
        },
    )


def outcome(value):
    def build(cast, meeting):
        return DECISION_PATH.perform(
            called_in(cast, meeting),
            "record_outcome",
            cast.clerk,
            inputs={"outcome": value, "meeting": hearing(cast.council_a)},
        )

    return build


def effective_urgent(cast, meeting):
    return publish(draft_urgent(cast, meeting), cast.clerk)


def effective_stored(cast, meeting):
    # As `update_decision_status` does: nobody marks it effective by hand.
    return DECISION_PATH.perform(
        published_period_ended(cast, meeting), "mark_effective", None, as_system=True
    )


@dataclass(frozen=True)
class State:
    name: str
    build: object
    stored_status: str
    #: Members and officers cannot see drafts: they get 404, not 403.
    hidden_from_readers: bool = False


STATES = [
    State("draft", draft, DecisionStatus.DRAFT, hidden_from_readers=True),
    State("draft-urgent", draft_urgent, DecisionStatus.DRAFT, True),
    State("published", published, DecisionStatus.PUBLISHED),
    State("published-period-ended", published_period_ended, DecisionStatus.PUBLISHED),
    State("called-in", called_in, DecisionStatus.CALLED_IN),
    State(
        "referred-back",
        outcome(CallInOutcome.REFERRED_BACK),
        DecisionStatus.REFERRED_BACK,
    ),
    State(
        "effective-after-call-in",
        outcome(CallInOutcome.NO_FURTHER_ACTION),
        DecisionStatus.EFFECTIVE,
    ),
    State("effective-urgent", effective_urgent, DecisionStatus.EFFECTIVE),
    State("effective-stored", effective_stored, DecisionStatus.EFFECTIVE),
]
STATE = {state.name: state for state in STATES}

#: (transition, state) -> the status a clerk or administrator moves it to.
#: Every other combination is refused.
ALLOWED = {
    ("publish", "draft"): DecisionStatus.PUBLISHED,
    ("publish", "draft-urgent"): DecisionStatus.EFFECTIVE,
    ("call_in", "published"): DecisionStatus.CALLED_IN,
    ("record_outcome", "called-in"): DecisionStatus.EFFECTIVE,
    # A clerk sets the deadline of a published decision (not called in).
    ("override_deadline", "published"): DecisionStatus.PUBLISHED,
    ("override_deadline", "published-period-ended"): DecisionStatus.PUBLISHED,
}
#: A call-in received before the deadline may be recorded after it: the step
#: is open on these (a POST received now, after the deadline, is refused).
LATE_CALL_IN = {("call_in", "published-period-ended"), ("call_in", "effective-stored")}
#: Steps only the system takes (`update_decision_status`): refused to everyone.
SYSTEM_ONLY = {"mark_effective"}


# --- valid inputs for each transition, as the confirmation page posts them --------


def call_in_data():
    moment = london_now(minutes_ago=5)
    return {
        "called_in_by": "Councillors Clarke and Davies",
        "called_in_on": moment.date().isoformat(),
        "called_in_time": moment.strftime("%H:%M"),
    }


def outcome_data():
    council = Organisation.objects.get(slug="ashdown")
    return {
        "outcome": CallInOutcome.NO_FURTHER_ACTION,
        "meeting": hearing(council).pk,
    }


VALID_DATA = {
    "publish": lambda: {"comment": "Published after the meeting."},
    "call_in": call_in_data,
    "record_outcome": outcome_data,
    "mark_effective": lambda: {},
    "override_deadline": lambda: {
        "last_day": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "cut_off": "4pm",
        "comment": "Published late on the website.",
    },
}


def transition_url(decision, name):
    return reverse("decisions:decision_transition", args=[decision.pk, name])


def footprint(decision):
    """What a refused request must leave exactly as it was."""
    row = DecisionRecord.objects.get(pk=decision.pk)
    return {
        "status": row.status,
        "version": row.version,
        "published_at": row.published_at,
        "call_in_deadline": row.call_in_deadline,
        "takes_effect_on": row.takes_effect_on,
        "called_in_at": row.called_in_at,
        "history": row.history.count(),
        "events": Event.objects.for_record(decision).count(),
    }


def expected_status(transition, state, role):
    if role == "other_council":
        return 404
    if role not in MANAGERS:
        return 404 if state.hidden_from_readers else 403
    if transition in SYSTEM_ONLY:
        return 403
    return 302 if (transition, state.name) in ALLOWED else 409


# --- the table this file relies on ------------------------------------------------


def test_the_states_built_here_cover_every_decision_status():
    assert {state.stored_status for state in STATES} == set(DecisionStatus)


def test_every_transition_of_the_path_has_an_allowed_state_and_valid_inputs():
    names = {t.name for t in DECISION_PATH.transitions}
    assert {name for name, _state in ALLOWED} | SYSTEM_ONLY == names
    assert set(VALID_DATA) == names


@pytest.mark.parametrize("state", STATES, ids=[s.name for s in STATES])
def test_each_state_is_reached_through_the_real_path(cast, state):
    decision = state.build(cast, recent_meeting(cast.council_a))
    decision.refresh_from_db()
    assert decision.status == state.stored_status
    if state.stored_status != DecisionStatus.DRAFT:
        assert decision.published_at is not None
        assert Event.objects.for_record(decision).filter(transition="publish").exists()


# --- the bypass matrix ------------------------------------------------------------

CELLS = [
    (transition.name, state.name)
    for transition in DECISION_PATH.transitions
    for state in STATES
]


@pytest.mark.parametrize(
    ("transition", "state_name"), CELLS, ids=[f"{t}-{s}" for t, s in CELLS]
)
def test_a_transition_posted_directly_is_allowed_only_to_managers_in_the_right_state(
    cast, client_for, transition, state_name
):
    """Every role posts it, each in a savepoint rolled back afterwards, so
    each meets the decision in the same state (built once, not per role)."""
    state = STATE[state_name]
    decision = state.build(cast, recent_meeting(cast.council_a))
    problems = []
    for role in ROLES:
        try:
            with transaction.atomic():
                check_posted_transition(
                    cast, client_for, decision, transition, state, role
                )
                transaction.set_rollback(True)
        except AssertionError as problem:
            problems.append(f"{role}: {problem}")
    assert not problems, "\n".join(problems)


def check_posted_transition(cast, client_for, decision, transition, state, role):
    before = footprint(decision)
    client = client_for(cast.user(role))

    response = client.post(
        transition_url(decision, transition), VALID_DATA[transition]()
    )

    expected = expected_status(transition, state, role)
    form = (response.context or {}).get("form")
    assert response.status_code == expected, (
        f"{transition} on {state.name} as {role}: {response.status_code}, "
        f"expected {expected}\n{form.errors if form is not None else ''}\n"
        f"{(response.context or {}).get('problems')}"
    )
    after = footprint(decision)
    if expected != 302:
        assert after == before, "a refused transition changed the record"
        if expected == 409:
            assert "govuk-error-summary" in response.content.decode()
        return
    assert response["Location"] == decision.get_absolute_url()
    assert after["status"] == ALLOWED[(transition, state.name)]
    assert after["history"] == before["history"] + 1
    assert after["events"] == before["events"] + 1
    event = Event.objects.for_record(decision).latest("pk")
    assert event.transition == transition
    assert event.from_status == state.stored_status
    assert event.to_status == after["status"]
    assert event.recorded_by == cast.user(role)


GET_CELLS = [
    (transition.name, state.name)
    for transition in DECISION_PATH.transitions
    for state in STATES
]


@pytest.mark.parametrize(
    ("transition", "state_name"), GET_CELLS, ids=[f"{t}-{s}" for t, s in GET_CELLS]
)
def test_a_get_on_a_transition_url_never_changes_anything(
    cast, client_for, transition, state_name
):
    state = STATE[state_name]
    decision = state.build(cast, recent_meeting(cast.council_a))
    before = footprint(decision)

    for role in ("member", "clerk"):
        response = client_for(cast.user(role)).get(transition_url(decision, transition))

        expected = expected_status(transition, state, role)
        if (transition, state_name) in LATE_CALL_IN and expected == 409:
            # Its period is over, but a call-in received in time may still be
            # recorded: the page opens, and the time received is judged on POST.
            expected = 302
        assert response.status_code == (200 if expected == 302 else expected), role
        assert footprint(decision) == before


@pytest.mark.parametrize(
    "name", ["approve", "delete", "correct", "draft", "publish-now", "PUBLISH"]
)
def test_an_unknown_transition_name_is_not_found(cast, client_for, name):
    decision = draft(cast, recent_meeting(cast.council_a))
    before = footprint(decision)
    client = client_for(cast.clerk)

    assert client.get(transition_url(decision, name)).status_code == 404
    assert client.post(transition_url(decision, name), {}).status_code == 404
    assert footprint(decision) == before


def test_a_replayed_publish_is_refused_and_publishes_once(cast, client_for):
    decision = draft(cast, recent_meeting(cast.council_a))
    client = client_for(cast.clerk)
    url = transition_url(decision, "publish")

    first = client.post(url, {"comment": "First"})
    after_first = footprint(decision)
    second = client.post(url, {"comment": "Replayed"})

    assert first.status_code == 302
    assert second.status_code == 409
    assert footprint(decision) == after_first
    events = Event.objects.for_record(decision).filter(transition="publish")
    assert [e.comment for e in events] == ["First"]


def test_another_councils_record_is_not_found_for_every_transition(cast, client_for):
    clerk_b = make_person("clerk_b", cast.council_b, Role.CLERK)
    meeting_b = recent_meeting(cast.council_b)
    theirs = [draft(cast, meeting_b), publish(draft(cast, meeting_b), clerk_b)]
    client = client_for(cast.clerk)

    for decision in theirs:
        before = footprint(decision)
        for transition in DECISION_PATH.transitions:
            url = transition_url(decision, transition.name)
            assert client.get(url).status_code == 404
            assert client.post(url, VALID_DATA[transition.name]()).status_code == 404
        assert footprint(decision) == before


def test_a_crafted_edit_form_cannot_set_the_status_or_the_call_in_dates(
    cast, client_for
):
    decision = draft(cast, recent_meeting(cast.council_a))
    data = {
        "meeting": decision.meeting_id,
        "decision_date": decision.decision_date.isoformat(),
        "title": "Retitled draft",
        "record": decision.record,
        "reasons": decision.reasons,
        "version": decision.version,
        "status": DecisionStatus.EFFECTIVE,
        "published_at": "2020-01-01 10:00",
        "call_in_deadline": "2020-01-08 00:00",
        "takes_effect_on": "2020-01-08",
        "resolutions-TOTAL_FORMS": "0",
        "resolutions-INITIAL_FORMS": "0",
        "resolutions-MIN_NUM_FORMS": "0",
        "resolutions-MAX_NUM_FORMS": "1000",
    }

    response = client_for(cast.clerk).post(
        reverse("decisions:decision_update", args=[decision.pk]), data
    )

    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.title == "Retitled draft"
    assert decision.status == DecisionStatus.DRAFT
    assert decision.published_at is None
    assert decision.call_in_deadline is None
    assert decision.takes_effect_on is None
    assert not Event.objects.for_record(decision).exists()


# --- the call-in clock, through the model -----------------------------------------


def decision_of_2007(cast):
    meeting = make_meeting(cabinet_of(cast.council_a), london(2007, 9, 27, 18, 30))
    return make_decision(meeting, "Data centre", decision_date=date(2007, 9, 27))


def test_a_decision_published_on_monday_1_october_2007_can_be_called_in_until_friday(
    cast,
):
    decision = publish(decision_of_2007(cast), cast.clerk, london(2007, 10, 1, 10, 0))
    decision.refresh_from_db()

    assert decision.call_in_rule == CallInRule.objects.get(
        organisation=cast.council_a, applies_from=date(2000, 1, 1)
    )
    assert decision.call_in_last_day == date(2007, 10, 5)
    assert decision.call_in_deadline == london(2007, 10, 6, 0, 0)
    assert decision.deadline_text == "not later than midnight on Friday 5 October 2007"
    # The rule's default: the next working day after the last day.
    assert decision.takes_effect_on == date(2007, 10, 8)
    assert decision.takes_effect_text == "Monday 8 October 2007"
    assert decision.status == DecisionStatus.PUBLISHED


def test_a_call_in_a_minute_before_the_deadline_is_accepted_and_at_it_refused(cast):
    decision = publish(decision_of_2007(cast), cast.clerk, london(2007, 10, 1, 10, 0))

    with pytest.raises(TransitionRefused) as refusal:
        DECISION_PATH.perform(
            decision,
            "call_in",
            cast.clerk,
            inputs={"called_in_by": "Cllr Late", "called_in_at": london(2007, 10, 6)},
        )
    assert refusal.value.status == 409
    assert refusal.value.problems == [
        "The call-in was received after the deadline (not later than midnight "
        "on Friday 5 October 2007): it cannot be accepted."
    ]

    called = DECISION_PATH.perform(
        decision,
        "call_in",
        cast.clerk,
        inputs={
            "called_in_by": "Cllr Prompt",
            "called_in_at": london(2007, 10, 5, 23, 59),
        },
    )
    assert called.status == DecisionStatus.CALLED_IN
    assert called.current_status() == DecisionStatus.CALLED_IN


def test_a_later_rule_applies_to_decisions_published_after_it_and_not_before(cast):
    old_rule = CallInRule.objects.get(organisation=cast.council_a)
    new_rule = make_call_in_rule(
        cast.council_a, applies_from=date(2008, 1, 1), days=10, day_kind="calendar"
    )
    meeting = make_meeting(cabinet_of(cast.council_a), london(2008, 2, 28, 18, 30))

    in_2007 = publish(decision_of_2007(cast), cast.clerk, london(2007, 10, 1, 10, 0))
    in_2008 = publish(
        make_decision(meeting, "Telephony", decision_date=date(2008, 2, 28)),
        cast.clerk,
        london(2008, 3, 3, 10, 0),
    )
    in_2007.refresh_from_db()
    in_2008.refresh_from_db()

    assert in_2007.call_in_rule == old_rule
    assert in_2007.call_in_last_day == date(2007, 10, 5)
    assert in_2008.call_in_rule == new_rule
    # Ten calendar days from Monday 3 March 2008, that day counting as day 1.
    assert in_2008.call_in_last_day == date(2008, 3, 12)
    assert in_2008.deadline_text == (
        "not later than midnight on Wednesday 12 March 2008"
    )
    assert in_2008.takes_effect_on == date(2008, 3, 13)


def test_a_closure_day_added_after_publication_does_not_move_a_stored_deadline(cast):
    decision = publish(decision_of_2007(cast), cast.clerk, london(2007, 10, 1, 10, 0))
    save_with_reason(
        ClosureDay(
            organisation=cast.council_a,
            date=date(2007, 10, 3),
            description="Office move",
        ),
        user=cast.administrator,
        reason="Closure day added",
    )
    decision.refresh_from_db()

    # Counted today, the closure day would push the period to Monday...
    _rule, recomputed = decision.call_in_period()
    assert recomputed.last_day == date(2007, 10, 8)
    # ...but the deadline stored at publication stands.
    assert decision.call_in_last_day == date(2007, 10, 5)
    assert decision.call_in_deadline == london(2007, 10, 6, 0, 0)
    assert decision.deadline_text == "not later than midnight on Friday 5 October 2007"
    assert decision.takes_effect_on == date(2007, 10, 8)


# --- urgency, call-in and outcomes ------------------------------------------------


def test_an_urgent_decision_is_effective_at_publication_with_no_deadline(cast):
    decision = effective_urgent(cast, recent_meeting(cast.council_a))
    decision.refresh_from_db()

    assert decision.status == DecisionStatus.EFFECTIVE
    assert decision.current_status() == DecisionStatus.EFFECTIVE
    assert decision.call_in_rule is None
    assert decision.call_in_deadline is None
    assert decision.call_in_last_day is None
    assert decision.deadline_text == ""
    assert (
        decision.takes_effect_on
        == timezone.localtime(decision.published_at, LONDON).date()
    )
    assert not decision.call_in_open()
    event = Event.objects.for_record(decision).get()
    assert (event.transition, event.from_status, event.to_status) == (
        "publish",
        DecisionStatus.DRAFT,
        DecisionStatus.EFFECTIVE,
    )


def test_an_urgent_decision_cannot_be_called_in(cast):
    decision = effective_urgent(cast, recent_meeting(cast.council_a))
    before = footprint(decision)

    with pytest.raises(TransitionRefused) as refusal:
        DECISION_PATH.perform(
            decision,
            "call_in",
            cast.clerk,
            inputs={
                "called_in_by": "Cllr Eager",
                "called_in_at": timezone.now() - timedelta(minutes=1),
            },
        )

    assert refusal.value.status == 409
    assert footprint(decision) == before


def test_a_call_in_after_the_deadline_is_refused(cast):
    decision = published_period_ended(cast, recent_meeting(cast.council_a))
    before = footprint(decision)

    with pytest.raises(TransitionRefused) as refusal:
        DECISION_PATH.perform(
            decision,
            "call_in",
            cast.clerk,
            inputs={
                "called_in_by": "Cllr Late",
                "called_in_at": timezone.now() - timedelta(minutes=1),
            },
        )

    assert refusal.value.status == 409
    assert "received after the deadline" in refusal.value.problems[0]
    assert footprint(decision) == before


def test_a_call_in_is_open_until_its_deadline(cast):
    decision = published(cast, recent_meeting(cast.council_a))

    assert decision.call_in_open()
    assert decision.call_in_open(now=decision.call_in_deadline - timedelta(seconds=1))
    assert not decision.call_in_open(now=decision.call_in_deadline)


def test_no_further_action_after_a_call_in_makes_the_decision_effective_today(cast):
    decision = outcome(CallInOutcome.NO_FURTHER_ACTION)(
        cast, recent_meeting(cast.council_a)
    )
    decision.refresh_from_db()

    assert decision.status == DecisionStatus.EFFECTIVE
    assert decision.current_status() == DecisionStatus.EFFECTIVE
    assert decision.call_in_outcome == CallInOutcome.NO_FURTHER_ACTION
    assert decision.takes_effect_on == timezone.localdate(timezone=LONDON)
    assert decision.outcome_recorded_at is not None
    assert list(
        Event.objects.for_record(decision).values_list("transition", flat=True)
    ) == ["publish", "call_in", "record_outcome"]


def test_referral_back_after_a_call_in_leaves_the_decision_referred_back(cast):
    decision = outcome(CallInOutcome.REFERRED_BACK)(
        cast, recent_meeting(cast.council_a)
    )
    decision.refresh_from_db()

    assert decision.status == DecisionStatus.REFERRED_BACK
    # It never becomes effective by the passing of time.
    far_future = timezone.now() + timedelta(days=3650)
    assert decision.current_status(now=far_future) == DecisionStatus.REFERRED_BACK
    assert decision.call_in_outcome == CallInOutcome.REFERRED_BACK
    assert not DecisionRecord.objects.with_status(
        DecisionStatus.EFFECTIVE, now=far_future
    ).filter(pk=decision.pk)


def test_a_called_in_decision_does_not_become_effective_when_its_period_ends(cast):
    decision = called_in(cast, recent_meeting(cast.council_a))
    far_future = timezone.now() + timedelta(days=3650)

    assert decision.current_status(now=far_future) == DecisionStatus.CALLED_IN
    assert not DecisionRecord.objects.with_status(
        DecisionStatus.EFFECTIVE, now=far_future
    ).filter(pk=decision.pk)


# --- effective is derived when read, and stored by the command --------------------


def test_a_published_decision_past_its_period_is_effective_when_read(cast):
    lapsed = published_period_ended(cast, recent_meeting(cast.council_a))
    still_open = published(cast, recent_meeting(cast.council_a))
    lapsed.refresh_from_db()

    assert lapsed.status == DecisionStatus.PUBLISHED
    assert lapsed.current_status() == DecisionStatus.EFFECTIVE
    assert lapsed.status_now == DecisionStatus.EFFECTIVE
    assert not lapsed.call_in_open()
    effective = DecisionRecord.objects.with_status(DecisionStatus.EFFECTIVE)
    published_now = DecisionRecord.objects.with_status(DecisionStatus.PUBLISHED)
    assert set(effective) == {lapsed}
    assert set(published_now) == {still_open}
    assert still_open.current_status() == DecisionStatus.PUBLISHED


def test_update_decision_status_stores_effective_once(cast):
    lapsed = published_period_ended(cast, recent_meeting(cast.council_a))
    still_open = published(cast, recent_meeting(cast.council_a))
    open_before = footprint(still_open)
    history_before = lapsed.history.count()

    out = StringIO()
    call_command("update_decision_status", stdout=out)

    lapsed.refresh_from_db()
    assert lapsed.status == DecisionStatus.EFFECTIVE
    assert lapsed.history.count() == history_before + 1
    events = Event.objects.for_record(lapsed).filter(transition="mark_effective")
    assert events.count() == 1
    assert events.get().from_status == DecisionStatus.PUBLISHED
    assert events.get().recorded_by is None
    assert "1 decision(s) marked effective" in out.getvalue()
    assert footprint(still_open) == open_before

    after_first = footprint(lapsed)
    again = StringIO()
    call_command("update_decision_status", stdout=again)

    assert footprint(lapsed) == after_first
    assert "0 decision(s) marked effective" in again.getvalue()


def test_a_clerk_cannot_mark_a_decision_effective_by_hand_even_once_its_period_ended(
    cast, client_for
):
    lapsed = published_period_ended(cast, recent_meeting(cast.council_a))
    before = footprint(lapsed)

    response = client_for(cast.clerk).post(transition_url(lapsed, "mark_effective"))

    assert response.status_code == 403
    assert footprint(lapsed) == before
    page = client_for(cast.clerk).get(lapsed.get_absolute_url()).content.decode()
    assert transition_url(lapsed, "mark_effective") not in page


def test_the_system_cannot_mark_effective_a_decision_whose_period_has_not_ended(cast):
    decision = published(cast, recent_meeting(cast.council_a))
    before = footprint(decision)

    with pytest.raises(TransitionRefused, match="The call-in period has not ended."):
        DECISION_PATH.perform(decision, "mark_effective", None, as_system=True)

    assert footprint(decision) == before


# --- what publication needs -------------------------------------------------------


def test_publication_needs_a_call_in_rule_for_the_publication_date(cast, client_for):
    meeting = make_meeting(cabinet_of(cast.council_a), london(1999, 6, 1, 18, 30))
    decision = make_decision(meeting, "Millennium bug", decision_date=date(1999, 6, 1))
    before = footprint(decision)

    # Council A's only rule applies from 1 January 2000.
    response = client_for(cast.clerk).post(
        transition_url(decision, "publish"),
        {"published_on": "1999-06-02", "published_time": "10:00"},
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "no call-in rule for this publication date" in page
    assert "an administrator must add one in the council" in page
    assert footprint(decision) == before


def test_a_council_with_no_call_in_rule_cannot_publish(db):
    council = make_organisation("Cornwood Borough Council", "cornwood")
    cabinet = make_committee(council, "Cabinet", "executive")
    clerk = make_person("cornwood_clerk", council, Role.CLERK)
    meeting = make_meeting(cabinet, timezone.now() - timedelta(days=3))
    decision = make_decision(meeting, decision_date=days_ago(3))
    before = footprint(decision)

    with pytest.raises(TransitionRefused) as refusal:
        publish(decision, clerk)

    assert refusal.value.status == 409
    assert any("must add one" in problem for problem in refusal.value.problems)
    assert footprint(decision) == before


def test_publication_needs_at_least_one_resolution(cast, client_for):
    decision = draft(cast, recent_meeting(cast.council_a))
    for resolution in decision.resolutions.all():
        resolution._history_user = cast.clerk
        resolution._change_reason = "Removed"
        resolution.delete()
    before = footprint(decision)

    response = client_for(cast.clerk).post(transition_url(decision, "publish"), {})

    assert response.status_code == 409
    assert "Add at least one resolution." in response.content.decode()
    assert footprint(decision) == before


def test_a_decision_cannot_be_published_before_the_date_it_was_taken(cast):
    decision = draft(cast, recent_meeting(cast.council_a))
    before = footprint(decision)

    with pytest.raises(TransitionRefused) as refusal:
        publish(decision, cast.clerk, timezone.now() - timedelta(days=10))

    assert refusal.value.status == 409
    assert footprint(decision) == before
