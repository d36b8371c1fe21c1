"""The demo's dates follow the day it is loaded for (`load_demo --today`):
whatever the day (the first or last day of a financial year, a weekend, a
bank holiday, Christmas Eve), a fresh demo shows a decision in its call-in
period (its deadline set by the council's own call-in rule, through the
product's publishing step), older decisions that have taken effect, and
meetings both past and to come."""

import io
from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from decisions.call_in import LONDON
from decisions.choices import DecisionStatus, MeetingStatus
from decisions.models import DecisionRecord, Meeting
from governance.events import Event

DAYS = [
    date(2026, 4, 1),  # the first day of a financial year (a Wednesday)
    date(2026, 3, 31),  # the last day of one (a Tuesday)
    date(2026, 8, 15),  # a Saturday in August
    date(2025, 12, 24),  # Christmas Eve, before the bank holidays
    date(2026, 5, 4),  # a bank holiday Monday
]


def load(today):
    call_command(
        "load_demo",
        password="x",
        force=True,
        today=today,
        stdout=io.StringIO(),
    )


@pytest.mark.slow  # a whole demo per day: about ten seconds each
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


def test_load_demo_refuses_a_day_in_the_future(db):
    with pytest.raises(CommandError, match="future"):
        load(timezone.localdate() + timedelta(days=1))
