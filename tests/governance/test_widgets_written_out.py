"""The widgets written out in Python (`forms_rendering.written_out`), and
the form and field templates (`written_whole`), give byte for byte what
their templates give, hostile values escaped the same way; anything they
cannot write goes to the template."""

from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.date_input import GovukDateField, GovukDateInput
from governance.forms_rendering import GovukFormRenderer, written_out

HOSTILE = [
    None,
    "",
    "plain",
    '<script>alert("x")</script>',
    "a & b < c > d 'e' \"f\"",
    "</textarea><b>out</b>",
    mark_safe("<em>kept safe</em>"),
    gettext_lazy("Any status"),
    0,
    42,
    Decimal("12.50"),
    True,
    date(2026, 3, 27),
]

ATTRS = [
    {},
    {"id": "id_x", "class": "govuk-input", "required": True},
    {"disabled": False, "data-x": '"><script>', "maxlength": 200, "step": None},
    {"aria-describedby": "a-hint a-error", "autocomplete": mark_safe("<off>")},
]


def template_html(widget, name, value, attrs):
    """The widget drawn through its template alone."""
    renderer = GovukFormRenderer()
    context = widget.get_context(name, value, attrs)
    return TemplatesSetting.render(renderer, widget.template_name, context).strip()


def written_html(widget, name, value, attrs):
    return widget.render(name, value, attrs, renderer=GovukFormRenderer())


WIDGETS = [
    forms.TextInput(),
    forms.HiddenInput(),
    forms.NumberInput(),
    forms.EmailInput(),
    forms.URLInput(),
    forms.PasswordInput(render_value=True),
    forms.DateInput(),
    forms.Textarea(attrs={"rows": 5}),
    forms.Select(choices=[("", "All"), ("a", "<A & co>"), (3, gettext_lazy("Three"))]),
    forms.Select(
        choices=[
            ("Group <one>", [("x", "X"), ("y", mark_safe("<b>Y</b>"))]),
            ("z", "Z"),
        ]
    ),
    forms.SelectMultiple(choices=[("a", "A"), ("b", 'B "quoted"')]),
    forms.NullBooleanSelect(),
    forms.CheckboxInput(),
    forms.RadioSelect(
        choices=[
            ("red", "Red"),
            ("amber", '<b>"Amber"</b> & co'),
            (3, gettext_lazy("Three")),
        ]
    ),
    forms.RadioSelect(
        choices=[
            ("Group <one>", [("x", "X"), ("y", mark_safe("<b>Y</b>"))]),
            ("Group two", [("z", "Z")]),
        ]
    ),
    GovukDateInput(),
    forms.CheckboxSelectMultiple(
        choices=[("a", "A"), ("b", 'B "quoted"'), ("", "None")]
    ),
]


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: type(w).__name__)
@pytest.mark.parametrize("value", HOSTILE, ids=repr)
@pytest.mark.parametrize("attrs", ATTRS, ids=repr)
def test_each_widget_writes_what_its_template_draws(widget, value, attrs):
    if (
        isinstance(widget, (forms.SelectMultiple, forms.CheckboxSelectMultiple))
        and value is not None
    ):
        value = [value, "b"]
    html = written_html(widget, "field<name>", value, attrs)
    assert html == template_html(widget, "field<name>", value, attrs)


def test_every_widget_written_out_is_tested():
    tested = {widget.template_name for widget in WIDGETS}
    untested_inputs = {
        name for name in written_out if name not in tested
    } - {  # the input templates that only include input.html, as text.html does
        f"django/forms/widgets/{name}.html"
        for name in ("input", "search", "tel", "datetime", "time", "color")
    }
    assert untested_inputs == set()


