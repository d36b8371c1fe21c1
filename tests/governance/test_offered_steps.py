"""Only offered steps can be taken: a lifecycle step reachable by URL is one
the record's page offers, in that state, to that role — and every step a
page offers can be taken.

Complete by construction: the steps are every name in the transition tables
the code uses (the shared lifecycle of `governance/lifecycle.py`, each record
type's binding of it in `*/lifecycle.py`, and the decision path), so a step
one record type does not take (an item's "close") is tried on it too; the
records are put into every state the tables lead to through the real
transitions; every role of the cast asks. For each record, state and role the
test reads the record's page and collects the step links on it, then for each
step asks its confirmation page (200 with no problem listed: reachable) and
POSTs valid inputs inside a savepoint that is rolled back (a redirect and a
new history row: taken). All three sets must be the same.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from decisions.choices import CallInOutcome
from decisions.decision_path import DECISION_PATH
from decisions.lifecycle_forms import LIFECYCLE_FORMS
from governance.history import save_with_reason
from governance.lifecycle import LifecycleStatus, transitions
from governance.permissions import ACTIONS
from strategy.lifecycle import STRATEGY_LIFECYCLE
from workplan.lifecycle import ITEM_LIFECYCLE, WORKPLAN_LIFECYCLE

from ..base import (
    ROLES,
    add_item_by_variation,
    approve_strategy,
    approve_workplan,
    delegate_variations,
    hearing,
    make_decision,
    make_item,
    make_strategy,
    make_workplan,
    name_in_decision,
    publish,
)
from ..decisions.test_decision_path import STATES as DECISION_STATES
from ..decisions.test_decision_path import call_in_data, recent_meeting

S = LifecycleStatus
#: Every step name of the shared lifecycle, whichever record type binds it.
LIFECYCLE_STEPS = {t.name for t in transitions(LIFECYCLE_FORMS)}


# --- valid inputs for each step, as its confirmation page posts them ----------------


def approving_decision(record, cast, business):
    """A published Cabinet decision of the record's council that names it."""
    decision = make_decision(business.meeting, f"Approval of {record}")
    name_in_decision(decision, record)
    return publish(decision, cast.clerk)


def agreeing_decision(item, cast, business):
    """A published Cabinet decision naming the variation adding `item`."""
    from workplan.variations import pending_addition

    decision = make_decision(business.meeting, f"Agreement of {item}")
    variation = pending_addition(item)
    if variation is not None:
        name_in_decision(decision, variation)
    return publish(decision, cast.clerk)


INPUTS = {
    "agree_variation": lambda record, cast, business: {
        "agreed_on": str(timezone.localdate())
    },
    "agree_variation_by_decision": lambda record, cast, business: {
        "decision": agreeing_decision(record, cast, business).pk
    },
    "submit": lambda record, cast, business: {"meeting": business.scrutiny_meeting.pk},
    "send_for_decision": lambda record, cast, business: {},
    "record_scrutiny": lambda record, cast, business: {"outcome": "endorsed"},
    "approve": lambda record, cast, business: {
        "decision": approving_decision(record, cast, business).pk
    },
    "reject": lambda record, cast, business: {"comment": "Deferred by Cabinet."},
    "open_review": lambda record, cast, business: {},
    "close_review": lambda record, cast, business: {"meeting": business.meeting.pk},
    "close": lambda record, cast, business: {"comment": "Ended early."},
    "supersede": lambda record, cast, business: {},
    "reinstate": lambda record, cast, business: {},
    "pause_approval": lambda record, cast, business: {},
    "confirm_approval": lambda record, cast, business: {},
    "withdraw_approval": lambda record, cast, business: {},
    "publish": lambda record, cast, business: {},
    "call_in": lambda record, cast, business: call_in_received(record),
    "override_deadline": lambda record, cast, business: {
        "last_day": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "comment": "Published late on the website.",
    },
    "record_outcome": lambda record, cast, business: {
        "outcome": CallInOutcome.NO_FURTHER_ACTION,
        "meeting": hearing(cast.council_a).pk,
    },
    "mark_effective": lambda record, cast, business: {},
}


