"""The call-in deadline and the day a published decision takes effect.

Every bank-holiday date relied on here was checked against the `holidays`
package (0.109) before being written down; the tests below also assert the
ones that matter, so a change in the package shows up as a failure here.
"""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import holidays
import pytest

from decisions.call_in import (
    LONDON,
    CallInRuleError,
    Rule,
    bank_holidays,
    call_in_period,
    describe_rule,
    is_working_day,
)

FIVE_WORKING_DAYS = Rule(
    days=5,
    day_kind="working",
    counted_from="publication",
    first_day_counts=True,
    cut_off=None,
    takes_effect="next-day",
    region="england-and-wales",
)


def rule(**changes):
    """Five working days from publication in England and Wales, with changes."""
    return replace(FIVE_WORKING_DAYS, **changes)


def published(*args):
    """A publication moment in UK local time."""
    return datetime(*args, tzinfo=LONDON)


def period(published_at, the_rule, decided_on=None):
    """The call-in period, the decision taken on the day of publication."""
    if decided_on is None:
        decided_on = published_at.astimezone(LONDON).date()
    return call_in_period(published_at, decided_on, the_rule)


# The basic rule -------------------------------------------------------------


def test_five_working_days_counting_publication_day_ends_midnight_friday():
    result = period(published(2007, 10, 1, 10, 0), rule())

    assert result.first_day == date(2007, 10, 1)
    assert result.last_day == date(2007, 10, 5)
    assert result.deadline == datetime(2007, 10, 6, 0, 0, tzinfo=LONDON)
    assert result.deadline.tzinfo is LONDON
    assert result.deadline.utcoffset() == timedelta(hours=1)
    assert result.deadline_text() == "not later than midnight on Friday 5 October 2007"
    assert result.takes_effect_on == date(2007, 10, 6)
    assert result.takes_effect_text() == "Saturday 6 October 2007"
    assert result.rule == rule()


def test_five_working_days_after_publication_ends_on_the_monday():
    result = period(published(2007, 10, 1, 10, 0), rule(first_day_counts=False))

    assert result.first_day == date(2007, 10, 2)
    assert result.last_day == date(2007, 10, 8)
    assert result.deadline == datetime(2007, 10, 9, 0, 0, tzinfo=LONDON)
    assert result.deadline_text() == "not later than midnight on Monday 8 October 2007"


@pytest.mark.parametrize(
    ("first_day_counts", "last_day"),
    [(True, date(2007, 10, 12)), (False, date(2007, 10, 12))],
)
def test_publication_on_a_saturday_makes_the_monday_day_one(first_day_counts, last_day):
    result = period(
        published(2007, 10, 6, 11, 0), rule(first_day_counts=first_day_counts)
    )

    assert result.first_day == date(2007, 10, 8)
    assert result.last_day == last_day


def test_the_publication_date_is_the_date_in_london_not_in_utc():
    # 23:30 UTC on Tuesday 30 June 2026 is 00:30 BST on Wednesday 1 July.
    result = period(datetime(2026, 6, 30, 23, 30, tzinfo=UTC), rule())

    assert result.first_day == date(2026, 7, 1)
    assert result.last_day == date(2026, 7, 7)


def test_a_one_day_period_ends_on_the_day_of_publication():
    result = period(published(2007, 10, 1, 10, 0), rule(days=1))

    assert result.first_day == result.last_day == date(2007, 10, 1)


# Counting from the decision --------------------------------------------------


def test_counting_from_the_decision_starts_on_the_decision_date_not_publication():
    decided = date(2007, 10, 1)  # Monday
    published_at = published(2007, 10, 3, 9, 0)  # Wednesday

    from_decision = call_in_period(published_at, decided, rule(counted_from="decision"))
    from_publication = call_in_period(published_at, decided, rule())

    assert from_decision.first_day == date(2007, 10, 1)
    assert from_decision.last_day == date(2007, 10, 5)
    assert from_publication.first_day == date(2007, 10, 3)
    assert from_publication.last_day == date(2007, 10, 9)


# Bank holidays and closure days ----------------------------------------------