def test_a_hostile_value_is_escaped():
    html = written_html(forms.TextInput(), "title", '"><script>x</script>', {})
    assert html == (
        '<input type="text" name="title"'
        ' value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;">'
    )


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: type(w).__name__)
def test_no_template_is_drawn_for_them(widget, monkeypatch):
    def refuse(self, template_name):
        raise AssertionError(f"{template_name} drawn through its template")

    monkeypatch.setattr(GovukFormRenderer, "get_template", refuse)
    assert written_html(widget, "f", "value", {"id": "id_f"})


def drawn_templates(monkeypatch):
    """The names of the templates drawn from now on, as they are drawn."""
    drawn = []
    draw = GovukFormRenderer.get_template
    monkeypatch.setattr(
        GovukFormRenderer,
        "get_template",
        lambda self, name: drawn.append(name) or draw(self, name),
    )
    return drawn


@pytest.mark.parametrize(
    ("widget", "template"),
    [
        (forms.Select, "django/forms/widgets/select.html"),
        (forms.RadioSelect, "django/forms/widgets/radio.html"),
        (forms.CheckboxSelectMultiple, "django/forms/widgets/checkbox_select.html"),
    ],
    ids=["select", "radios", "checkboxes"],
)
def test_an_option_label_that_is_not_text_goes_to_the_template(
    widget, template, monkeypatch
):
    widget = widget(choices=[(1, 1000), (2, 2000)])
    drawn = drawn_templates(monkeypatch)
    value = [1] if isinstance(widget, forms.CheckboxSelectMultiple) else 1
    html = written_html(widget, "n", value, {"id": "id_n"})
    assert html == template_html(widget, "n", value, {"id": "id_n"})
    assert ">1000<" in html
    assert template in drawn


def test_the_first_radio_takes_the_field_id():
    widget = forms.RadioSelect(choices=[("a", "A"), ("b", "B")])
    html = written_html(
        widget, "rag", "b", {"id": "id_rag", "class": "govuk-radios__input"}
    )
    first = '<input type="radio" name="rag" value="a" id="id_rag"'
    assert first + ' class="govuk-radios__input">' in html
    assert (
        '<label class="govuk-label govuk-radios__label" for="id_rag">A</label>' in html
    )
    assert 'value="b" id="id_rag_1" class="govuk-radios__input" checked>' in html


@settings(max_examples=200, deadline=None)
@given(
    value=st.text(),
    attr=st.text(alphabet=st.characters(blacklist_categories=["Cs"])),
    label=st.text(),
)
def test_any_text_gives_the_same_markup(value, attr, label):
    for widget in (
        forms.TextInput(),
        forms.Textarea(),
        forms.Select(choices=[(value, label), ("other", label)]),
        forms.RadioSelect(choices=[(value, label), ("other", label)]),
        forms.CheckboxSelectMultiple(choices=[(value, label), ("other", label)]),
    ):
        attrs = {"data-x": attr}
        assert written_html(widget, "f", value, attrs) == template_html(
            widget, "f", value, attrs
        )


def test_a_status_tag_is_written_as_its_template_wrote_it():
    from django.db import models
    from django.template import Context, Template

    class Colour(models.TextChoices):
        RED = "red", '<b>"Red" & co</b>'
        BLUE = "blue", "Blue"

        @property
        def colour(self):
            return {"red": 'red"><script>', "blue": ""}[self.value]

    page = Template("{% load govuk %}{% status_tag state %}")
    assert page.render(Context({"state": Colour.RED})) == (
        '\n<strong class="govuk-tag govuk-tag--red&quot;&gt;&lt;script&gt;">'
        "&lt;b&gt;&quot;Red&quot; &amp; co&lt;/b&gt;</strong>\n"
    )
    assert page.render(Context({"state": Colour.BLUE})) == (
        '\n<strong class="govuk-tag">Blue</strong>\n'
    )