def call_in_received(decision):
    """A call-in received in time: five minutes ago, or (for a period that
    has ended, recorded late) an hour before the deadline."""
    if decision.call_in_deadline and decision.call_in_deadline < timezone.now():
        received = timezone.localtime(decision.call_in_deadline - timedelta(hours=1))
        return {
            "called_in_by": "Councillors Clarke and Davies",
            "called_in_on": received.date().isoformat(),
            "called_in_time": received.strftime("%H:%M"),
        }
    return call_in_data()


# --- records in every state, through the real transitions ----------------------------


def take(workflow, record, name, user, **inputs):
    return workflow.perform(record, name, user, inputs=inputs)


def through_scrutiny(workflow, record, cast, business):
    take(workflow, record, "submit", cast.officer, meeting=business.scrutiny_meeting)
    return take(workflow, record, "record_scrutiny", cast.clerk, outcome="endorsed")


def review_due(record, cast):
    record = type(record).objects.get(pk=record.pk)
    record.next_review_due = timezone.localdate() - timedelta(days=1)
    return save_with_reason(record, user=cast.officer, reason="Test: review due")


def in_review(workflow, record, cast):
    # Opened on the day of the Cabinet meeting it is later reported to (two
    # days ago, see `build_business`).
    opened = timezone.localdate(timezone.now() - timedelta(days=2))
    return take(
        workflow,
        review_due(record, cast),
        "open_review",
        cast.officer,
        happened_on=opened,
    )


def closed(workflow, record, cast):
    return workflow.perform(record, "close", cast.clerk, comment="Ended early.")


def strategies(cast, business):
    def new(title, **fields):
        return make_strategy(cast, title, **fields)

    def approved(title, **fields):
        return approve_strategy(new(title, **fields), cast, business)

    lifecycle = STRATEGY_LIFECYCLE
    replaced = approved("Replaced strategy")
    approve_strategy(new("Its replacement", replaces=replaced), cast, business)
    return [
        ("draft", new("A draft")),
        (
            "with scrutiny",
            take(
                lifecycle,
                new("Sent"),
                "submit",
                cast.officer,
                meeting=business.scrutiny_meeting,
            ),
        ),
        (
            "awaiting approval",
            through_scrutiny(lifecycle, new("Endorsed"), cast, business),
        ),
        ("approved", approved("Approved")),
        ("approved, review due", review_due(approved("Due"), cast)),
        ("under review", in_review(lifecycle, approved("Reviewed"), cast)),
        ("superseded", replaced),
        ("closed", closed(lifecycle, approved("Closed"), cast)),
    ]


def workplans(cast, business):
    strategy = approve_strategy(
        make_strategy(cast, "ICT Strategy 2030–2039", start=2030, end=2039),
        cast,
        business,
    )
    years = iter(range(2030, 2040))

    def new():
        workplan = make_workplan(cast, strategy, next(years))
        make_item(cast, workplan, "WP01")
        return workplan

    def approved():
        return approve_workplan(cast, business, new())

    lifecycle = WORKPLAN_LIFECYCLE
    return [
        ("draft", new()),
        (
            "with scrutiny",
            take(
                lifecycle,
                new(),
                "submit",
                cast.officer,
                meeting=business.scrutiny_meeting,
            ),
        ),
        ("awaiting approval", through_scrutiny(lifecycle, new(), cast, business)),
        ("approved", approved()),
        ("approved, review due", review_due(approved(), cast)),
        ("under review", in_review(lifecycle, approved(), cast)),
        ("closed", closed(lifecycle, approved(), cast)),
    ]


