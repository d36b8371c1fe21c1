"""The record tells the truth: dates as things happened, business recorded
after the event, time that runs forwards, and call-ins that reach the
records their decision approved.

Each test takes records through the real steps (`perform()` or the pages)
and reads back what a member would cite: the event dates, the approval
date, the decision's call-in lines. Refusals change nothing: no event, no
history row.
"""

from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions.call_in import LONDON
from decisions.choices import CallInOutcome, CommitteeKind, DecisionStatus
from decisions.decision_path import DECISION_PATH
from decisions.models import Committee, DecisionRecord, Meeting
from governance.choices import TakesEffectWithoutCallIn
from governance.events import Event
from governance.history import save_with_reason
from governance.lifecycle import ApprovedVersion, LifecycleStatus
from governance.transitions import TransitionRefused
from strategy.lifecycle import STRATEGY_LIFECYCLE
from strategy.models import Strategy
from workplan.lifecycle import WORKPLAN_LIFECYCLE

from ..base import (
    hearing,
    make_decision,
    make_item,
    make_meeting,
    make_strategy,
    make_workplan,
    name_in_decision,
    publish,
    race,
    with_version,
)

S = LifecycleStatus


def at(day, hour=10, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def committee(council, kind):
    return Committee.objects.filter(organisation=council, kind=kind).first()


def footprint(record):
    fresh = type(record).objects.get(pk=record.pk)
    return {
        "status": fresh.status,
        "version": fresh.version,
        "history": fresh.history.count(),
        "events": Event.objects.for_record(record).count(),
    }


def strategy_through_2020(cast):
    """A strategy sent to a 2020 scrutiny meeting and approved by Cabinet on
    29 September 2020, all recorded today."""
    council = cast.council_a
    strategy = make_strategy(cast, "Digital Ashdown 2020–2022", start=2020, end=2022)
    scrutiny = make_meeting(
        committee(council, CommitteeKind.SCRUTINY), at(date(2020, 9, 10), 18)
    )
    cabinet = make_meeting(
        committee(council, CommitteeKind.EXECUTIVE), at(date(2020, 9, 29), 10)
    )
    STRATEGY_LIFECYCLE.perform(
        strategy,
        "submit",
        cast.officer,
        inputs={"meeting": scrutiny, "sent_on": date(2020, 8, 27)},
    )
    STRATEGY_LIFECYCLE.perform(
        strategy, "record_scrutiny", cast.clerk, inputs={"outcome": "endorsed"}
    )
    decision = make_decision(cabinet, "Approval of Digital Ashdown")
    name_in_decision(decision, strategy)
    decision = publish(decision, cast.clerk, at(date(2020, 10, 1), 9))
    strategy = STRATEGY_LIFECYCLE.perform(
        strategy, "approve", cast.clerk, inputs={"decision": decision}
    )
    return strategy, decision


def test_past_business_is_dated_when_it_happened_and_recorded_today(cast):
    strategy, decision = strategy_through_2020(cast)

    events = list(Event.objects.for_record(strategy))
    assert [(e.transition, e.happened_on) for e in events] == [
        ("submit", date(2020, 8, 27)),
        ("record_scrutiny", date(2020, 9, 10)),
        ("approve", date(2020, 9, 29)),
    ]
    assert all(e.recorded_at.date() == timezone.now().date() for e in events)
    assert {e.recorded_by for e in events} == {cast.officer, cast.clerk}
    assert strategy.approved_on == date(2020, 9, 29)
    assert ApprovedVersion.latest_for(strategy).approved_on == date(2020, 9, 29)
    published = Event.objects.for_record(decision).get(transition="publish")
    assert published.happened_on == date(2020, 10, 1)
    assert published.happened_at == at(date(2020, 10, 1), 9)


def test_the_pages_print_when_it_happened_and_the_history_when_recorded(
    cast, client_for
):
    strategy, decision = strategy_through_2020(cast)
    today = timezone.localdate()
    recorded = f"recorded {today.day} {today:%B %Y}"

    page = client_for(cast.member).get(strategy.get_absolute_url()).content.decode()
    assert "29 September 2020</time>: Approved" in page
    assert recorded in page

    record = client_for(cast.member).get(decision.get_absolute_url()).content.decode()
    assert "1 October 2020, 09:00</time>: Published" in record
    assert recorded in record

    history = client_for(cast.member).get(
        reverse("strategy:strategy_history", args=[strategy.pk])
    )
    assert "29 September 2020</time>: Approved" in history.content.decode()
    assert recorded in history.content.decode()


def test_a_draft_can_be_sent_to_a_scrutiny_meeting_already_held(cast, client_for):
    strategy = make_strategy(cast, "Loaded after the event")
    held = make_meeting(
        committee(cast.council_a, CommitteeKind.SCRUTINY), at(date(2017, 3, 14), 18)
    )
    url = reverse("strategy:strategy_transition", args=[strategy.pk, "submit"])

    offered = client_for(cast.officer).get(url)
    assert held in offered.context["form"].fields["meeting"].queryset
    response = client_for(cast.officer).post(url, {"meeting": held.pk})

    assert response.status_code == 302
    event = Event.objects.for_record(strategy).get()
    # Blank "date sent": the meeting's date, as the meeting has been held.
    assert event.happened_on == date(2017, 3, 14)


def test_an_outcome_for_a_meeting_not_yet_started_is_refused_and_changes_nothing(
    cast, client_for
):
    strategy = make_strategy(cast, "Too early")
    coming = make_meeting(
        committee(cast.council_a, CommitteeKind.SCRUTINY),
        timezone.now() + timedelta(days=3),
    )
    STRATEGY_LIFECYCLE.perform(
        strategy, "submit", cast.officer, inputs={"meeting": coming}
    )
    before = footprint(strategy)

    response = client_for(cast.clerk).post(
        reverse("strategy:strategy_transition", args=[strategy.pk, "record_scrutiny"]),
        {"outcome": "endorsed"},
    )

    assert response.status_code == 409
    assert "has not happened yet" in response.content.decode()
    assert footprint(strategy) == before


def test_a_step_dated_before_the_records_previous_step_is_refused(cast):
    strategy, _decision = strategy_through_2020(cast)
    # Its review fell due in March 2021; a clerk dates the review's opening
    # before the approval of September 2020.
    Strategy.objects.filter(pk=strategy.pk).update(next_review_due=date(2021, 3, 29))
    before = footprint(strategy)

    with pytest.raises(TransitionRefused, match="before the record's last"):
        STRATEGY_LIFECYCLE.perform(
            Strategy.objects.get(pk=strategy.pk),
            "open_review",
            cast.officer,
            inputs={"happened_on": date(2020, 9, 1)},
        )
    assert footprint(strategy) == before


def test_a_meeting_cannot_be_marked_held_before_it_starts(cast, client_for):
    meeting = make_meeting(
        committee(cast.council_a, CommitteeKind.EXECUTIVE),
        timezone.now() + timedelta(days=7),
    )
    local = timezone.localtime(meeting.starts_at, LONDON)
    before = meeting.history.count()

    response = client_for(cast.clerk).post(
        reverse("decisions:meeting_update", args=[meeting.pk]),
        with_version(
            client_for(cast.clerk),
            reverse("decisions:meeting_update", args=[meeting.pk]),
            {
                "committee": meeting.committee_id,
                "date": local.date().isoformat(),
                "time": local.strftime("%H:%M"),
                "venue": meeting.venue,
                "status": "held",
                "version": meeting.version if hasattr(meeting, "version") else "",
            },
        ),
    )

    assert response.status_code == 200
    assert "cannot be marked held before it starts" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).status == "scheduled"
    assert meeting.history.count() == before


