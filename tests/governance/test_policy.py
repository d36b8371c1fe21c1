"""The record policy (`governance/policy.py`), pinned by hand: who may
change a strategy, workplan, item or review, in which state.

The access matrix derives its expectations for these pages from the policy
(`ByPolicy`), so this table is where a change that opens a path shows up.
"""

import pytest

from governance import policy
from governance.lifecycle import LifecycleStatus
from strategy.lifecycle import STRATEGY_LIFECYCLE
from workplan.lifecycle import WORKPLAN_LIFECYCLE
from workplan.models import Review

from ..base import approve_workplan, make_item, make_workplan

S = LifecycleStatus
ROLES = ["member", "officer", "clerk", "administrator"]


def verdicts(cast, the_policy, action, record):
    """role -> None (allowed), 403 or 409."""
    answers = {}
    for role in ROLES:
        refusal = the_policy.problem(cast.user(role), action, record)
        answers[role] = None if refusal is None else refusal.status
    return answers


OFFICER_ONLY = {"member": 403, "officer": None, "clerk": 403, "administrator": 403}
IN_WRONG_STATE = {"member": 403, "officer": 409, "clerk": 403, "administrator": 403}


def test_only_officers_edit_a_draft_strategy_and_only_while_it_is_a_draft(
    cast, business
):
    assert verdicts(cast, policy.STRATEGY, "edit", business.draft_strategy) == (
        OFFICER_ONLY
    )
    assert verdicts(cast, policy.STRATEGY, "edit", business.approved_strategy) == (
        IN_WRONG_STATE
    )


@pytest.mark.parametrize("action", ["amend", "prepare_replacement"])
def test_an_approved_strategy_is_amended_or_replaced_by_officers_only(
    cast, business, action
):
    assert verdicts(cast, policy.STRATEGY, action, business.approved_strategy) == (
        OFFICER_ONLY
    )
    assert verdicts(cast, policy.STRATEGY, action, business.draft_strategy) == (
        IN_WRONG_STATE
    )


def test_a_strategy_submitted_to_scrutiny_can_no_longer_be_edited(cast, business):
    strategy = STRATEGY_LIFECYCLE.perform(
        business.draft_strategy,
        "submit",
        cast.officer,
        inputs={"meeting": business.scrutiny_meeting},
    )

    refusal = policy.STRATEGY.problem(cast.officer, "edit", strategy)

    assert refusal.status == 409
    assert "is with scrutiny" in refusal.message


def test_a_draft_workplans_items_are_edited_and_an_approved_ones_varied(cast, business):
    item = business.item
    assert verdicts(cast, policy.ITEM, "edit", item) == OFFICER_ONLY
    assert verdicts(cast, policy.ITEM, "vary", item) == IN_WRONG_STATE

    workplan = make_workplan(cast, business.approved_strategy, 2025)
    approved_item = make_item(cast, workplan, "WP01")
    approve_workplan(cast, business, workplan)
    approved_item.refresh_from_db()
    approved_item.workplan.refresh_from_db()

    assert verdicts(cast, policy.ITEM, "edit", approved_item) == IN_WRONG_STATE
    assert verdicts(cast, policy.ITEM, "vary", approved_item) == OFFICER_ONLY


def test_progress_is_kept_while_the_plan_is_live_and_not_once_it_is_closed(
    cast, business
):
    workplan = make_workplan(cast, business.approved_strategy, 2025)
    item = make_item(cast, workplan, "WP01")
    workplan = approve_workplan(cast, business, workplan)
    assert verdicts(cast, policy.ITEM, "update_progress", item) == OFFICER_ONLY

    closed = WORKPLAN_LIFECYCLE.perform(
        workplan, "close", cast.clerk, comment="The year has ended."
    )
    item.workplan = closed

    assert verdicts(cast, policy.ITEM, "update_progress", item) == IN_WRONG_STATE


def test_a_reviews_updates_are_given_by_officers_while_it_is_open(cast, business):
    review = business.review
    assert verdicts(cast, policy.REVIEW, "update", review) == OFFICER_ONLY

    review.status = Review.Status.CLOSED

    refusal = policy.REVIEW.problem(cast.officer, "update", review)
    assert refusal.status == 409
    assert "closed" in refusal.message


def test_lifecycle_steps_are_answered_by_the_workflow_with_the_route(cast, business):
    answers = verdicts(cast, policy.STRATEGY, "submit", business.draft_strategy)

    assert answers == OFFICER_ONLY
    assert (
        policy.STRATEGY.problem(
            cast.officer, "send_for_decision", business.draft_strategy
        ).status
        == 409
    )


def test_an_action_the_policy_does_not_know_is_a_bug_not_a_refusal(cast, business):
    with pytest.raises(LookupError):
        policy.STRATEGY.problem(cast.officer, "publish", business.draft_strategy)


def test_every_rule_of_every_policy_names_only_roles_that_exist():
    from governance.choices import Role

    for the_policy in (policy.STRATEGY, policy.WORKPLAN, policy.ITEM, policy.REVIEW):
        for rule in the_policy.rules.values():
            assert rule.roles <= set(Role)