def items(cast, business):
    strategy = business.approved_strategy
    in_scrutiny = make_workplan(cast, strategy, 2024)
    with_scrutiny_item = make_item(cast, in_scrutiny, "S01")
    take(
        WORKPLAN_LIFECYCLE,
        in_scrutiny,
        "submit",
        cast.officer,
        meeting=business.scrutiny_meeting,
    )
    plan = make_workplan(cast, strategy, 2025)
    approved_with_plan = make_item(cast, plan, "A01")
    approve_workplan(cast, business, plan)
    # The officer may agree variations under delegated powers.
    delegate_variations(cast, cast.officer)
    lifecycle = ITEM_LIFECYCLE

    def added(reference):
        return add_item_by_variation(cast, plan, reference)

    def sent_on_its_own(item, status):
        """As an item added by variation could be sent to scrutiny on its
        own before variations were agreed (there is no such step now)."""
        type(item).objects.filter(pk=item.pk).update(status=status)
        return item

    agreed = take(
        lifecycle,
        added("V04"),
        "agree_variation",
        cast.officer,
        agreed_on=timezone.localdate(),
    )
    by_decision = added("V05")
    by_decision = take(
        lifecycle,
        by_decision,
        "agree_variation_by_decision",
        cast.clerk,
        decision=agreeing_decision(by_decision, cast, business),
    )
    return [
        ("draft, in a draft plan", business.item),
        ("draft, in a plan with scrutiny", with_scrutiny_item),
        ("approved with its plan", approved_with_plan),
        ("added by variation", added("V01")),
        ("added, sent to scrutiny", sent_on_its_own(added("V02"), S.SCRUTINY)),
        ("added, awaiting approval", sent_on_its_own(added("V03"), S.APPROVAL)),
        ("added by variation, agreed under delegated powers", agreed),
        ("added by variation, agreed by a decision", by_decision),
    ]


def decisions(cast, business):
    return [
        (state.name, state.build(cast, recent_meeting(cast.council_a)))
        for state in DECISION_STATES
    ]


@dataclass(frozen=True)
class RecordType:
    name: str
    workflow: object
    #: The URL of a step: (record pk, step name).
    url_name: str
    #: Every step name its URL may carry.
    steps: frozenset
    #: (cast, business) -> [(state label, record)].
    build: object


RECORD_TYPES = [
    RecordType(
        "strategy",
        STRATEGY_LIFECYCLE,
        "strategy:strategy_transition",
        frozenset(LIFECYCLE_STEPS | {t.name for t in STRATEGY_LIFECYCLE.transitions}),
        strategies,
    ),
    RecordType(
        "workplan",
        WORKPLAN_LIFECYCLE,
        "workplan:workplan_transition",
        frozenset(LIFECYCLE_STEPS | {t.name for t in WORKPLAN_LIFECYCLE.transitions}),
        workplans,
    ),
    RecordType(
        "item",
        ITEM_LIFECYCLE,
        "workplan:item_transition",
        frozenset(LIFECYCLE_STEPS | {t.name for t in ITEM_LIFECYCLE.transitions}),
        items,
    ),
    RecordType(
        "decision",
        DECISION_PATH,
        "decisions:decision_transition",
        frozenset(t.name for t in DECISION_PATH.transitions),
        decisions,
    ),
]


#: Steps only the system takes when a call-in reaches an approval.
SYSTEM_CALL_IN_STEPS = frozenset(
    {"reinstate", "pause_approval", "confirm_approval", "withdraw_approval"}
)


def sources(workflow):
    """The states someone's steps leave from (not the system's own steps)."""
    return {
        state
        for t in workflow.transitions
        if ACTIONS[t.permission]
        for state in t.sources
    }


def taken(client, url, data, record):
    """Whether POSTing `data` to `url` takes the step (rolled back after)."""
    history = type(record).history.filter(id=record.pk)
    with transaction.atomic():
        before = history.count()
        response = client.post(url, data)
        took = response.status_code == 302 and history.count() == before + 1
        transaction.set_rollback(True)
    return took


