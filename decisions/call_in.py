"""Call-in deadlines for published executive decisions.

After an executive (Cabinet) decision is published, non-executive councillors
have a call-in period, set by the council's constitution, in which they may
"call in" the decision for scrutiny. The decision cannot be implemented until
the period has ended. This module works out, from the council's rule, the last
moment a call-in can be made and the day the decision takes effect, so that
clerks never have to type (or mistype) either.

Everything here is a pure function of its arguments: no database, no clock.

How the period is counted
-------------------------

A council's rule (`Rule`) says:

* ``days`` -- the length of the period, N (at least 1).
* ``day_kind`` -- ``"working"`` or ``"calendar"`` days.
* ``counted_from`` -- ``"publication"`` or ``"decision"``: which date the count
  starts from (the *start date*).
* ``first_day_counts`` -- whether the start date itself can be day 1.
* ``cut_off`` -- a time of day on the last day (e.g. 17:00), or ``None`` for
  the end of the last day (midnight).
* ``takes_effect`` -- ``"next-day"`` or ``"next-working-day"`` after the last
  day, ``"at-cut-off"`` (at the cut-off on the last day, Salford's
  convention) or ``"last-day"`` (on the last day itself).
* ``region`` -- ``"england-and-wales"``, ``"scotland"`` or
  ``"northern-ireland"``: whose bank holidays are not working days.
* ``closure_days`` -- dates the council is closed (e.g. a Christmas shutdown),
  which are not working days either.
* ``bank_holidays_worked`` -- bank holidays the council works (its offices
  open as usual), which are working days for it after all.

1. The publication date is the date, in UK local time (Europe/London), of the
   moment the decision was published. A decision published at 00:30 BST on
   1 July was published on 1 July, even though that is 23:30 UTC on 30 June.
   The start date is the publication date, or the date of the decision when
   the rule counts from the decision.

2. A *working day* is Monday to Friday, except the bank holidays of the
   council's region (taken from the ``holidays`` package, including substitute
   days and one-off holidays such as the coronation on 8 May 2023) other than
   those the council works, and the council's closure days.

3. Working days:

   * if the first day counts, day 1 is the start date if that is a working
     day, otherwise the first working day after it;
   * if the first day does not count, day 1 is the first working day *after*
     the start date;
   * days 2 to N are the following working days, skipping weekends, bank
     holidays and closure days. The last day is day N.

4. Calendar days: day 1 is the start date (if the first day counts) or the day
   after it; every day counts, including weekends and bank holidays, so the
   last day is day 1 + (N - 1) days.

5. The deadline -- the last moment a call-in can be made -- is the cut-off time
   on the last day, or, with no cut-off, midnight at the end of the last day
   (00:00 on the following day). It is an aware datetime in Europe/London, so
   its UTC offset is right either side of the clock changes (GMT, +00:00, from
   the last Sunday of October; BST, +01:00, from the last Sunday of March).

6. The decision takes effect on the day after the last day ("next-day"), on
   the first working day after the last day ("next-working-day"), or on the
   last day itself ("at-cut-off", "last-day"). It never takes effect before
   the deadline has passed: ``takes_effect_at`` is the later of the start of
   that day and the deadline, so "at-cut-off" takes effect at the cut-off on
   the last day (at midnight at its end when there is no cut-off).

Example: 5 working days, the day of publication counting as day 1, ending at
midnight, in England and Wales. A decision published on Monday 1 October 2007
can be called in until midnight on Friday 5 October 2007 (00:00 on Saturday
6 October); it takes effect on Saturday 6 October 2007, or, if the rule says
the next working day, on Monday 8 October 2007.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from governance.time_of_day import format_time

LONDON = ZoneInfo("Europe/London")

WORKING = "working"
CALENDAR = "calendar"
DAY_KINDS = (WORKING, CALENDAR)

PUBLICATION = "publication"
DECISION = "decision"
COUNTED_FROM = (PUBLICATION, DECISION)

NEXT_DAY = "next-day"
NEXT_WORKING_DAY = "next-working-day"
AT_CUT_OFF = "at-cut-off"
LAST_DAY = "last-day"
TAKES_EFFECT = (NEXT_DAY, NEXT_WORKING_DAY, AT_CUT_OFF, LAST_DAY)

# Region -> subdivision of holidays.UK. England and Wales share their bank
# holidays; the package lists them under both "ENG" and "WLS" (identically:
# a test checks that), and "ENG" is used. Note that holidays.UK *without* a
# subdivision omits Easter Monday and the summer bank holiday, so a
# subdivision must always be given.
REGIONS = {
    "england-and-wales": "ENG",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}

_WEEKDAYS = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_ONE_DAY = timedelta(days=1)


class CallInRuleError(ValueError):
    """An impossible call-in rule, or input the rule cannot be applied to."""


def _check_region(region: str) -> str:
    if region not in REGIONS:
        raise CallInRuleError(
            f"Unknown bank-holiday region {region!r}; expected one of "
            f"{', '.join(REGIONS)}."
        )
    return REGIONS[region]


def _check_date(value, name: str) -> date:
    # A datetime is a date too, but would silently never match a holiday.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise CallInRuleError(f"{name} must be a date, not {value!r}.")
    return value


def _choice(value, allowed: tuple[str, ...], name: str) -> None:
    if value not in allowed:
        raise CallInRuleError(
            f"Unknown {name} {value!r}; expected one of {', '.join(allowed)}."
        )


@dataclass(frozen=True)
class Rule:
    """A council's call-in rule, as its constitution states it.

    The rule is checked when it is made: an impossible rule raises
    `CallInRuleError`. ``closure_days`` may be given as any iterable of dates;
    it is stored as a frozenset.
    """

    days: int
    day_kind: str
    counted_from: str
    first_day_counts: bool
    cut_off: time | None
    takes_effect: str
    region: str
    closure_days: frozenset[date] = frozenset()
    bank_holidays_worked: frozenset[date] = frozenset()

    def __post_init__(self):
        if (
            not isinstance(self.days, int)
            or isinstance(self.days, bool)
            or self.days < 1
        ):
            raise CallInRuleError(
                f"A call-in period must be at least 1 day, not {self.days!r}."
            )
        _choice(self.day_kind, DAY_KINDS, "kind of day")
        _choice(self.counted_from, COUNTED_FROM, "start of the count")
        _choice(self.takes_effect, TAKES_EFFECT, "takes-effect rule")
        _check_region(self.region)
        if not isinstance(self.first_day_counts, bool):
            raise CallInRuleError("first_day_counts must be True or False.")
        if self.cut_off is not None:
            if not isinstance(self.cut_off, time):
                raise CallInRuleError(
                    f"The cut-off must be a time, not {self.cut_off!r}."
                )
            if self.cut_off.tzinfo is not None:
                raise CallInRuleError(
                    "The cut-off is a UK local time and must not carry a time zone."
                )
            if self.cut_off.second or self.cut_off.microsecond:
                raise CallInRuleError("The cut-off must be a whole minute.")
            if self.cut_off == time(0, 0):
                raise CallInRuleError(
                    "A cut-off of 00:00 would end the period before its last day "
                    "began; leave the cut-off empty for midnight at the end of "
                    "the last day."
                )
        for name in ("closure_days", "bank_holidays_worked"):
            try:
                days = frozenset(getattr(self, name))
            except TypeError:
                raise CallInRuleError(
                    f"{name} must be a collection of dates."
                ) from None
            for day in days:
                _check_date(day, f"A date in {name}")
            object.__setattr__(self, name, days)


@dataclass(frozen=True)
class CallInPeriod:
    """The call-in period worked out for one published decision.

    ``first_day`` and ``last_day`` are days 1 and N of the period. ``deadline``
    is the last moment a call-in can be made, an aware datetime in
    Europe/London: the cut-off on the last day, or 00:00 on the day after the
    last day. ``takes_effect_on`` is the day the decision can be implemented,
    ``takes_effect_at`` the moment: the later of the start of that day and
    the deadline.
    """

    first_day: date
    last_day: date
    deadline: datetime
    takes_effect_on: date
    rule: Rule

    @property
    def takes_effect_at(self) -> datetime:
        return takes_effect_moment(self.takes_effect_on, self.deadline)

    def deadline_text(self) -> str:
        """The deadline as a council writes it.

        E.g. "not later than midnight on Friday 5 October 2007", or with a
        cut-off "not later than 5pm on Friday 5 October 2007" ("5:30pm",
        "12 noon"). Midnight is named with the last day, whose end it is.
        """
        if self.rule.cut_off is None:
            moment = "midnight"
        else:
            moment = format_time(self.rule.cut_off)
        return f"not later than {moment} on {format_date(self.last_day)}"

    def takes_effect_text(self) -> str:
        """When the decision takes effect, e.g. "Saturday 6 October 2007", or
        at a cut-off "4pm on Monday 26 September 2022"."""
        return format_moment(self.takes_effect_at)


def takes_effect_moment(takes_effect_on: date, deadline: datetime | None) -> datetime:
    """The moment a decision taking effect on ``takes_effect_on`` does: the
    start of that day in Europe/London, or the call-in ``deadline`` if that
    is later (a decision never takes effect while it can still be called in).
    """
    start = datetime.combine(takes_effect_on, time(0, 0), tzinfo=LONDON)
    if deadline is not None and deadline > start:
        return deadline.astimezone(LONDON)
    return start


def format_moment(moment: datetime) -> str:
    """A moment as a council writes it: "Saturday 6 October 2007" at the
    start of a day, "4pm on Monday 26 September 2022" otherwise, and
    "midnight on Friday 5 October 2007" for the end of a day."""
    local = moment.astimezone(LONDON)
    if local.time() == time(0, 0):
        return format_date(local.date())
    return f"{format_time(local.time())} on {format_date(local.date())}"


def format_date(day: date) -> str:
    """A date as a council writes it: "Friday 5 October 2007".

    The names are spelt out here rather than taken from ``strftime`` so that
    the server's locale cannot change them.
    """
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


@lru_cache(maxsize=256)
def _bank_holidays(region: str, year: int) -> tuple[tuple[date, str], ...]:
    subdivision = _check_region(region)
    return tuple(sorted(holidays.UK(subdiv=subdivision, years=year).items()))


def bank_holidays(region: str, year: int) -> dict[date, str]:
    """The bank holidays of ``region`` in ``year``, date -> name.

    Taken from the ``holidays`` package (``holidays.UK`` with subdivision ENG
    for England and Wales, SCT for Scotland, NIR for Northern Ireland), so it
    includes substitute days ("Boxing Day (observed)") and one-off holidays
    (the coronation, 8 May 2023). Where a holiday falls at a weekend the
    package lists the weekend date as well as the substitute weekday; the
    weekend date makes no difference to counting working days.

    The package is consulted once per (region, year) and the answer cached;
    each call returns a fresh dict, so changing it does not change the cache.
    Raises `CallInRuleError` for an unknown region.
    """
    return dict(_bank_holidays(region, year))


def is_working_day(
    day: date, region: str, closure_days=frozenset(), bank_holidays_worked=frozenset()
) -> bool:
    """Whether ``day`` is a working day for a council in ``region``.

    A working day is Monday to Friday, not a bank holiday of the region
    (unless it is one of the ``bank_holidays_worked`` by the council), and
    not one of the council's ``closure_days``.
    """
    _check_date(day, "The day")
    _check_region(region)
    return (
        day.weekday() < 5
        and day not in closure_days
        and (
            day in bank_holidays_worked
            or day not in _bank_holiday_dates(region, day.year)
        )
    )


def is_bank_holiday(day: date, region: str) -> bool:
    """Whether ``day`` is a bank holiday of ``region`` on a weekday."""
    _check_date(day, "The day")
    return day.weekday() < 5 and day in _bank_holiday_dates(region, day.year)


@lru_cache(maxsize=256)
def _bank_holiday_dates(region: str, year: int) -> frozenset[date]:
    return frozenset(day for day, _name in _bank_holidays(region, year))


def _working_day_on_or_after(day: date, rule: Rule) -> date:
    while not is_working_day(
        day, rule.region, rule.closure_days, rule.bank_holidays_worked
    ):
        day += _ONE_DAY
    return day


def call_in_period(
    published_at: datetime, decided_on: date, rule: Rule
) -> CallInPeriod:
    """Work out the call-in period for a decision under ``rule``.

    ``published_at`` is the moment the decision was published and must be
    timezone-aware; its date in Europe/London is the publication date.
    ``decided_on`` is the date the decision was made; it is the start date
    when the rule counts from the decision, and may not be later than the
    publication date. The counting is described in this module's docstring.

    Raises `CallInRuleError` for a naive or non-datetime ``published_at``, a
    ``decided_on`` that is not a date or is after publication, or an impossible
    rule.
    """
    if not isinstance(published_at, datetime):
        raise CallInRuleError(f"published_at must be a datetime, not {published_at!r}.")
    if published_at.tzinfo is None or published_at.utcoffset() is None:
        raise CallInRuleError(
            "published_at must be timezone-aware; a naive time is ambiguous "
            "across the clock changes."
        )
    _check_date(decided_on, "decided_on")
    if not isinstance(rule, Rule):
        raise CallInRuleError(f"rule must be a Rule, not {rule!r}.")

    published_on = published_at.astimezone(LONDON).date()
    if decided_on > published_on:
        raise CallInRuleError(
            f"The decision ({decided_on}) cannot be made after it was published "
            f"({published_on})."
        )
    start = decided_on if rule.counted_from == DECISION else published_on

    if rule.day_kind == WORKING:
        first_day = _working_day_on_or_after(
            start if rule.first_day_counts else start + _ONE_DAY, rule
        )
        last_day = first_day
        for _ in range(rule.days - 1):
            last_day = _working_day_on_or_after(last_day + _ONE_DAY, rule)
    else:
        first_day = start if rule.first_day_counts else start + _ONE_DAY
        last_day = first_day + timedelta(days=rule.days - 1)

    return _ending(first_day, last_day, rule.cut_off, rule)


def _ending(first_day: date, last_day: date, cut_off, rule: Rule) -> CallInPeriod:
    if cut_off is None:
        deadline = datetime.combine(last_day + _ONE_DAY, time(0, 0), tzinfo=LONDON)
    else:
        deadline = datetime.combine(last_day, cut_off, tzinfo=LONDON)

    if rule.takes_effect == NEXT_DAY:
        takes_effect_on = last_day + _ONE_DAY
    elif rule.takes_effect == NEXT_WORKING_DAY:
        takes_effect_on = _working_day_on_or_after(last_day + _ONE_DAY, rule)
    else:
        takes_effect_on = last_day

    return CallInPeriod(
        first_day=first_day,
        last_day=last_day,
        deadline=deadline,
        takes_effect_on=takes_effect_on,
        rule=rule,
    )


def period_ending_on(
    period: CallInPeriod, last_day: date, cut_off: time | None
) -> CallInPeriod:
    """``period`` with another last day and cut-off, as a clerk sets them
    when overriding one decision's deadline (the rule's own count is set
    aside for it). It takes effect as the rule says, counted from the new
    last day. Raises `CallInRuleError` for a last day before the first, or
    a cut-off of 00:00."""
    _check_date(last_day, "The last day")
    if last_day < period.first_day:
        raise CallInRuleError(
            f"The last day for call-in cannot be before its first day "
            f"({format_date(period.first_day)})."
        )
    if cut_off is not None and cut_off == time(0, 0):
        raise CallInRuleError(
            "Leave the time empty for midnight at the end of the last day."
        )
    return _ending(period.first_day, last_day, cut_off, period.rule)


def describe_rule(rule: Rule) -> str:
    """The rule in plain English, for a council to check against its constitution.

    E.g. "5 working days from publication, the day of publication counting as
    day 1, ending at midnight; the decision takes effect on the next working
    day", or "3 calendar days after the decision, not counting the day of the
    decision, ending at 5pm on the last day; the decision takes effect on the
    next day". The region and closure days are not described.
    """
    unit = "working day" if rule.day_kind == WORKING else "calendar day"
    length = f"{rule.days} {unit}{'' if rule.days == 1 else 's'}"
    event = "publication" if rule.counted_from == PUBLICATION else "the decision"
    if rule.first_day_counts:
        count = f"from {event}, the day of {event} counting as day 1"
    else:
        count = f"after {event}, not counting the day of {event}"
    if rule.cut_off is None:
        ending = "ending at midnight"
    else:
        ending = f"ending at {format_time(rule.cut_off)} on the last day"
    effect = {
        NEXT_DAY: "on the next day",
        NEXT_WORKING_DAY: "on the next working day",
        AT_CUT_OFF: "at the cut-off on the last day"
        if rule.cut_off
        else "at midnight at the end of the last day",
        LAST_DAY: "on the last day",
    }[rule.takes_effect]
    return f"{length} {count}, {ending}; the decision takes effect {effect}"
