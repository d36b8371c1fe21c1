"""The GOV.UK date input: a date typed as three boxes, Day, Month and Year.

https://design-system.service.gov.uk/components/date-input/

- ``GovukDateInput`` draws the three boxes (``templates/forms/widgets/
  date_input.html``) inside the field's fieldset (its legend is the field's
  label, its hint the example date). The boxes post ``<name>-day``,
  ``<name>-month`` and ``<name>-year`` and take ids ``<id>-day`` etc. A
  single value posted under ``<name>`` ("2026-03-27" or "27/3/2026") is read
  too, for scripts, bookmarked filter links and older tests.
- ``GovukDateField`` turns the three boxes into a ``date`` with the GOV.UK
  error messages, naming the field by its label: "Enter the date of the
  decision", "Date of the decision must include a month", "... must be a real
  date", "... must have a year with 4 numbers".
- ``date_problem`` is the pure rule both use: which parts are wrong, and why.
  The widget marks only those boxes in error (all three when the form refuses
  the whole date, e.g. "cannot be in the future") and the error summary links
  to the first of them.
"""

import calendar
import copy
import re
from dataclasses import dataclass
from datetime import date

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

#: The hint every date input shows (GOV.UK: an example in the format to type).
DATE_EXAMPLE = _("For example, 27 3 2026")

PARTS = ("day", "month", "year")
PART_LABELS = {"day": _("Day"), "month": _("Month"), "year": _("Year")}
PART_WIDTHS = {"day": 2, "month": 2, "year": 4}

_DAY_OR_MONTH = re.compile(r"^\d{1,2}$")
_YEAR = re.compile(r"^\d{4}$")
_ISO = re.compile(r"^\d+-\d+-\d+$")
_MONTH_NAMES = {
    name.lower(): number
    for names in (calendar.month_name, calendar.month_abbr)
    for number, name in enumerate(names)
    if name
}
_MONTH_NAMES["sept"] = 9


@dataclass(frozen=True)
class DateProblem:
    """What is wrong with a typed date: `code` (``required``, ``incomplete``,
    ``invalid`` or ``year``) and the parts to mark in error, in order."""

    code: str
    parts: tuple[str, ...]


def _month_number(text):
    if _DAY_OR_MONTH.match(text):
        return int(text)
    return _MONTH_NAMES.get(text.lower().rstrip("."), 0)


def read_date(day, month, year):
    """The date typed as three strings, or the `DateProblem` with it.

    ``("", "", "")`` is ``required`` (the field may allow it); a missing part
    is ``incomplete``; a part that cannot be a day, month or year (words,
    "0", "13", "31 2") is ``invalid``; a year of other than 4 digits is
    ``year``. Month names ("March", "Mar") are read as months.
    """
    texts = {
        part: str(value if value is not None else "").strip()
        for part, value in zip(PARTS, (day, month, year), strict=True)
    }
    missing = tuple(part for part in PARTS if not texts[part])
    if len(missing) == 3:
        return DateProblem("required", PARTS)
    if missing:
        return DateProblem("incomplete", missing)
    numbers = {
        "day": int(texts["day"]) if _DAY_OR_MONTH.match(texts["day"]) else 0,
        "month": _month_number(texts["month"]),
        "year": int(texts["year"]) if texts["year"].isdecimal() else 0,
    }
    wrong = []
    if not 1 <= numbers["day"] <= 31:
        wrong.append("day")
    if not 1 <= numbers["month"] <= 12:
        wrong.append("month")
    if not numbers["year"]:
        wrong.append("year")
    if wrong:
        return DateProblem("invalid", tuple(wrong))
    if not _YEAR.match(texts["year"]) or numbers["year"] < 1000:
        return DateProblem("year", ("year",))
    try:
        return date(numbers["year"], numbers["month"], numbers["day"])
    except ValueError:
        # 31 2 2026, 29 2 2027: the day is not in that month.
        return DateProblem("invalid", ("day",))


def date_problem(value):
    """The `DateProblem` of a widget value (three strings), or None."""
    result = read_date(*_three(value))
    return result if isinstance(result, DateProblem) else None


def _three(value):
    value = list(value or ())
    return (value + ["", "", ""])[:3]