def test_a_day_is_formatted_as_the_date_filter_formats_it():
    from datetime import date, datetime

    from django.template import Context, Template
    from django.utils import translation

    page = Template('{% load govuk %}{{ value|day:"j M Y" }}|{{ value|date:"j M Y" }}')
    for value in (date(2027, 3, 31), date(2026, 9, 1), datetime(2026, 9, 1, 23, 30)):
        for language in ("en-gb", "cy"):
            with translation.override(language):
                mine, django = page.render(Context({"value": value})).split("|")
                assert mine == django
    assert page.render(Context({"value": None})) == "|"
    assert page.render(Context({"value": "<b>"})) == "|"


# --- the form and field templates written out whole ------------------------------


class EveryKindOfField(forms.Form):
    title = forms.CharField(max_length=10, help_text='Short, <b>"plain"</b> & clear')
    notes = forms.CharField(
        widget=forms.Textarea, required=False, label='Notes & "things" <i>'
    )
    agree = forms.BooleanField(required=False, help_text="Tick <it>")
    must = forms.BooleanField(label="I must")
    rag = forms.ChoiceField(
        widget=forms.RadioSelect,
        choices=[("red", "Red"), ("amber", gettext_lazy("Amber"))],
        help_text=gettext_lazy("Pick one"),
    )
    kinds = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        choices=[("a", "A"), ("b", "<B>")],
        required=False,
    )
    due = GovukDateField(required=False, label="Due by")
    when = GovukDateField(help_text="For example, 27 3 2027")
    secret = forms.CharField(widget=forms.HiddenInput, required=False)
    other_secret = forms.CharField(widget=forms.HiddenInput)
    unlabelled = forms.CharField(label="", required=False)
    described = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"aria-describedby": "elsewhere"})
    )
    count = forms.IntegerField(min_value=0, required=False)
    colour = forms.ChoiceField(choices=[("", "---"), ("1", '"one"')], required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("notes") == "refuse":
            raise forms.ValidationError("Refused <b>whole</b>")
        return cleaned


FORM_DATA = [
    None,
    {},
    {
        "title": '<script>alert("x")</script> far too long',
        "rag": "purple",
        "kinds": ["a", "z"],
        "due-day": "31",
        "due-month": "2",
        "due-year": "2026",
        "when-day": "x",
        "count": "-1",
        "notes": "refuse",
        "secret": '"><b>',
        "colour": "9",
    },
    {
        "title": "ok",
        "must": "on",
        "rag": "red",
        "when-day": "27",
        "when-month": "3",
        "when-year": "2027",
        "other_secret": "s",
        "notes": "refuse",
    },
]


def template_form_html(form, monkeypatch):
    """The form drawn through its templates (the widgets still written out:
    the tests above hold them to their templates)."""
    from governance import forms_rendering

    with monkeypatch.context() as patch:
        patch.setattr(forms_rendering, "written_whole", {})
        return str(form)


@pytest.mark.parametrize(
    "data", FORM_DATA, ids=lambda d: "unbound" if d is None else f"{len(d)} values"
)
@pytest.mark.parametrize(
    "options", [{}, {"prefix": "p<x>"}, {"auto_id": False}], ids=repr
)
def test_a_form_is_written_as_its_templates_draw_it(data, options, monkeypatch):
    form = EveryKindOfField(data, renderer=GovukFormRenderer(), **options)
    if data is not None:
        form.is_valid()
    written = str(form)
    assert written == template_form_html(form, monkeypatch)
    assert "govuk-form-group" in written


def test_no_form_or_field_template_is_drawn(monkeypatch):
    form = EveryKindOfField(FORM_DATA[2], renderer=GovukFormRenderer())
    form.is_valid()

    def refuse(self, template_name):
        raise AssertionError(f"{template_name} drawn through its template")

    monkeypatch.setattr(GovukFormRenderer, "get_template", refuse)
    assert "govuk-error-message" in str(form)


def test_a_label_that_is_not_text_goes_to_the_template(monkeypatch):
    form = EveryKindOfField(renderer=GovukFormRenderer())
    form.fields["title"].label = 2027
    assert str(form) == template_form_html(form, monkeypatch)
    assert ">2027</label>" in str(form)
