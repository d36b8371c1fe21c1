"""Typing a date into a GOV.UK date input (governance/date_input.py) the way
a person does: the fieldset named by its legend, then Day, Month and Year."""

from datetime import date


def date_group(page, legend):
    return page.get_by_role("group", name=legend)


def fill_date(page, legend, day):
    """Type `day` (a date or an ISO string) into the date input `legend`."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    group = date_group(page, legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def date_value(page, legend):
    """The date the input `legend` holds, as typed: "27 3 2026"."""
    group = date_group(page, legend)
    return " ".join(
        group.get_by_label(part).input_value() for part in ("Day", "Month", "Year")
    )
