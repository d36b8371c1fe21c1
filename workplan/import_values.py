"""Values as councils write them in their spreadsheets, read into the
record's fields without inventing anything.

Each reader takes a cell as read (text, a number, a date) and returns a
`Reading`: the value for the field, what to keep as written beside it (a
date given as "2020/21" is stored as 31 March 2021 and shown as "2020/21"),
and a warning when the reading is a guess the officer should see. A value
that cannot be read raises `Unreadable` with the sentence to show.

    read_date("Q3 2022/23", end=True)   # 31 Dec 2022, kept as "Q3 2022/23"
    read_status("went live in 2020")    # Complete, warned as a reading
    read_rag("G")                        # Green
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .choices import DeliveryStatus, Rag

#: The longest text a date column keeps as written (`*_as_written`).
AS_WRITTEN_MAX = 60


class Unreadable(Exception):
    """The cell cannot be read for its field; `str(exc)` says why."""


@dataclass(frozen=True)
class Reading:
    value: object
    as_written: str = ""
    warning: str = ""


def norm(text):
    """Text as compared: case, dashes, quotes and spacing made uniform."""
    text = str(text).casefold()
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[\u2013\u2014_-]", " ", text)
    return " ".join(text.split())


def cell_text(value):
    """A cell as text: numbers without a needless ".0", dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


# --- dates ----------------------------------------------------------------------------

_MONTHS = {}
for _number in range(1, 13):
    _MONTHS[calendar.month_name[_number].casefold()] = _number
    _MONTHS[calendar.month_abbr[_number].casefold()] = _number
_MONTHS["sept"] = 9

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
_D_MONTH_Y = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s-]+([a-z]+)\.?,?[\s-]+(\d{4})$")
_MONTH_Y = re.compile(r"^([a-z]+)\.?[\s/-]+(\d{2}|\d{4})$")
_FINANCIAL_YEAR = re.compile(r"^(?:fy\s*)?(\d{4}|\d{2})\s*[/-]\s*(\d{2}|\d{4})$")
_QUARTER = re.compile(
    r"^q([1-4])\s*(?:of\s*)?(?:fy\s*)?(\d{4})(?:\s*[/-]\s*(\d{2}|\d{4}))?$"
)
_YEAR = re.compile(r"^(\d{4})$")
#: Text that is trying to be a date (digits and separators only).
_DATE_LIKE = re.compile(r"^[\d\s/.-]+$")


def _full_year(text):
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def _financial_year_start(first, second):
    """The first year of a financial year written "2020/21" or "20/21", or
    None when the two years do not follow one another."""
    start, end = _full_year(first), _full_year(second)
    return start if end == start + 1 else None


def _month_end(year, month):
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _span(first, last, end):
    return last if end else first


def read_date(value, *, end):
    """A date as councils write one: a real date (in the cell or typed
    2022-04-01, 01/04/2022, 1 April 2022), or a period whose first day (a
    start) or last day (a target: `end=True`) is meant — a month ("June
    2023"), a financial year ("2020/21") or a quarter of one ("Q3 2022/23")
    — kept as written. Text that is no date at all ("ongoing", "TBC") is
    kept as written with no date; text that tries to be a date and is not
    one (31/02/2023) is refused."""
    if is_blank(value):
        return Reading(None)
    if isinstance(value, datetime.datetime):
        return Reading(value.date())
    if isinstance(value, datetime.date):
        return Reading(value)
    if isinstance(value, bool) or isinstance(value, int | float):
        raise Unreadable(
            _(
                "%(value)s is a number, not a date: format the cell as a date, "
                "or type it as 01/04/2022."
            )
            % {"value": cell_text(value)}
        )
    text = cell_text(value)
    key = " ".join(text.casefold().replace(",", " ").split())

    def real(year, month, day):
        try:
            return datetime.date(year, month, day)
        except ValueError:
            raise Unreadable(
                _(
                    "“%(value)s” is not a real date (check the day and the "
                    "month): type it as 01/04/2022."
                )
                % {"value": text}
            ) from None

    if match := _ISO.match(key):
        year, month, day = (int(part) for part in match.groups())
        return Reading(real(year, month, day))
    if match := _DMY.match(key):
        day, month = int(match.group(1)), int(match.group(2))
        year = _full_year(match.group(3))
        date = real(year, month, day)
        if len(match.group(3)) == 2:
            return Reading(
                date,
                warning=_("“%(value)s” read as %(date)s.")
                % {"value": text, "date": date.strftime("%-d %B %Y")},
            )
        return Reading(date)
    if (match := _D_MONTH_Y.match(key)) and match.group(2) in _MONTHS:
        return Reading(
            real(int(match.group(3)), _MONTHS[match.group(2)], int(match.group(1)))
        )
    if (match := _MONTH_Y.match(key)) and match.group(1) in _MONTHS:
        year, month = _full_year(match.group(2)), _MONTHS[match.group(1)]
        date = _span(datetime.date(year, month, 1), _month_end(year, month), end)
        return _period(text, date)
    if match := _FINANCIAL_YEAR.match(key):
        start = _financial_year_start(*match.groups())
        if start is not None:
            date = _span(
                datetime.date(start, 4, 1), datetime.date(start + 1, 3, 31), end
            )
            return _period(text, date)
    if match := _QUARTER.match(key):
        quarter, first, second = int(match.group(1)), match.group(2), match.group(3)
        if second is not None:
            start = _financial_year_start(first, second)
            if start is not None:
                # Financial quarters: Q1 April–June … Q4 January–March.
                month = 4 + 3 * (quarter - 1)
                year = start if month <= 12 else start + 1
                month = month if month <= 12 else month - 12
                date = _span(
                    datetime.date(year, month, 1), _month_end(year, month + 2), end
                )
                return _period(text, date)
        else:
            year, month = int(first), 1 + 3 * (quarter - 1)
            date = _span(
                datetime.date(year, month, 1), _month_end(year, month + 2), end
            )
            return _period(
                text,
                date,
                _("“%(value)s” read as the calendar quarter ending %(date)s.")
                % {
                    "value": text,
                    "date": _month_end(year, month + 2).strftime("%-d %B %Y"),
                },
            )
    if match := _YEAR.match(key):
        year = int(match.group(1))
        date = _span(datetime.date(year, 1, 1), datetime.date(year, 12, 31), end)
        return _period(
            text,
            date,
            _("“%(value)s” read as the calendar year %(year)s.")
            % {"value": text, "year": year},
        )
    if _DATE_LIKE.match(key):
        raise Unreadable(
            _("“%(value)s” is not a date: type it as 01/04/2022.") % {"value": text}
        )
    if len(text) > AS_WRITTEN_MAX:
        raise Unreadable(
            _(
                "“%(value)s…” is not a date, and too long to keep as written "
                "here (%(max)s characters at most): choose “Keep as a note on "
                "the item” for this column."
            )
            % {"value": text[:40], "max": AS_WRITTEN_MAX}
        )
    return Reading(
        None,
        as_written=text,
        warning=_("“%(value)s” is not a date: kept as written, with no date.")
        % {"value": text},
    )