def test_a_decision_of_a_meeting_not_yet_held_cannot_be_published(cast):
    coming = make_meeting(
        committee(cast.council_a, CommitteeKind.EXECUTIVE),
        timezone.now() + timedelta(days=50),
    )
    decision = make_decision(coming, "Not taken yet")
    before = footprint(decision)

    with pytest.raises(TransitionRefused, match="has not happened yet"):
        DECISION_PATH.perform(decision, "publish", cast.clerk)
    assert footprint(decision) == before


def test_a_decision_dated_other_than_its_meeting_is_refused_by_the_form(
    cast, client_for
):
    meeting = make_meeting(
        committee(cast.council_a, CommitteeKind.EXECUTIVE), at(date(2022, 3, 14))
    )
    response = client_for(cast.clerk).post(
        reverse("decisions:decision_create"),
        {
            "meeting": meeting.pk,
            "decision_date": "2022-03-10",
            "title": "Dated wrongly",
            "record": "Considered.",
            "reasons": "Reasons.",
            "conflicts_of_interest": "None",
            "dispensations": "None",
            "resolutions-TOTAL_FORMS": "1",
            "resolutions-INITIAL_FORMS": "0",
            "resolutions-MIN_NUM_FORMS": "0",
            "resolutions-MAX_NUM_FORMS": "1000",
            "resolutions-0-position": "1",
            "resolutions-0-text": "Agreed.",
        },
    )
    assert response.status_code == 200
    assert "must be the date of its meeting, Monday 14 March 2022" in (
        response.content.decode()
    )
    assert not DecisionRecord.objects.filter(title="Dated wrongly").exists()


