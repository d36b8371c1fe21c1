"""Every field of every form speaks GOV.UK: submitted empty, too long or
with a choice that is not offered, no form shows one of Django's default
messages ("This field is required.", "Select a valid choice. …", "Ensure
this value has at most …"), and none names a field by a question.

The forms are found, not listed: every form class of the apps' forms
modules, every `form_class` of the views the URLs reach and of the
lifecycle's transitions, and the forms of every formset. A new form only
needs its constructor's arguments here if they are new ones
(`form_kwargs`)."""

import importlib
import inspect
import os
import re
from types import SimpleNamespace

import django.core.validators
import django.db.models.fields
import django.forms.fields
import django.forms.formsets
import django.forms.models
import django_filters
import pytest
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models.fields import BLANK_CHOICE_LABEL
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from governance.error_messages import GovukMessagesMixin, noun_for

FORM_MODULES = [
    "governance.forms",
    "decisions.forms",
    "decisions.lifecycle_forms",
    "strategy.forms",
    "workplan.forms",
]
TOO_LONG = "x" * 100_001
NOT_OFFERED = "not-one-of-the-choices-999999"


def _templates(module):
    """Every message template of Django's fields, validators and formsets."""
    found = []
    for value in vars(module).values():
        if not isinstance(value, type):
            continue
        found += vars(value).get("default_error_messages", {}).values()
        if isinstance(vars(value).get("message"), str | object) and hasattr(
            value, "message"
        ):
            found.append(value.message)
    return found


def _pattern(template):
    text = str(template)
    parts = re.split(r"%\(\w+\)[sdr]|%[sd]", text)
    return ".*".join(re.escape(part) for part in parts)


#: Validators' messages (lazy plurals, not found above).
VALIDATOR_MESSAGES = [
    "Ensure this value has at most",
    "Ensure this value has at least",
    "Ensure this value is less than",
    "Ensure this value is greater than",
    "Ensure that there are no more than",
    "Enter a valid",
    "This field is required",
]

DJANGO_DEFAULTS = re.compile(
    "|".join(
        [re.escape(text) for text in VALIDATOR_MESSAGES]
        + sorted(
            {
                _pattern(template)
                for module in (
                    django.forms.fields,
                    django.forms.models,
                    django.forms.formsets,
                    django.core.validators,
                    django.db.models.fields,
                )
                for template in _templates(module)
                if len(str(template)) > 8
            }
        )
    )
)


def form_classes():
    """Every form class defined in the apps' forms modules."""
    found = set()
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == name
                # Not a model form's base without a model.
                and getattr(getattr(value, "_meta", None), "model", True)
            ):
                found.add(value)
    return found


def formset_classes():
    found = set()
    for name in FORM_MODULES:
        for value in vars(importlib.import_module(name)).values():
            if isinstance(value, type) and issubclass(value, forms.BaseFormSet):
                if hasattr(value, "form") and value.__module__ != "django.forms.models":
                    found.add(value)
    return found


def view_form_classes(resolver=None):
    """The `form_class` of every view the URLs reach."""
    found = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            found |= view_form_classes(pattern)
        elif isinstance(pattern, URLPattern):
            view = getattr(pattern.callback, "view_class", None)
            form_class = getattr(view, "form_class", None)
            # A DeleteView's form (Django's own, with no fields) asks nothing.
            if form_class is not None and form_class.base_fields:
                found.add(form_class)
    return found


def transition_form_classes():
    from decisions.lifecycle_forms import LIFECYCLE_FORMS

    found = set(LIFECYCLE_FORMS.values())
    for module_name in ("strategy.lifecycle", "workplan.lifecycle"):
        module = importlib.import_module(module_name)
        for value in vars(module).values():
            for transition in getattr(value, "transitions", None) or []:
                if getattr(transition, "form_class", None) is not None:
                    found.add(transition.form_class)
    return found


def required_keywords(cls):
    names = set()
    for klass in cls.__mro__:
        init = vars(klass).get("__init__")
        if init is None:
            continue
        for parameter in inspect.signature(init).parameters.values():
            if (
                parameter.kind
                in (parameter.KEYWORD_ONLY, parameter.POSITIONAL_OR_KEYWORD)
                and parameter.default is parameter.empty
                and parameter.name != "self"
            ):
                names.add(parameter.name)
    return names