def test_the_holidays_package_has_the_christmas_2026_dates_relied_on():
    england = bank_holidays("england-and-wales", 2026) | bank_holidays(
        "england-and-wales", 2027
    )
    scotland = bank_holidays("scotland", 2027)

    assert date(2026, 12, 25).weekday() == 4  # Friday
    assert england[date(2026, 12, 25)] == "Christmas Day"
    assert england[date(2026, 12, 28)] == "Boxing Day (observed)"
    assert england[date(2027, 1, 1)] == "New Year's Day"
    assert date(2027, 1, 4) not in england
    # 2 January 2027 is a Saturday, so Scotland has Monday 4 January instead.
    assert scotland[date(2027, 1, 4)] == "New Year Holiday (observed)"


@pytest.mark.parametrize(
    ("region", "last_day", "takes_effect_on"),
    [
        # Tue 22, Wed 23, Thu 24 Dec; Fri 25 Christmas; Mon 28 Boxing Day
        # (substitute); 29-31 closed; Fri 1 Jan; Mon 4, Tue 5 Jan.
        ("england-and-wales", date(2027, 1, 5), date(2027, 1, 6)),
        ("northern-ireland", date(2027, 1, 5), date(2027, 1, 6)),
        # Scotland also has Monday 4 January 2027 off.
        ("scotland", date(2027, 1, 6), date(2027, 1, 7)),
    ],
)
def test_a_period_over_christmas_skips_bank_holidays_and_the_council_shutdown(
    region, last_day, takes_effect_on
):
    shutdown = frozenset({date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)})
    result = period(
        published(2026, 12, 22, 10, 0),
        rule(region=region, closure_days=shutdown, takes_effect="next-working-day"),
    )

    assert result.first_day == date(2026, 12, 22)
    assert result.last_day == last_day
    assert result.deadline == datetime.combine(
        last_day + timedelta(days=1), time(0, 0), tzinfo=LONDON
    )
    assert result.deadline.utcoffset() == timedelta(0)
    assert result.takes_effect_on == takes_effect_on


def test_without_the_shutdown_the_christmas_period_ends_on_30_december():
    result = period(published(2026, 12, 22, 10, 0), rule())

    assert result.last_day == date(2026, 12, 30)
    assert result.deadline_text() == (
        "not later than midnight on Wednesday 30 December 2026"
    )


def test_closure_days_may_be_given_as_a_list():
    the_rule = rule(closure_days=[date(2026, 12, 29)])

    assert the_rule.closure_days == frozenset({date(2026, 12, 29)})
    assert not is_working_day(
        date(2026, 12, 29), "england-and-wales", [date(2026, 12, 29)]
    )


def test_the_holidays_package_has_the_easter_2026_dates_relied_on():
    assert bank_holidays("england-and-wales", 2026)[date(2026, 4, 3)] == "Good Friday"
    assert bank_holidays("england-and-wales", 2026)[date(2026, 4, 6)] == (
        "Easter Monday"
    )
    assert bank_holidays("northern-ireland", 2026)[date(2026, 4, 6)] == (
        "Easter Monday"
    )
    assert bank_holidays("scotland", 2026)[date(2026, 4, 3)] == "Good Friday"
    assert date(2026, 4, 6) not in bank_holidays("scotland", 2026)


@pytest.mark.parametrize(
    ("region", "last_day"),
    [
        # Wed 1, Thu 2; Good Friday 3; Easter Monday 6; Tue 7, Wed 8, Thu 9.
        ("england-and-wales", date(2026, 4, 9)),
        ("northern-ireland", date(2026, 4, 9)),
        # Scotland works on Easter Monday: Wed 1, Thu 2, Mon 6, Tue 7, Wed 8.
        ("scotland", date(2026, 4, 8)),
    ],
)
def test_easter_monday_is_a_working_day_in_scotland_only(region, last_day):
    result = period(published(2026, 4, 1, 10, 0), rule(region=region))

    assert result.last_day == last_day


