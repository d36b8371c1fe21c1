"""The GOV.UK date input (governance/date_input.py): three boxes, GOV.UK's
error messages naming the field, the wrong boxes marked, and every date in
every form of the project typed that way."""

import copy
import inspect
from datetime import date

import pytest
from django import forms
from django.apps import apps

from governance.date_input import GovukDateInput
from governance.forms import GovukDateField


class DecisionDateForm(forms.Form):
    decided = GovukDateField(label="Date of the decision")
    happened = GovukDateField(
        label="Date it happened", required=False, help_text="Leave blank for today."
    )


def typed(day, month, year, **extra):
    return {"decided-day": day, "decided-month": month, "decided-year": year, **extra}


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "wrong"),
    [
        ("", "", "", "Enter date of the decision", ["day", "month", "year"]),
        ("27", "", "2026", "Date of the decision must include a month", ["month"]),
        ("", "3", "2026", "Date of the decision must include a day", ["day"]),
        ("27", "3", "", "Date of the decision must include a year", ["year"]),
        (
            "",
            "3",
            "",
            "Date of the decision must include a day and a year",
            ["day", "year"],
        ),
        (
            "",
            "",
            "2026",
            "Date of the decision must include a day and a month",
            ["day", "month"],
        ),
        ("31", "2", "2026", "Date of the decision must be a real date", ["day"]),
        ("29", "2", "2027", "Date of the decision must be a real date", ["day"]),
        (
            "0",
            "0",
            "0",
            "Date of the decision must be a real date",
            ["day", "month", "year"],
        ),
        ("tomorrow", "3", "2026", "Date of the decision must be a real date", ["day"]),
        ("27", "13", "2026", "Date of the decision must be a real date", ["month"]),
        (
            "27",
            "3",
            "20260",
            "Date of the decision must have a year with 4 numbers",
            ["year"],
        ),
        (
            "27",
            "3",
            "26",
            "Date of the decision must have a year with 4 numbers",
            ["year"],
        ),
    ],
)
def test_a_wrong_date_is_refused_with_the_govuk_message_on_the_wrong_parts(
    day, month, year, message, wrong
):
    form = DecisionDateForm(typed(day, month, year))

    assert not form.is_valid()
    assert form.errors["decided"] == [message]
    html = str(form["decided"].as_field_group())
    for part in ("day", "month", "year"):
        box = html.split(f'id="id_decided-{part}"')[0].rsplit("<input", 1)[1]
        assert ("govuk-input--error" in box) == (part in wrong), part
    # The error summary links to the first wrong box.
    assert form["decided"].govuk_error_target == f"id_decided-{wrong[0]}"


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [
        ("27", "3", "2026", date(2026, 3, 27)),
        ("29", "2", "2028", date(2028, 2, 29)),
        (" 07 ", "03", "2026", date(2026, 3, 7)),
        ("1", "March", "2026", date(2026, 3, 1)),
        ("1", "sept", "2026", date(2026, 9, 1)),
    ],
)
def test_a_real_date_is_read_from_the_three_boxes(day, month, year, expected):
    form = DecisionDateForm(typed(day, month, year))

    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"decided": expected, "happened": None}


def test_one_iso_or_day_month_year_value_is_read_too():
    assert DecisionDateForm({"decided": "2026-03-27"}).is_valid()
    form = DecisionDateForm({"decided": "2026-03-27", "happened": "31/12/2026"})
    assert form.is_valid()
    assert form.cleaned_data["happened"] == date(2026, 12, 31)
    form = DecisionDateForm({"decided": "2026-02-31"})
    assert form.errors["decided"] == ["Date of the decision must be a real date"]


def test_a_very_long_value_is_refused_without_being_echoed_in_the_message():
    form = DecisionDateForm(typed("9" * 100_000, "<script>", "2026"))

    assert form.errors["decided"] == ["Date of the decision must be a real date"]
    html = str(form["decided"].as_field_group())
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_the_date_input_is_drawn_the_govuk_way():
    form = DecisionDateForm(initial={"happened": date(2026, 3, 7)})
    html = str(form["happened"].as_field_group())

    assert '<fieldset class="govuk-fieldset" aria-describedby="id_happened-hint">' in (
        html
    )
    assert "Date it happened (optional)</legend>" in html
    assert "Leave blank for today. For example, 27 3 2026</div>" in html
    assert html.count('inputmode="numeric"') == 3
    for part, width, value in (("day", 2, "7"), ("month", 2, "3"), ("year", 4, "2026")):
        assert (
            'class="govuk-label govuk-date-input__label" '
            f'for="id_happened-{part}">' in html
        )
        assert (
            f'name="happened-{part}" value="{value}" inputmode="numeric" '
            f'class="govuk-input govuk-date-input__input govuk-input--width-{width}"'
        ) in html


def test_an_unchanged_date_typed_differently_is_not_a_change():
    form = DecisionDateForm(
        typed("07", "03", "2026"), initial={"decided": date(2026, 3, 7)}
    )
    assert "decided" not in form.changed_data
    form = DecisionDateForm(
        typed("8", "3", "2026"), initial={"decided": date(2026, 3, 7)}
    )
    assert "decided" in form.changed_data


def _project_forms():
    for app in apps.get_app_configs():
        if app.name not in ("governance", "decisions", "strategy", "workplan"):
            continue
        for module_name in ("forms", "lifecycle_forms", "filtersets"):
            try:
                module = __import__(f"{app.name}.{module_name}", fromlist=["x"])
            except ModuleNotFoundError:
                continue
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ != module.__name__:
                    continue
                if issubclass(cls, forms.BaseForm):
                    yield cls, cls.base_fields
                elif hasattr(cls, "base_filters"):
                    # Each filter's field from a copy: a filter keeps the
                    # field it first builds, with its choices then.
                    yield (
                        cls,
                        {
                            n: copy.deepcopy(f).field
                            for n, f in cls.base_filters.items()
                        },
                    )


def test_every_date_in_every_form_is_a_govuk_date_input():
    checked = 0
    for cls, fields in _project_forms():
        for name, field in fields.items():
            where = f"{cls.__module__}.{cls.__name__}.{name}"
            assert not isinstance(
                field, (forms.DateField, forms.DateTimeField, forms.TimeField)
            ), f"{where} is a {type(field).__name__}: use GovukDateField"
            assert not isinstance(field.widget, forms.DateInput), where
            if isinstance(field, GovukDateField):
                assert isinstance(field.widget, GovukDateInput), where
                checked += 1
    assert checked >= 20