def test_a_2007_decision_is_entered_and_published_with_its_real_date(cast):
    meeting = make_meeting(
        committee(cast.council_a, CommitteeKind.EXECUTIVE), at(date(2007, 9, 27))
    )
    decision = make_decision(meeting, "Data centre move")
    decision = publish(decision, cast.clerk, at(date(2007, 10, 1)))

    assert decision.decision_date == date(2007, 9, 27)
    event = Event.objects.for_record(decision).get()
    assert event.happened_on == date(2007, 10, 1)
    assert decision.deadline_text == "not later than midnight on Friday 5 October 2007"


def recent_decision(cast, days=20):
    """A Cabinet decision taken and published `days` ago (its call-in period
    long over)."""
    meeting = make_meeting(
        committee(cast.council_a, CommitteeKind.EXECUTIVE),
        timezone.now() - timedelta(days=days),
    )
    decision = make_decision(meeting, f"Decision of {days} days ago")
    return publish(decision, cast.clerk, meeting.starts_at + timedelta(hours=3))


def test_a_call_in_received_in_time_may_be_recorded_after_the_deadline(cast):
    decision = recent_decision(cast)
    DECISION_PATH.perform(decision, "mark_effective", None, as_system=True)
    received = decision.call_in_deadline - timedelta(hours=2)

    offered, _blocked = DECISION_PATH.offer(
        DecisionRecord.objects.get(pk=decision.pk), cast.clerk
    )
    assert "call_in" in [step.name for step in offered]
    decision = DECISION_PATH.perform(
        decision,
        "call_in",
        cast.clerk,
        inputs={"called_in_by": "Councillors Ahmed and Bell", "called_in_at": received},
    )

    assert decision.status == DecisionStatus.CALLED_IN
    assert decision.takes_effect_on is None
    event = Event.objects.for_record(decision).get(transition="call_in")
    assert event.happened_at == received


def test_a_call_in_received_after_the_deadline_is_refused(cast):
    decision = recent_decision(cast)
    before = footprint(decision)

    with pytest.raises(TransitionRefused, match="received after the deadline"):
        DECISION_PATH.perform(
            decision,
            "call_in",
            cast.clerk,
            inputs={
                "called_in_by": "Councillor Late",
                "called_in_at": decision.call_in_deadline + timedelta(minutes=1),
            },
        )
    assert footprint(decision) == before


def endorsed(workflow, record, cast):
    """`record` sent to a scrutiny meeting held four hours ago and endorsed."""
    scrutiny = make_meeting(
        committee(cast.council_a, CommitteeKind.SCRUTINY),
        timezone.now() - timedelta(hours=4),
    )
    workflow.perform(record, "submit", cast.officer, inputs={"meeting": scrutiny})
    return workflow.perform(
        record, "record_scrutiny", cast.clerk, inputs={"outcome": "endorsed"}
    )


def cabinet_decision(cast, record, title):
    """A decision of Cabinet's meeting three hours ago naming `record`,
    published an hour ago (inside its call-in period)."""
    meeting = make_meeting(
        committee(cast.council_a, CommitteeKind.EXECUTIVE),
        timezone.now() - timedelta(hours=3),
    )
    decision = make_decision(meeting, title)
    name_in_decision(decision, record)
    return publish(decision, cast.clerk)


def call_in(decision, cast, by="Councillors Clarke and Davies"):
    return DECISION_PATH.perform(
        decision,
        "call_in",
        cast.clerk,
        inputs={
            "called_in_by": by,
            "called_in_at": timezone.now() - timedelta(minutes=30),
        },
    )