@pytest.mark.parametrize(
    ("region", "last_day"),
    [
        # Wed 31 Dec; Thu 1 Jan holiday; Fri 2, Mon 5, Tue 6, Wed 7 Jan.
        ("england-and-wales", date(2026, 1, 7)),
        # Friday 2 January is a bank holiday in Scotland: Wed 31, Mon 5 .. Thu 8.
        ("scotland", date(2026, 1, 8)),
    ],
)
def test_2_january_is_a_bank_holiday_in_scotland_but_not_england(region, last_day):
    assert bank_holidays("scotland", 2026)[date(2026, 1, 2)] == "New Year Holiday"
    assert date(2026, 1, 2) not in bank_holidays("england-and-wales", 2026)

    result = period(published(2025, 12, 31, 10, 0), rule(region=region))

    assert result.last_day == last_day


@pytest.mark.parametrize(
    "region", ["england-and-wales", "scotland", "northern-ireland"]
)
def test_the_coronation_bank_holiday_on_8_may_2023_is_skipped(region):
    assert bank_holidays(region, 2023)[date(2023, 5, 8)] == "Coronation of Charles III"
    assert not is_working_day(date(2023, 5, 8), region)

    # Thu 4, Fri 5; Mon 8 coronation; Tue 9, Wed 10, Thu 11 May 2023.
    result = period(published(2023, 5, 4, 10, 0), rule(region=region))

    assert result.last_day == date(2023, 5, 11)


def test_england_and_wales_use_the_welsh_bank_holidays_too():
    # The package lists England and Wales separately; they must agree, and
    # neither may be the subdivision-less UK list, which lacks Easter Monday.
    for year in range(2000, 2041):
        ours = bank_holidays("england-and-wales", year)
        assert ours == dict(holidays.UK(subdiv="WLS", years=year))
        assert ours == dict(holidays.UK(subdiv="ENG", years=year))
    assert "Easter Monday" in bank_holidays("england-and-wales", 2026).values()
    assert (
        "Late Summer Bank Holiday" in bank_holidays("england-and-wales", 2026).values()
    )


def test_changing_the_bank_holidays_returned_does_not_change_the_next_answer():
    first = bank_holidays("england-and-wales", 2026)
    first.clear()

    assert date(2026, 12, 25) in bank_holidays("england-and-wales", 2026)


@pytest.mark.parametrize(
    ("day", "closure_days", "expected"),
    [
        (date(2026, 12, 24), frozenset(), True),  # Thursday
        (date(2026, 12, 25), frozenset(), False),  # Christmas Day
        (date(2026, 12, 26), frozenset(), False),  # Saturday
        (date(2026, 12, 27), frozenset(), False),  # Sunday
        (date(2026, 12, 28), frozenset(), False),  # Boxing Day (substitute)
        (date(2026, 12, 29), frozenset(), True),  # Tuesday
        (date(2026, 12, 29), frozenset({date(2026, 12, 29)}), False),  # closed
    ],
)
def test_a_working_day_is_a_weekday_not_a_bank_holiday_nor_a_closure_day(
    day, closure_days, expected
):
    assert is_working_day(day, "england-and-wales", closure_days) is expected


# Clock changes -------------------------------------------------------------


def test_a_cut_off_after_the_clocks_go_forward_is_in_bst():
    # Clocks go forward on Sunday 29 March 2026. Thu 26, Fri 27, Mon 30,
    # Tue 31 March, Wed 1 April.
    result = period(datetime(2026, 3, 26, 10, 0, tzinfo=UTC), rule(cut_off=time(17, 0)))

    assert result.last_day == date(2026, 4, 1)
    assert result.deadline == datetime(2026, 4, 1, 17, 0, tzinfo=LONDON)
    assert result.deadline.utcoffset() == timedelta(hours=1)
    assert result.deadline.astimezone(UTC) == datetime(2026, 4, 1, 16, 0, tzinfo=UTC)
    assert result.deadline_text() == "not later than 5pm on Wednesday 1 April 2026"