def form_kwargs(cls, cast, business):
    """What `cls`'s constructor needs, from council A's business."""
    from decisions.forms import (
        CallInForm,
        DeadlineOverrideForm,
        OutcomeForm,
        PublishForm,
    )
    from decisions.lifecycle_forms import CloseReviewForm, OpenReviewForm

    decision_forms = (PublishForm, CallInForm, OutcomeForm, DeadlineOverrideForm)
    if issubclass(cls, decision_forms):
        record = business.published_decision
    elif issubclass(cls, (CloseReviewForm, OpenReviewForm)):
        record = business.workplan
    else:
        record = business.draft_strategy
    column = SimpleNamespace(
        index=0, name="Title", letter="A", samples=["Move to the cloud"], choice=""
    )
    value = SimpleNamespace(
        field_name="value-0",
        rows=[2, 3],
        written="Amber-ish",
        column="RAG",
        options=[("amber", "Amber"), ("red", "Red")],
        required=True,
        choice=None,
        key="rag",
    )
    known = {
        "user": cast.officer,
        "organisation": cast.council_a,
        "workplan": business.workplan,
        "review": business.review,
        "record": record,
        "columns": [column],
        "values": [value],
        "departments": ["Digital"],
        "versions": [
            SimpleNamespace(number=1, choice_label="Version 1"),
            SimpleNamespace(number=2, choice_label="Version 2"),
        ],
    }
    needed = required_keywords(cls)
    missing = needed - known.keys()
    assert not missing, f"{cls.__name__} needs {missing}: add them to form_kwargs"
    kwargs = {name: known[name] for name in needed}
    model = getattr(getattr(cls, "_meta", None), "model", None)
    if model is not None and "instance" not in kwargs:
        # An edit form: the business's record of its model, where it has one.
        records = [v for v in vars(business).values() if isinstance(v, model)]
        if records:
            kwargs["instance"] = records[0]
    if issubclass(cls, AuthenticationForm):
        kwargs["request"] = RequestFactory().post("/")
    return kwargs


def bad_data(form, value):
    """Every field of an unbound `form` given `value` (None: left empty)."""
    data = {}
    for name, field in form.fields.items():
        if value is None or field.widget.is_hidden:
            continue
        key = form.add_prefix(name)
        if isinstance(field.widget, forms.MultiWidget):
            for index in range(len(field.widget.widgets)):
                data[f"{key}_{index}"] = value
        else:
            data[key] = value
    return data


def messages_of(form):
    found = []
    for errors in form.errors.values():
        found += [str(error) for error in errors]
    return found


def check(form, label):
    problems = []
    for message in messages_of(form):
        SEEN.add(message)
        if DJANGO_DEFAULTS.search(message) or "?" in message:
            problems.append(f"{label}: {message}")
    return problems


SEEN = set()


def test_the_default_patterns_match_what_django_says():
    assert DJANGO_DEFAULTS.search("This field is required.")
    assert DJANGO_DEFAULTS.search(
        "Select a valid choice. x is not one of the available choices."
    )
    assert DJANGO_DEFAULTS.search(
        "Ensure this value has at most 300 characters (it has 100001)."
    )
    assert DJANGO_DEFAULTS.search("Enter a whole number.")
    assert not DJANGO_DEFAULTS.search("Enter the title")


def test_nouns_are_made_from_labels():
    assert noun_for("Title") == "the title"
    assert noun_for("ICT strategy") == "the ICT strategy"
    assert noun_for("Your name") == "your name"