def _period(text, date, warning=""):
    return Reading(date, as_written=text[:AS_WRITTEN_MAX], warning=warning)


# --- status, RAG and percentage -------------------------------------------------------

#: Words that say an item's delivery status clearly, tried in this order
#: (so "not started" is found before "started"). Matched as whole words.
STATUS_WORDS = [
    (DeliveryStatus.CANCELLED, ("cancelled", "canceled", "withdrawn", "abandoned")),
    (DeliveryStatus.ON_HOLD, ("on hold", "paused", "deferred", "postponed")),
    (
        DeliveryStatus.NOT_STARTED,
        ("not started", "not yet started", "not commenced", "yet to start"),
    ),
    (
        DeliveryStatus.COMPLETE,
        (
            "complete",
            "completed",
            "went live",
            "gone live",
            "delivered",
            "implemented",
            "finished",
            "done",
        ),
    ),
    (
        DeliveryStatus.IN_PROGRESS,
        (
            "in progress",
            "underway",
            "under way",
            "ongoing",
            "on going",
            "on track",
            "started",
            "in development",
            "in delivery",
            "progressing",
        ),
    ),
]
#: Words that undo a match ("not complete", "partially delivered").
_HEDGES = re.compile(r"\b(not|partially|partly|incomplete|nearly|almost)\b")


def status_from_words(text):
    """The delivery status the words say clearly, or None."""
    key = norm(text)
    if not key:
        return None
    for status, label in DeliveryStatus.choices:
        if key in (norm(status), norm(label)):
            return status
    for status, words in STATUS_WORDS:
        for word in words:
            if re.search(rf"\b{re.escape(word)}\b", key):
                hedged = _HEDGES.search(key)
                if hedged and status in (
                    DeliveryStatus.COMPLETE,
                    DeliveryStatus.IN_PROGRESS,
                ):
                    # "not complete" says little; "not started" is caught
                    # above as a phrase of its own.
                    return None
                return status
    return None


RAG_WORDS = {
    "r": Rag.RED,
    "red": Rag.RED,
    "a": Rag.AMBER,
    "amber": Rag.AMBER,
    "g": Rag.GREEN,
    "green": Rag.GREEN,
}


def rag_from_words(text):
    """Red, amber or green in any case, in full or as R, A or G, or at the
    start of a longer rating ("Green – on track"); None otherwise. "On
    track" and its like mean a RAG only if the officer says so."""
    key = norm(text)
    if key in RAG_WORDS:
        return RAG_WORDS[key]
    if match := re.match(r"^(red|amber|green)\b(?!\s*/)", key):
        return RAG_WORDS[match.group(1)]
    return None


#: Cells that say a percentage is not known.
_NOT_KNOWN = {"n/a", "na", "tbc", "tbd", "unknown", "-", "–", "?"}


def read_percent(value):
    """A whole number from 0 to 100 ("40", "40%", a cell formatted as a
    percentage), or None for a blank (blank is not 0 %) or "n/a"."""
    if is_blank(value):
        return Reading(None)
    message = _("Type a whole number from 0 to 100 (“%(value)s” is not one).") % {
        "value": cell_text(value)
    }
    if isinstance(value, bool):
        raise Unreadable(message)
    if isinstance(value, float):
        if not value.is_integer():
            raise Unreadable(message)
        number = int(value)
    elif isinstance(value, int):
        number = value
    else:
        text = cell_text(value)
        if norm(text) in _NOT_KNOWN:
            return Reading(
                None,
                warning=_("“%(value)s”: percentage not stated.") % {"value": text},
            )
        text = text.rstrip("%").strip()
        if not re.fullmatch(r"\d+(\.0+)?", text):
            raise Unreadable(message)
        number = int(text.split(".")[0])
    if not 0 <= number <= 100:
        raise Unreadable(message)
    return Reading(number)