def test_a_cut_off_after_the_clocks_go_back_is_in_gmt():
    # Clocks go back on Sunday 25 October 2026. Thu 22, Fri 23, Mon 26,
    # Tue 27, Wed 28 October.
    result = period(datetime(2026, 10, 22, 9, 0, tzinfo=UTC), rule(cut_off=time(17, 0)))

    assert result.last_day == date(2026, 10, 28)
    assert result.deadline.utcoffset() == timedelta(0)
    assert result.deadline.astimezone(UTC) == datetime(2026, 10, 28, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("published_on", "last_day", "deadline_utc", "offset"),
    [
        # Midnight at the end of Saturday 28 March 2026 is still GMT: the
        # clocks go forward at 01:00 GMT on Sunday 29 March.
        (
            date(2026, 3, 22),
            date(2026, 3, 28),
            datetime(2026, 3, 29, 0, 0, tzinfo=UTC),
            timedelta(0),
        ),
        # Midnight at the end of Saturday 24 October 2026 is still BST: the
        # clocks go back at 02:00 BST on Sunday 25 October.
        (
            date(2026, 10, 18),
            date(2026, 10, 24),
            datetime(2026, 10, 24, 23, 0, tzinfo=UTC),
            timedelta(hours=1),
        ),
    ],
)
def test_midnight_on_the_eve_of_a_clock_change_has_the_old_offset(
    published_on, last_day, deadline_utc, offset
):
    result = period(
        datetime.combine(published_on, time(10, 0), tzinfo=LONDON),
        rule(days=7, day_kind="calendar"),
    )

    assert result.last_day == last_day
    assert result.deadline.utcoffset() == offset
    assert result.deadline.astimezone(UTC) == deadline_utc


# Calendar days -------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_day_counts", "first_day", "last_day", "takes_effect_on"),
    [
        # Mon 1 .. Sun 7 October 2007; takes effect Monday 8.
        (True, date(2007, 10, 1), date(2007, 10, 7), date(2007, 10, 8)),
        # Tue 2 .. Mon 8 October 2007; takes effect Tuesday 9.
        (False, date(2007, 10, 2), date(2007, 10, 8), date(2007, 10, 9)),
    ],
)
def test_seven_calendar_days_count_the_weekend(
    first_day_counts, first_day, last_day, takes_effect_on
):
    result = period(
        published(2007, 10, 1, 10, 0),
        rule(
            days=7,
            day_kind="calendar",
            first_day_counts=first_day_counts,
            takes_effect="next-working-day",
        ),
    )

    assert result.first_day == first_day
    assert result.last_day == last_day
    assert result.takes_effect_on == takes_effect_on


def test_calendar_days_count_bank_holidays_but_the_decision_waits_for_a_working_day():
    # Wed 23 Dec 2026 .. Fri 1 Jan 2027 (New Year's Day) is 10 calendar days.
    result = period(
        published(2026, 12, 22, 10, 0),
        rule(
            days=10,
            day_kind="calendar",
            first_day_counts=False,
            takes_effect="next-working-day",
        ),
    )

    assert result.first_day == date(2026, 12, 23)
    assert result.last_day == date(2027, 1, 1)
    assert result.takes_effect_on == date(2027, 1, 4)
    assert result.takes_effect_text() == "Monday 4 January 2027"


# When the decision takes effect -----------------------------------------------


@pytest.mark.parametrize(
    ("published_at", "takes_effect", "last_day", "takes_effect_on", "text"),
    [
        (
            published(2007, 10, 1, 10, 0),
            "next-day",
            date(2007, 10, 5),
            date(2007, 10, 6),
            "Saturday 6 October 2007",
        ),
        (
            published(2007, 10, 1, 10, 0),
            "next-working-day",
            date(2007, 10, 5),
            date(2007, 10, 8),
            "Monday 8 October 2007",
        ),
        # Monday 28 May 2007 is the spring bank holiday.
        (
            published(2007, 5, 21, 10, 0),
            "next-day",
            date(2007, 5, 25),
            date(2007, 5, 26),
            "Saturday 26 May 2007",
        ),
        (
            published(2007, 5, 21, 10, 0),
            "next-working-day",
            date(2007, 5, 25),
            date(2007, 5, 29),
            "Tuesday 29 May 2007",
        ),
    ],
)
def test_the_decision_takes_effect_the_next_day_or_the_next_working_day(
    published_at, takes_effect, last_day, takes_effect_on, text
):
    assert bank_holidays("england-and-wales", 2007)[date(2007, 5, 28)] == (
        "Spring Bank Holiday"
    )

    result = period(published_at, rule(takes_effect=takes_effect))

    assert result.last_day == last_day
    assert result.takes_effect_on == takes_effect_on
    assert result.takes_effect_text() == text


