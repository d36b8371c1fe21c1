"""A paper's version key changes with everything the paper prints: each
test changes one thing a kind of paper prints and asserts the key moved (so
a stored paper is never served stale), including the approving decision's
status *now* — the call-in period ending changes no row."""

from datetime import timedelta

import pytest
from django.utils import timezone

from decisions.models import DecisionRecord
from governance.history import save_with_reason
from governance.paper_store import version_key
from strategy import papers as strategy_papers
from strategy.models import Theme
from tests.base import (
    approve_strategy,
    approve_workplan,
    make_item,
    make_review,
    make_strategy,
    make_workplan,
)
from workplan import papers as workplan_papers


def edit(record, **fields):
    for name, value in fields.items():
        setattr(record, name, value)
    return save_with_reason(record, user=None, reason="Test")


def call_in_period_ends(record):
    """Time passes: the approving decision takes effect (no row changes)."""
    DecisionRecord.objects.filter(pk=record.approving_decision_id).update(
        takes_effect_at=timezone.now() - timedelta(minutes=1)
    )


def decision_renamed(record):
    edit(record.approving_decision, title="A new title for the decision")


def committee_renamed(record):
    edit(record.approving_decision.meeting.committee, name="The Executive")


def first_theme_renamed(strategy):
    edit(strategy.themes.first(), title="A renamed theme")


def scrutiny_meeting_moved(strategy):
    edit(strategy.scrutiny_meeting, venue="The Old Town Hall")


def replaced_by_a_new_strategy(strategy):
    make_strategy(
        strategy.cast,
        "Digital Ashdown 2030–2034",
        start=2030,
        end=2034,
        replaces=strategy,
    )


@pytest.fixture
def approved_strategy(cast, business):
    strategy = make_strategy(cast, "Digital Ashdown 2024–2027", start=2024, end=2027)
    strategy = approve_strategy(strategy, cast, business)
    strategy.cast = cast
    return strategy


def fresh(record):
    """`record` as a request would load it."""
    return type(record).objects.get(pk=record.pk)


@pytest.mark.parametrize(
    "change",
    [
        call_in_period_ends,
        decision_renamed,
        committee_renamed,
        first_theme_renamed,
        scrutiny_meeting_moved,
        replaced_by_a_new_strategy,
    ],
)
def test_the_strategy_papers_version_follows_what_they_print(approved_strategy, change):
    kinds = [strategy_papers.STRATEGY, strategy_papers.STRATEGY_ON_A_PAGE]
    before = [version_key(kind, fresh(approved_strategy)) for kind in kinds]
    assert "subject to call-in" in str(fresh(approved_strategy).status_label)
    target = fresh(approved_strategy)
    target.cast = approved_strategy.cast
    change(target)
    after = [version_key(kind, fresh(approved_strategy)) for kind in kinds]
    assert after[0] != before[0] and after[1] != before[1]


@pytest.fixture
def approved_workplan(cast, business, approved_strategy):
    workplan = make_workplan(cast, approved_strategy, 2026)
    make_item(cast, workplan, "W1")
    workplan = approve_workplan(cast, business, workplan)
    workplan.cast = cast
    return workplan


def strategy_renamed(workplan):
    edit(workplan.strategy, title="Digital Ashdown, renamed")


def item_renamed(workplan):
    edit(workplan.items.get(reference="W1"), title="A renamed item")


def theme_renamed(workplan):
    edit(Theme.objects.filter(strategy=workplan.strategy).first(), title="Renamed")


@pytest.mark.parametrize(
    "change",
    [
        call_in_period_ends,
        decision_renamed,
        committee_renamed,
        strategy_renamed,
        item_renamed,
        theme_renamed,
    ],
)
def test_the_workplan_appendix_version_follows_what_it_prints(
    approved_workplan, change
):
    kind = workplan_papers.WORKPLAN_APPENDIX
    before = version_key(kind, fresh(approved_workplan))
    change(fresh(approved_workplan))
    assert version_key(kind, fresh(approved_workplan)) != before


def test_the_appendix_prints_subject_to_call_in_until_the_decision_takes_effect(
    approved_workplan,
):
    part = workplan_papers.workplan_appendix_part(fresh(approved_workplan))
    assert part.data["status"] == "Approved, subject to call-in"
    call_in_period_ends(approved_workplan)
    part = workplan_papers.workplan_appendix_part(fresh(approved_workplan))
    assert part.data["status"] == "Approved"


@pytest.fixture
def review(approved_workplan, business):
    review = make_review(approved_workplan.cast, approved_workplan)
    review.meeting = business.meeting
    review.decision = business.published_decision
    review.cast = approved_workplan.cast
    return save_with_reason(review, user=None, reason="Test set-up")


def review_meeting_moved(review):
    edit(review.meeting, venue="The Old Town Hall")


def review_decision_renamed(review):
    edit(review.decision, title="Noted the progress")


def review_strategy_renamed(review):
    strategy_renamed(review.workplan)


def review_item_renamed(review):
    item_renamed(review.workplan)


@pytest.mark.parametrize(
    "change",
    [
        review_meeting_moved,
        review_decision_renamed,
        review_strategy_renamed,
        review_item_renamed,
    ],
)
def test_the_progress_report_version_follows_what_it_prints(review, change):
    kind = workplan_papers.PROGRESS_REPORT
    before = version_key(kind, fresh(review))
    change(fresh(review))
    assert version_key(kind, fresh(review)) != before


def decision_takes_effect(decision):
    DecisionRecord.objects.filter(pk=decision.pk).update(
        takes_effect_at=timezone.now() - timedelta(minutes=1)
    )


def decision_meeting_moved(decision):
    edit(decision.meeting, venue="The Old Town Hall")


def decision_committee_renamed(decision):
    edit(decision.meeting.committee, name="The Executive")


@pytest.mark.parametrize(
    "change",
    [decision_takes_effect, decision_meeting_moved, decision_committee_renamed],
)
def test_the_decision_record_version_follows_what_it_prints(business, change):
    from decisions.papers import DECISION_RECORD

    decision = business.published_decision
    before = version_key(DECISION_RECORD, fresh(decision))
    change(fresh(decision))
    assert version_key(DECISION_RECORD, fresh(decision)) != before


def test_a_draft_and_a_final_paper_have_different_versions(approved_strategy):
    key = version_key(strategy_papers.STRATEGY, fresh(approved_strategy))
    assert key.startswith("final:")