def called_in_approval(cast, *, replaces=None):
    """A strategy approved by a decision published an hour ago, then called in."""
    strategy = endorsed(
        STRATEGY_LIFECYCLE,
        make_strategy(cast, "Called-in Strategy", replaces=replaces),
        cast,
    )
    decision = cabinet_decision(cast, strategy, "Approval of the called-in strategy")
    STRATEGY_LIFECYCLE.perform(
        strategy, "approve", cast.clerk, inputs={"decision": decision}
    )
    return Strategy.objects.get(pk=strategy.pk), call_in(decision, cast)


def test_while_called_in_the_approval_is_paused_and_cannot_be_built_on(
    cast, client_for
):
    strategy, _decision = called_in_approval(cast)

    assert strategy.status_label == "Approval paused: called in"
    assert Event.objects.for_record(strategy).latest("pk").transition == (
        "pause_approval"
    )
    amend = client_for(cast.officer).get(
        reverse("strategy:strategy_amend", args=[strategy.pk])
    )
    assert amend.status_code == 409
    assert "approval is paused" in amend.content.decode()
    Strategy.objects.filter(pk=strategy.pk).update(next_review_due=timezone.localdate())
    with pytest.raises(TransitionRefused, match="approval is paused"):
        STRATEGY_LIFECYCLE.perform(
            Strategy.objects.get(pk=strategy.pk), "open_review", cast.officer
        )


def test_referred_back_returns_the_record_and_reinstates_what_it_replaced(cast):
    old = make_strategy(cast, "The strategy in force")
    old_meeting = make_meeting(
        committee(cast.council_a, CommitteeKind.EXECUTIVE),
        timezone.now() - timedelta(days=400),
    )
    old_scrutiny = make_meeting(
        committee(cast.council_a, CommitteeKind.SCRUTINY),
        timezone.now() - timedelta(days=410),
    )
    STRATEGY_LIFECYCLE.perform(
        old, "submit", cast.officer, inputs={"meeting": old_scrutiny}
    )
    STRATEGY_LIFECYCLE.perform(
        old, "record_scrutiny", cast.clerk, inputs={"outcome": "endorsed"}
    )
    old_decision = make_decision(old_meeting, "Approval of the old strategy")
    name_in_decision(old_decision, old)
    old_decision = publish(
        old_decision, cast.clerk, old_meeting.starts_at + timedelta(hours=2)
    )
    STRATEGY_LIFECYCLE.perform(
        old, "approve", cast.clerk, inputs={"decision": old_decision}
    )
    strategy, decision = called_in_approval(cast, replaces=old)
    assert Strategy.objects.get(pk=old.pk).status == S.SUPERSEDED

    decision = DECISION_PATH.perform(
        decision,
        "record_outcome",
        cast.clerk,
        inputs={
            "meeting": hearing(cast.council_a),
            "outcome": CallInOutcome.REFERRED_BACK,
        },
    )

    returned = Strategy.objects.get(pk=strategy.pk)
    assert returned.status == S.APPROVAL
    assert returned.approving_decision is None
    assert ApprovedVersion.latest_for(returned) is None
    assert Strategy.objects.get(pk=old.pk).status == S.APPROVED
    assert [e.transition for e in Event.objects.for_record(returned)][-2:] == [
        "pause_approval",
        "withdraw_approval",
    ]
    assert Event.objects.for_record(old).latest("pk").transition == "reinstate"
    assert decision.takes_effect_on is None


def test_no_further_action_puts_the_approval_in_force_from_the_hearing(cast):
    strategy, decision = called_in_approval(cast)
    heard = hearing(cast.council_a)

    decision = DECISION_PATH.perform(
        decision,
        "record_outcome",
        cast.clerk,
        inputs={"meeting": heard, "outcome": CallInOutcome.NO_FURTHER_ACTION},
    )

    assert decision.takes_effect_on == timezone.localdate(heard.starts_at)
    assert decision.call_in_heard_at == heard
    stored = Strategy.objects.get(pk=strategy.pk)
    assert stored.status_label == "Approved"
    assert Event.objects.for_record(stored).latest("pk").transition == (
        "confirm_approval"
    )