@pytest.mark.django_db
def test_no_form_shows_a_django_default_message(cast, business):
    classes = form_classes()
    reached = view_form_classes() | transition_form_classes()
    unknown = {cls.__name__ for cls in reached if cls not in classes}
    assert not unknown, f"forms outside the forms modules: {unknown}"
    problems = []
    checked = 0
    for cls in sorted(classes, key=lambda cls: cls.__name__):
        assert issubclass(cls, GovukMessagesMixin), cls
        kwargs = form_kwargs(cls, cast, business)
        for value in (None, TOO_LONG, NOT_OFFERED):
            unbound = cls(**kwargs)
            form = cls(data=bad_data(unbound, value), files={}, **kwargs)
            form.is_valid()
            problems += check(form, f"{cls.__name__} ({value and value[:10]})")
            checked += 1
    for formset_class in formset_classes():
        prefix = formset_class.get_default_prefix()
        row_kwargs = form_kwargs(formset_class.form, cast, business)
        row_kwargs.pop("instance", None)
        row = formset_class.form(**row_kwargs)
        parent_model = formset_class.fk.remote_field.model
        parents = [v for v in vars(business).values() if isinstance(v, parent_model)]
        parent = parents[0] if parents else parent_model()
        for value in (None, TOO_LONG, NOT_OFFERED):
            data = {
                f"{prefix}-TOTAL_FORMS": "1",
                f"{prefix}-INITIAL_FORMS": "0",
                **{
                    f"{prefix}-0-{key}": posted
                    for key, posted in bad_data(row, value or "").items()
                },
            }
            if value is None:
                data[f"{prefix}-0-{next(iter(row.fields))}"] = " "
            formset = formset_class(
                data,
                instance=parent,
                form_kwargs=row_kwargs,
                **form_kwargs(formset_class, cast, business),
            )
            formset.is_valid()
            for form in formset.forms:
                problems += check(form, f"{formset_class.__name__} row")
            problems += [
                f"{formset_class.__name__}: {error}"
                for error in formset.non_form_errors()
                if DJANGO_DEFAULTS.search(str(error))
            ]
    if os.environ.get("SHOW_MESSAGES"):
        print("\n".join(sorted(SEEN)))
    assert checked > 150
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_no_radio_offers_an_unlabelled_empty_option_nor_a_label_says_optional(
    cast, business
):
    empty = []
    for cls in sorted(form_classes(), key=lambda cls: cls.__name__):
        form = cls(**form_kwargs(cls, cast, business))
        for name, field in form.fields.items():
            # The form renderer adds "(optional)" to the label of every field
            # not required; written again, it would be said twice.
            for text in (field.label, field.help_text):
                if "(optional)" in str(text or ""):
                    empty.append(f"{cls.__name__}.{name}: {text}")
            if isinstance(field.widget, forms.RadioSelect) and not isinstance(
                field.widget, forms.CheckboxSelectMultiple
            ):
                labels = [str(label) for value, label in field.choices if value == ""]
                if set(labels) & {"---------", str(BLANK_CHOICE_LABEL)}:
                    empty.append(f"{cls.__name__}.{name}: {labels}")
    assert not empty, "\n".join(empty)


FILTERSET_MODULES = [
    "decisions.filtersets",
    "strategy.filtersets",
    "workplan.filtersets",
]


def filterset_classes():
    from governance.filtersets import GovukFilterSet

    found = set()
    for name in FILTERSET_MODULES:
        for value in vars(importlib.import_module(name)).values():
            if (
                isinstance(value, type)
                and issubclass(value, django_filters.FilterSet)
                and value.__module__ == name
            ):
                assert issubclass(value, GovukFilterSet), value
                found.add(value)
    return found


@pytest.mark.django_db
def test_no_list_filter_shows_a_django_default_message(cast):
    """A filter given a value it cannot use (a bookmark to a removed theme,
    a hand-edited address) says so in GOV.UK words."""
    request = RequestFactory().get("/")
    request.user = cast.officer
    request.organisation = cast.council_a
    problems, messages = [], []
    classes = filterset_classes()
    assert len(classes) >= 5
    for cls in sorted(classes, key=lambda cls: cls.__name__):
        for value in (TOO_LONG, NOT_OFFERED, "31"):
            unbound = cls(request=request).form
            filterset = cls(data=bad_data(unbound, value), request=request)
            filterset.is_valid()
            problems += check(filterset.form, f"{cls.__name__} ({value[:10]})")
            messages += messages_of(filterset.form)
    assert not problems, "\n".join(problems)
    assert len(messages) > 10, messages
    if os.environ.get("SHOW_MESSAGES"):
        print("\n".join(sorted(set(messages))))


@pytest.mark.parametrize(
    ("url", "query", "message"),
    [
        (
            lambda business: business.workplan.get_absolute_url(),
            "theme=999999",
            "Select the theme from the list",
        ),
        (lambda business: "/strategies/", "year=twenty", "The year must be a whole"),
        (
            lambda business: "/meetings/",
            "when=tomorrow",
            "Select upcoming or past meetings from the list",
        ),
        (lambda business: "/reports/", "meeting=abc", "Select the meeting from"),
        (lambda business: "/decisions/", "ordering=x", "Select the order from"),
    ],
    ids=["workplan", "strategies", "meetings", "reports", "decisions"],
)
def test_a_list_given_a_filter_it_cannot_use_says_so_in_the_error_summary(
    cast, business, client_for, url, query, message
):
    response = client_for(cast.officer).get(f"{url(business)}?{query}")
    assert response.status_code == 200
    page = response.content.decode()
    summary = page[page.index('class="govuk-error-summary"') : page.index("<h1")]
    assert message in summary
    assert "<title>Error: " in page
