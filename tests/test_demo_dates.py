"""The demo's dates follow the day it is loaded for (`load_demo --today`):
whatever the day (the first or last day of a financial year, a weekend in
August, Christmas Eve), a fresh demo shows a decision in its call-in period
(its deadline set by the council's own call-in rule, through the product's
publishing step), older decisions that have taken effect, meetings both past
and to come, a strategy in force, an approved workplan for the financial
year, an open review with updates given and due, overdue items, and nothing
that happened dated after that day."""

import io
from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from decisions.call_in import LONDON
from decisions.choices import DecisionStatus, MeetingStatus
from decisions.models import DecisionRecord, Meeting
from governance.demo import story_years
from governance.events import Event
from governance.lifecycle import ApprovedVersion, LifecycleStatus, MinorAmendment
from strategy.models import Strategy
from workplan.models import (
    Milestone,
    ProgressUpdate,
    Review,
    Variation,
    Workplan,
    WorkplanItem,
)

DAYS = [
    date(2026, 4, 1),  # the first day of a financial year (a Wednesday)
    date(2026, 3, 31),  # the last day of one (a Tuesday): the year-end review
    date(2026, 8, 15),  # a Saturday in August: last year's year-end review
    date(2025, 12, 24),  # Christmas Eve: this year's mid-year review
]
IN_FORCE = (LifecycleStatus.APPROVED, LifecycleStatus.REVIEW)


def load(today):
    call_command(
        "load_demo",
        password="x",
        force=True,
        today=today,
        stdout=io.StringIO(),
    )


@pytest.mark.long  # a whole demo per day: about fifteen seconds each
@pytest.mark.parametrize("today", DAYS, ids=str)
def test_the_demo_loaded_on_any_day_is_current_on_that_day(db, today):
    load(today)
    # The end of that day, and midday on it.
    end_of_day = datetime.combine(today + timedelta(days=1), time(0), LONDON)
    midday = datetime.combine(today, time(12), LONDON)
    decisions = list(
        DecisionRecord.objects.filter(organisation__slug="ashcombe").exclude(
            published_at=None
        )
    )
    published = [d for d in decisions if d.status != DecisionStatus.DRAFT]

    # Published in the last few days, through the publishing step, and
    # still open to call-in after that day ends.
    recent = [
        d
        for d in published
        if today - timedelta(days=5)
        <= timezone.localdate(d.published_at, LONDON)
        < today
    ]
    open_ones = [
        d
        for d in recent
        if d.status == DecisionStatus.PUBLISHED  # not the one called in
        and d.call_in_deadline is not None
        and d.call_in_deadline > end_of_day
    ]
    assert open_ones, today
    for decision in open_ones:
        assert decision.call_in_open(now=midday), decision
        assert Event.objects.for_record(decision).filter(transition="publish")
    # Older decisions whose call-in period has ended.
    ended = [
        d
        for d in published
        if d.call_in_deadline is not None and d.call_in_deadline <= midday
    ]
    assert len(ended) >= 3, today
    assert any(d.current_status(now=midday) == DecisionStatus.EFFECTIVE for d in ended)

    # Meetings held before that day, and meetings in the weeks after it.
    meetings = list(Meeting.objects.filter(committee__organisation__slug="ashcombe"))
    days = {m: timezone.localdate(m.starts_at, LONDON) for m in meetings}
    assert any(today - timedelta(days=42) <= day < today for day in days.values())
    assert any(today <= day <= today + timedelta(days=42) for day in days.values())
    for meeting, day in days.items():
        if day < today:
            assert meeting.status == MeetingStatus.HELD, meeting
        elif day > today:
            assert meeting.status == MeetingStatus.SCHEDULED, meeting

    the_strategy_and_workplans_are_current(today)
    nothing_that_happened_is_dated_after(today)


def the_strategy_and_workplans_are_current(today):
    years = story_years(today)
    # A strategy in force whose period includes the financial year.
    assert Strategy.objects.filter(
        organisation__slug="ashcombe",
        status__in=IN_FORCE,
        period_start_year__lte=years.plan,
        period_end_year__gte=years.plan,
    ).exists(), today
    # The workplan of the financial year containing the day, approved.
    plan = Workplan.objects.get(
        organisation__slug="ashcombe", financial_year=years.plan
    )
    assert plan.status in IN_FORCE, today
    assert plan.approved_on < date(years.plan, 4, 1) <= today
    assert plan.title.endswith(f"{years.plan}–{years.plan + 1}")
    # An open review (this year's, or last year's until this year's first
    # is due) with some updates given and some still due.
    (review,) = Review.objects.filter(
        workplan__organisation__slug="ashcombe", status=Review.Status.OPEN
    )
    assert review.workplan.financial_year in (years.plan, years.plan - 1)
    assert review.opened_on <= today
    items = WorkplanItem.objects.filter(workplan=review.workplan).in_the_plan()
    given = items.filter(updates__review=review).count()
    assert 0 < given < items.count(), today
    # Overdue items (this year's from June, when its first targets pass;
    # before then, last year's unfinished items).
    overdue = WorkplanItem.objects.filter(
        workplan__organisation__slug="ashcombe", workplan__status__in=IN_FORCE
    ).overdue(today)
    assert overdue.exists(), today
    if today >= date(years.plan, 6, 1):
        assert overdue.filter(workplan=plan).exists(), today
    if today >= date(years.plan, 4, 8):
        assert not plan.items.overdue(today).filter(delivery_status="complete")
        # Under way: some items started, none finished before it began.
        assert plan.items.exclude(delivery_status="not-started").exists()


def nothing_that_happened_is_dated_after(today):
    assert not Event.objects.filter(happened_on__gt=today)
    assert not ApprovedVersion.objects.filter(approved_on__gt=today)
    assert not DecisionRecord.objects.exclude(published_at=None).filter(
        decision_date__gt=today
    )
    assert not DecisionRecord.objects.filter(
        published_at__date__gt=today + timedelta(days=1)
    )
    assert not Review.objects.filter(opened_on__gt=today)
    assert not Review.objects.filter(reported_on__gt=today)
    assert not ProgressUpdate.objects.filter(as_at__gt=today)
    assert not Variation.objects.filter(agreed_on__gt=today)
    assert not MinorAmendment.objects.filter(made_on__gt=today)
    assert not Milestone.objects.filter(done=True, due__gt=today)
    for model in (Strategy, Workplan, WorkplanItem):
        assert not model.objects.filter(approved_on__gt=today), model


def test_load_demo_refuses_a_day_in_the_future(db):
    with pytest.raises(CommandError, match="future"):
        load(timezone.localdate() + timedelta(days=1))