def test_an_outcome_heard_at_a_meeting_not_yet_held_is_refused(cast):
    strategy, decision = called_in_approval(cast)
    coming = make_meeting(
        committee(cast.council_a, CommitteeKind.SCRUTINY),
        timezone.now() + timedelta(days=2),
    )
    before = footprint(decision), footprint(strategy)

    with pytest.raises(TransitionRefused, match="has not happened yet"):
        DECISION_PATH.perform(
            decision,
            "record_outcome",
            cast.clerk,
            inputs={"meeting": coming, "outcome": CallInOutcome.REFERRED_BACK},
        )
    assert (footprint(decision), footprint(strategy)) == before


def test_a_decision_of_a_body_outside_call_in_takes_effect_without_one(
    cast, client_for
):
    council = cast.council_a
    council.takes_effect_without_call_in = TakesEffectWithoutCallIn.DECISION
    save_with_reason(council, user=cast.administrator, reason="Committee system")
    finance = save_with_reason(
        Committee(
            organisation=council,
            name="Finance Committee",
            kind=CommitteeKind.DECISION_MAKING,
            decisions_subject_to_call_in=False,
        ),
        user=cast.clerk,
        reason="Test",
    )
    meeting = make_meeting(finance, timezone.now() - timedelta(days=4))
    decision = publish(make_decision(meeting, "Workplan agreed"), cast.clerk)

    assert decision.status == DecisionStatus.EFFECTIVE
    assert not decision.subject_to_call_in
    assert decision.call_in_deadline is None
    assert decision.takes_effect_on == decision.decision_date
    page = client_for(cast.member).get(decision.get_absolute_url()).content.decode()
    assert "Not subject to call-in." in page
    assert "urgent" not in page.lower()
    offered, _blocked = DECISION_PATH.offer(decision, cast.clerk)
    assert "call_in" not in [step.name for step in offered]


@pytest.mark.django_db(transaction=True)
def test_an_approval_racing_a_call_in_of_its_decision_never_slips_past_it(cast):
    strategy = endorsed(STRATEGY_LIFECYCLE, make_strategy(cast, "Raced Strategy"), cast)
    decision = cabinet_decision(cast, strategy, "Approval raced by a call-in")

    def approve(barrier):
        barrier.wait()
        return STRATEGY_LIFECYCLE.perform(
            Strategy.objects.get(pk=strategy.pk),
            "approve",
            cast.clerk,
            inputs={"decision": decision},
        )

    def called_in_meanwhile(barrier):
        barrier.wait()
        return call_in(
            DecisionRecord.objects.get(pk=decision.pk), cast, by="Councillor Race"
        )

    approved, called_in = race(approve, called_in_meanwhile)

    # The call-in always lands; the approval either came first (and is then
    # paused) or is refused because the decision was already called in.
    assert not isinstance(called_in, Exception)
    stored = Strategy.objects.get(pk=strategy.pk)
    if isinstance(approved, TransitionRefused):
        assert "called in" in str(approved)
        assert stored.status == S.APPROVAL
    else:
        assert stored.status_label == "Approval paused: called in"
        assert Event.objects.for_record(stored).latest("pk").transition == (
            "pause_approval"
        )


def test_a_workplan_referred_back_takes_its_items_back_to_awaiting_approval(
    cast, business
):
    plan = make_workplan(cast, business.approved_strategy, 2026)
    items = [make_item(cast, plan, f"R0{n}") for n in (1, 2)]
    plan = endorsed(WORKPLAN_LIFECYCLE, plan, cast)
    decision = cabinet_decision(cast, plan, "Approval of the 2026 workplan")
    WORKPLAN_LIFECYCLE.perform(
        plan, "approve", cast.clerk, inputs={"decision": decision}
    )
    decision = call_in(decision, cast, by="Councillor Evans")

    DECISION_PATH.perform(
        decision,
        "record_outcome",
        cast.clerk,
        inputs={
            "meeting": hearing(cast.council_a),
            "outcome": CallInOutcome.REFERRED_BACK,
        },
    )

    plan.refresh_from_db()
    assert plan.status == S.APPROVAL
    for item in items:
        item.refresh_from_db()
        assert (item.status, item.approving_decision_id) == (S.APPROVAL, None)
    assert Event.objects.for_record(plan).latest("pk").transition == (
        "withdraw_approval"
    )
