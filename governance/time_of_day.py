"""Times of day as people write and read them: "4pm", "4.30pm", "16:30",
"12 noon". One reader (`parse_time`), one writer (`format_time`) and one form
field (`TimeOfDayField`, a text box next to a GOV.UK date input: GOV.UK has
no time component) for every time in the product."""

import re
from datetime import time

from django import forms
from django.utils.translation import gettext_lazy as _


class TimeOfDayError(ValueError):
    """Text that is not a time of day."""


def format_time(moment: time) -> str:
    """A time of day as a council writes it: "5pm", "5:30pm", "9am", "12 noon"."""
    if moment.hour == 12 and moment.minute == 0:
        return "12 noon"
    if moment.hour == 0 and moment.minute == 0:
        return "midnight"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    if moment.minute:
        return f"{hour}:{moment.minute:02d}{suffix}"
    return f"{hour}{suffix}"


_TIME = re.compile(
    r"^(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*"
    r"(?P<half>a\.?m\.?|p\.?m\.?)?$"
)


def parse_time(text: str) -> time | None:
    """A time of day as people type it: "4pm", "4.00 pm", "4:00pm", "16:00",
    "9.30am", "12 noon", "noon". "Midnight" and "" are None (the end of the
    day). Raises `TimeOfDayError` for anything else ("25pm", "4", "16:75"):
    a bare hour is ambiguous, and a 12-hour time runs from 1 to 12.
    """
    text = " ".join(str(text).lower().split())
    if text in ("", "midnight", "12 midnight"):
        return None
    if text in ("noon", "12 noon", "midday", "12 midday"):
        return time(12, 0)
    match = _TIME.match(text)
    problem = TimeOfDayError(
        f"Enter a time such as 4pm, 4.30pm or 16:00, not {text!r}."
    )
    if match is None:
        raise problem
    hour = int(match["hour"])
    minute = int(match["minute"] or 0)
    half = (match["half"] or "").replace(".", "")
    if minute > 59:
        raise problem
    if half:
        if not 1 <= hour <= 12:
            raise problem
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match["minute"] is None or hour > 23:
        raise problem
    return time(hour, minute)


class TimeOfDayField(forms.CharField):
    """A time of day typed as people write it ("4pm", "4.30pm", "16:30"),
    read by `parse_time`, in a text box next to a date (GOV.UK has
    no time component). Blank (or "midnight") is None."""

    default_error_messages = {
        "invalid": _(
            "Enter %(name)s as a time of day, for example 4pm, 4.30pm or 16:30"
        ),
        "required": _("Enter %(name)s"),
    }

    def __init__(self, *, error_name=None, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"class": "govuk-input--width-10"})
        )
        self.error_name = error_name
        super().__init__(**kwargs)

    def error(self, code):
        name = str(self.error_name or (self.label or _("the time")).lower())
        return forms.ValidationError(
            self.error_messages[code], code=code, params={"name": name}
        )

    def prepare_value(self, value):
        if isinstance(value, time):
            return format_time(value)
        return value

    def to_python(self, value):
        if isinstance(value, time):
            return value
        text = super().to_python(value)
        try:
            if len(text) > 20:
                raise TimeOfDayError(text)
            return parse_time(text)
        except TimeOfDayError:
            raise self.error("invalid") from None

    def validate(self, value):
        if value is None and self.required:
            raise self.error("required")