# Every step, for every role, in every state: about two minutes in all, so
# with the other whole-site crawls in `make test-faults`.
@pytest.mark.crawl
@pytest.mark.parametrize("kind", RECORD_TYPES, ids=[k.name for k in RECORD_TYPES])
def test_the_steps_a_page_offers_are_exactly_those_that_can_be_taken(
    cast, business, client_for, kind
):
    records = kind.build(cast, business)
    for _label, record in records:
        record.refresh_from_db()
    # Every state a step leaves from is among those tried.
    reached = {record.status for _label, record in records}
    assert sources(kind.workflow) <= reached, sources(kind.workflow) - reached
    assert kind.steps >= {t.name for t in kind.workflow.transitions}

    # The system's own call-in steps are refused to every role in every state
    # they leave from (tests/strategy/test_lifecycle.py's bypass matrix): they
    # are never offered, so they are not tried here on every page.
    steps = kind.steps - SYSTEM_CALL_IN_STEPS
    mismatches = []
    for label, record in records:
        # The inputs are made once per record, outside the rolled-back POSTs.
        inputs = {step: INPUTS[step](record, cast, business) for step in steps}
        for role in ROLES:
            client = client_for(cast.user(role))
            page = client.get(record.get_absolute_url())
            html = page.content.decode() if page.status_code == 200 else ""
            offered, reachable, took = set(), set(), set()
            for step in sorted(steps):
                url = reverse(kind.url_name, args=[record.pk, step])
                if f'href="{url}"' in html:
                    offered.add(step)
                confirm = client.get(url)
                if confirm.status_code == 200 and not confirm.context["problems"]:
                    reachable.add(step)
                if taken(client, url, inputs[step], record):
                    took.add(step)
            if not offered == reachable == took:
                mismatches.append(
                    f"{kind.name} {label} as {role}: offered {sorted(offered)}, "
                    f"confirmation page open for {sorted(reachable)}, "
                    f"taken by POST {sorted(took)}"
                )
    assert not mismatches, "\n".join(mismatches)


def test_an_item_cannot_be_closed_by_url_only_removed_by_variation(
    cast, business, client_for
):
    plan = make_workplan(cast, business.approved_strategy, 2025)
    item = make_item(cast, plan, "A01")
    approve_workplan(cast, business, plan)
    item.refresh_from_db()
    clerk = client_for(cast.clerk)
    url = reverse("workplan:item_transition", args=[item.pk, "close"])

    assert clerk.get(url).status_code == 404
    assert clerk.post(url, {"comment": "Not needed"}).status_code == 404
    item.refresh_from_db()
    assert item.status == S.APPROVED

    officer = client_for(cast.officer)
    removed = officer.post(
        reverse("workplan:item_remove", args=[item.pk]),
        {
            "variation_reason": "Not needed",
            "agreed_with": "Digital Board",
            "agreed_on": str(timezone.localdate()),
        },
    )
    assert removed.status_code == 302
    item.refresh_from_db()
    assert item.delivery_status == "cancelled"
    assert item.variations.get().kind == "removed"


def test_a_page_says_why_a_step_its_role_may_take_is_not_open_yet(
    cast, business, client_for
):
    strategy = business.approved_strategy
    page = client_for(cast.officer).get(strategy.get_absolute_url())
    text = page.content.decode()
    url = reverse("strategy:strategy_transition", args=[strategy.pk, "open_review"])
    assert f'href="{url}"' not in text
    due = strategy.next_review_due.strftime("%-d %B %Y")
    assert (
        "<strong>Open the six-monthly review</strong>: you cannot do this now. "
        f"No review is due until {due}."
    ) in text
    # A member's role may not open a review: nothing is said to them.
    member = client_for(cast.member).get(strategy.get_absolute_url())
    assert "Open the six-monthly review" not in member.content.decode()


def test_a_step_ruled_out_for_the_record_is_neither_offered_nor_explained(
    cast, business, client_for
):
    # An urgent decision cannot be called in; an item of a draft plan goes
    # to scrutiny with its plan.
    urgent = next(s for s in DECISION_STATES if s.name == "effective-urgent")
    lapsed = urgent.build(cast, recent_meeting(cast.council_a))
    text = client_for(cast.clerk).get(lapsed.get_absolute_url()).content.decode()
    assert "Record a call-in" not in text
    assert "you cannot do this now" not in text
    item_page = client_for(cast.officer).get(business.item.get_absolute_url())
    assert "agreeing the variation" not in item_page.content.decode()