# Wording -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cut_off", "text"),
    [
        (None, "not later than midnight on Friday 5 October 2007"),
        (time(17, 0), "not later than 5pm on Friday 5 October 2007"),
        (time(17, 30), "not later than 5:30pm on Friday 5 October 2007"),
        (time(12, 0), "not later than 12 noon on Friday 5 October 2007"),
        (time(12, 15), "not later than 12:15pm on Friday 5 October 2007"),
        (time(9, 0), "not later than 9am on Friday 5 October 2007"),
        (time(9, 5), "not later than 9:05am on Friday 5 October 2007"),
    ],
)
def test_the_deadline_is_written_as_a_council_writes_it(cut_off, text):
    result = period(published(2007, 10, 1, 10, 0), rule(cut_off=cut_off))

    assert result.deadline_text() == text
    if cut_off is not None:
        assert result.deadline == datetime.combine(
            date(2007, 10, 5), cut_off, tzinfo=LONDON
        )


def test_describe_rule_reads_naturally_for_the_usual_rule():
    assert describe_rule(rule(takes_effect="next-working-day")) == (
        "5 working days from publication, the day of publication counting as "
        "day 1, ending at midnight; the decision takes effect on the next "
        "working day"
    )


def test_describe_rule_reads_naturally_for_calendar_days_from_the_decision():
    the_rule = rule(
        days=1,
        day_kind="calendar",
        counted_from="decision",
        first_day_counts=False,
        cut_off=time(17, 30),
    )

    assert describe_rule(the_rule) == (
        "1 calendar day after the decision, not counting the day of the "
        "decision, ending at 5:30pm on the last day; the decision takes effect "
        "on the next day"
    )


# Impossible rules and input --------------------------------------------------


def test_a_naive_publication_time_is_refused():
    with pytest.raises(CallInRuleError, match="timezone-aware"):
        call_in_period(datetime(2007, 10, 1, 10, 0), date(2007, 10, 1), rule())


def test_a_publication_date_without_a_time_is_refused():
    with pytest.raises(CallInRuleError):
        call_in_period(date(2007, 10, 1), date(2007, 10, 1), rule())


def test_a_decision_after_its_publication_is_refused():
    with pytest.raises(CallInRuleError, match="after it was published"):
        call_in_period(published(2007, 10, 1, 10, 0), date(2007, 10, 2), rule())


@pytest.mark.parametrize(
    "changes",
    [
        {"days": 0},
        {"days": -5},
        {"days": True},
        {"days": 5.0},
        {"day_kind": "business"},
        {"counted_from": "meeting"},
        {"takes_effect": "immediately"},
        {"region": "wales"},
        {"region": "ENG"},
        {"first_day_counts": "yes"},
        {"cut_off": "17:00"},
        {"cut_off": time(0, 0)},
        {"cut_off": time(17, 0, 30)},
        {"cut_off": time(17, 0, tzinfo=UTC)},
        {"closure_days": frozenset({datetime(2026, 12, 29, 9, 0)})},
        {"closure_days": 5},
    ],
    ids=repr,
)
def test_an_impossible_rule_is_refused(changes):
    with pytest.raises(CallInRuleError):
        rule(**changes)


def test_an_unknown_region_is_refused_everywhere():
    with pytest.raises(CallInRuleError, match="Unknown bank-holiday region"):
        bank_holidays("wales", 2026)
    with pytest.raises(CallInRuleError, match="Unknown bank-holiday region"):
        is_working_day(date(2026, 12, 29), "wales")


def test_the_error_is_a_value_error():
    assert issubclass(CallInRuleError, ValueError)