class GovukDateInput(forms.MultiWidget):
    """Three text boxes, Day, Month and Year, as GOV.UK Frontend draws them.

    `error_parts` is set on a copy of the widget by the bound field when the
    field has errors (`GovukBoundField.as_widget`): those boxes are drawn in
    error."""

    template_name = "forms/widgets/date_input.html"
    error_parts = ()

    def __init__(self, attrs=None):
        boxes = {
            part: forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": "govuk-input govuk-date-input__input "
                    f"govuk-input--width-{PART_WIDTHS[part]}",
                }
            )
            for part in PARTS
        }
        super().__init__(boxes, attrs)
        self.widgets_names = [f"-{part}" for part in PARTS]

    def decompress(self, value):
        if isinstance(value, date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, str) and value:
            # One value in a query string or a script: 2026-03-27 or 27/3/2026.
            if _ISO.match(value):
                year, month, day = value.split("-")
                return [day, month, year]
            return (value.split("/", 2) + ["", ""])[:3]
        return ["", "", ""]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        id_ = context["widget"]["attrs"].get("id")
        for part, box in zip(PARTS, context["widget"]["subwidgets"], strict=True):
            box["part"] = part
            box["label"] = PART_LABELS[part]
            box["attrs"].pop("aria-invalid", None)
            box["attrs"].pop("aria-describedby", None)
            if id_:
                box["attrs"]["id"] = f"{id_}-{part}"
            if part in self.error_parts:
                box["attrs"]["class"] += " govuk-input--error"
                box["attrs"]["aria-invalid"] = "true"
        context["widget"]["attrs"].pop("class", None)
        return context

    def id_for_label(self, id_):
        # The fieldset's legend names the whole date; each box has its label.
        return ""

    def value_from_datadict(self, data, files, name):
        parts = super().value_from_datadict(data, files, name)
        if all(part is None for part in parts) and data.get(name):
            # One ISO value ("2026-03-27") posted under the field's own name.
            return self.decompress(str(data.get(name)))
        return parts

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)


class GovukDateField(forms.MultiValueField):
    """A date typed in a GOV.UK date input, with GOV.UK's error messages.

    `error_name` is how the messages name the field ("the date of the
    decision"); it defaults to the label. Any message may be replaced through
    `error_messages` (``required``, ``incomplete``, ``invalid``, ``year``:
    each may use ``%(name)s`` and ``%(Name)s``; ``incomplete`` also
    ``%(missing)s``, e.g. "a day and a year")."""

    widget = GovukDateInput
    default_error_messages = {
        "required": _("Enter %(name)s"),
        "incomplete": _("%(Name)s must include %(missing)s"),
        "invalid": _("%(Name)s must be a real date"),
        "year": _("%(Name)s must have a year with 4 numbers"),
    }

    def __init__(self, *, error_name=None, **kwargs):
        # What a model's DateField passes and a set of three boxes ignores.
        for unused in ("max_length", "empty_value", "input_formats", "localize"):
            kwargs.pop(unused, None)
        help_text = kwargs.pop("help_text", "") or ""
        self.error_name = error_name
        boxes = tuple(forms.CharField(required=False) for _part in PARTS)
        super().__init__(boxes, require_all_fields=False, **kwargs)
        self.help_text = help_text or DATE_EXAMPLE
        if help_text and str(DATE_EXAMPLE) not in str(help_text):
            self.help_text = f"{help_text} {DATE_EXAMPLE}"

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.error_messages = copy.copy(self.error_messages)
        return result

    def message(self, code, **params):
        name = self.error_name or (self.label or _("the date")).lower()
        name = str(name)
        # "Enter the date of the decision", but "Date of the decision must
        # include a month" (GOV.UK's wording).
        subject = name[4:] if name.startswith("the ") else name
        return ValidationError(
            self.error_messages[code],
            code=code,
            params={"name": name, "Name": capfirst(subject), **params},
        )

    def to_date(self, value):
        """The date in `value` (three strings, a date or an ISO string), or
        None when it is empty; raises the GOV.UK `ValidationError`."""
        if isinstance(value, date):
            return value
        if not isinstance(value, (list, tuple)):
            value = self.widget.decompress(value)
        result = read_date(*_three(value))
        if isinstance(result, date):
            return result
        if result.code == "required":
            return None
        params = {}
        if result.code == "incomplete":
            params["missing"] = " and ".join(
                f"a {PART_LABELS[part].lower()}" for part in result.parts
            )
        raise self.message(result.code, **params)

    def clean(self, value):
        day = self.to_date(value)
        if day is None:
            if self.required:
                raise self.message("required")
            return None
        self.validate(day)
        self.run_validators(day)
        return day

    def validate(self, value):
        pass

    def compress(self, data_list):
        return self.to_date(data_list)

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        try:
            typed = self.to_date(data)
        except ValidationError:
            return True
        if isinstance(initial, str) and initial:
            try:
                initial = date.fromisoformat(initial)
            except ValueError:
                return True
        return (initial or None) != typed


class GovukDateFilter(django_filters.DateFilter):
    """A filter on a date, typed in a GOV.UK date input."""

    field_class = GovukDateField
