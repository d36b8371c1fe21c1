"""Render Django forms with GOV.UK Frontend 6 markup.

Settings: ``FORM_RENDERER = "governance.forms_rendering.GovukFormRenderer"``.

- ``{{ form }}`` renders ``templates/forms/govuk_form.html``: hidden fields,
  then every visible field through ``templates/forms/govuk_field.html`` (a
  ``govuk-form-group`` with label or fieldset legend, hint, error message and
  widget). The error summary is not part of the form: include
  ``components/error_summary.html`` at the top of the page.
- ``GovukBoundField`` gives each widget its GOV.UK classes (``govuk-input``,
  ``govuk-select``, ... and the ``--error`` modifiers), points
  ``aria-describedby`` at the GOV.UK hint/error ids (``<id>-hint``,
  ``<id>-error``), marks the wrong boxes of a GOV.UK date input
  (``governance/date_input.py``), and tells the error summary which element
  to link to (a date's first wrong box).
- Radios, multiple checkboxes and file inputs use our templates under
  ``templates/forms/widgets/``; every other widget keeps Django's own template.

Markup comes from Django templates, so user-supplied values (labels from the
database, submitted data, error messages) stay autoescaped. The one exception
is ``written_out``: the commonest widgets (``<input>`` of every type, hidden
fields included, ``<textarea>`` and ``<select>``) are written out in Python,
byte for byte what their templates give, every value escaped as the template
language escapes it (``conditional_escape``). A template render is about a
third of a millisecond a widget: an agenda's formset of twenty-odd hidden
fields, titles and report lists spent most of its page there.
"""

import copy

from django.forms import widgets
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates, TemplatesSetting
from django.template import TemplateDoesNotExist
from django.utils.functional import Promise, cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

from .date_input import PARTS, GovukDateInput, date_problem

# Text-like <input> types that take the `govuk-input` class.
_GOVUK_INPUT_TYPES = {
    "text",
    "email",
    "password",
    "number",
    "url",
    "tel",
    "search",
    "date",
    "datetime-local",
    "time",
}


def _join_classes(*classes):
    seen = []
    for group in classes:
        for cls in (group or "").split():
            if cls not in seen:
                seen.append(cls)
    return " ".join(seen)


class GovukBoundField(BoundField):
    """A BoundField that produces GOV.UK Frontend attributes for its widget."""

    @property
    def hint_id(self):
        return f"{self.auto_id}-hint" if self.auto_id and self.help_text else ""

    @property
    def error_id(self):
        return f"{self.auto_id}-error" if self.auto_id and self.errors else ""

    @property
    def aria_describedby(self):
        # Same contract as Django's: None when the widget sets its own.
        if self.field.widget.attrs.get("aria-describedby"):
            return None
        if self.is_hidden:
            return ""
        return " ".join(i for i in (self.hint_id, self.error_id) if i)

    @property
    def govuk_error_target(self):
        """The id the error summary links to: the first focusable element."""
        widget = self.field.widget
        id_ = widget.attrs.get("id") or self.auto_id
        if not id_:
            return ""
        if isinstance(widget, widgets.RadioSelect):
            # forms/widgets/radios.html and checkboxes.html give the first
            # option the field's own id, as GOV.UK Frontend does.
            return id_
        if isinstance(widget, GovukDateInput):
            return f"{id_}-{(self.date_error_parts or PARTS)[0]}"
        return widget.id_for_label(id_) or id_

    @property
    def date_error_parts(self):
        """The boxes of a date input to show in error: those the typed date
        gets wrong, or all three when the form refuses the whole date."""
        if not self.errors:
            return ()
        problem = date_problem(self.value()) if self.form.is_bound else None
        if problem is None or problem.code == "required":
            return PARTS
        return problem.parts

    def govuk_widget_class(self, widget):
        """GOV.UK classes for ``widget``, in its current error state."""
        error = bool(self.errors)
        if isinstance(widget, GovukDateInput):
            # Each box has its classes (`GovukDateInput.get_context`).
            return ""
        if isinstance(widget, widgets.RadioSelect):
            # Also covers CheckboxSelectMultiple. Django copies these attrs
            # onto every option's <input>.
            if isinstance(widget, widgets.CheckboxSelectMultiple):
                return "govuk-checkboxes__input"
            return "govuk-radios__input"
        if isinstance(widget, widgets.CheckboxInput):
            return "govuk-checkboxes__input"
        if isinstance(widget, widgets.Textarea):
            return "govuk-textarea" + (" govuk-textarea--error" if error else "")
        if isinstance(widget, (widgets.Select, widgets.SelectDateWidget)):
            return "govuk-select" + (" govuk-select--error" if error else "")
        if isinstance(widget, widgets.FileInput):
            return "govuk-file-upload" + (" govuk-file-upload--error" if error else "")
        if isinstance(widget, widgets.MultiWidget) or (
            isinstance(widget, widgets.Input)
            and widget.input_type in _GOVUK_INPUT_TYPES
        ):
            return "govuk-input" + (" govuk-input--error" if error else "")
        return ""

    def build_widget_attrs(self, attrs, widget=None):
        widget = widget or self.field.widget
        attrs = super().build_widget_attrs(attrs, widget)
        # Attrs passed here override the widget's own, so merge any classes
        # the form author set on the widget (e.g. "govuk-input--width-10").
        classes = _join_classes(
            self.govuk_widget_class(widget),
            widget.attrs.get("class"),
            attrs.get("class"),
        )
        if classes and not widget.is_hidden:
            attrs["class"] = classes
        return attrs

    def as_widget(self, widget=None, attrs=None, only_initial=False):
        widget = widget or self.field.widget
        if isinstance(widget, GovukDateInput) and self.errors:
            widget = copy.copy(widget)
            widget.error_parts = self.date_error_parts
        return super().as_widget(widget, attrs, only_initial)


class GovukFormRenderer(TemplatesSetting):
    """Form renderer producing GOV.UK Frontend markup.

    Templates come from ``settings.TEMPLATES`` (our ``templates/`` directory),
    with a few of Django's widget templates swapped for GOV.UK ones. Django's
    own form templates are used from ``django.forms`` when it is installed,
    and from Django's bundled template directory otherwise.
    """

    form_template_name = "forms/govuk_form.html"
    field_template_name = "forms/govuk_field.html"
    bound_field_class = GovukBoundField

    widget_template_overrides = {
        "django/forms/widgets/select.html": "forms/widgets/select.html",
        "django/forms/widgets/radio.html": "forms/widgets/radios.html",
        "django/forms/widgets/checkbox_select.html": "forms/widgets/checkboxes.html",
        "django/forms/widgets/clearable_file_input.html": (
            "forms/widgets/clearable_file_input.html"
        ),
    }

    def render(self, template_name, context, request=None):
        whole = written_whole.get(template_name)
        if whole is not None:
            html = whole(context)
            if html is not None:
                # Every value in it was escaped by `conditional_escape`;
                # stripped as Django strips what a template draws.
                return mark_safe(html.strip())  # noqa: S308
        write = written_out.get(template_name)
        if write is not None and "widget" in context:
            html = write(context["widget"])
            if html is not None:
                # Every value in it was escaped by `conditional_escape`.
                return mark_safe(html.strip())  # noqa: S308
        return super().render(template_name, context, request)

    @cached_property
    def _django_forms_renderer(self):
        return DjangoTemplates()

    def get_template(self, template_name):
        template_name = self.widget_template_overrides.get(template_name, template_name)
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            if not template_name.startswith("django/forms/"):
                raise
            return self._django_forms_renderer.get_template(template_name)


# --- widgets written out in Python ----------------------------------------------


def _as_string(value):
    """`{{ value|stringformat:'s' }}`: "%s" of it, kept safe when it was."""
    text = "%s" % (value,)  # noqa: UP031 - the filter's own formatting
    # Safe only when the value was already (the filter's `is_safe`).
    return mark_safe(text) if isinstance(value, SafeData) else text  # noqa: S308


def _attrs(attrs):
    """`django/forms/widgets/attrs.html`."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(_as_string(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget):
    """`django/forms/widgets/input.html` (and every template that only
    includes it: text, hidden, number, email, ...)."""
    value = widget["value"]
    value = "" if value is None else f' value="{conditional_escape(_as_string(value))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}"'
        f' name="{conditional_escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>'
    )


def _textarea(widget):
    """`django/forms/widgets/textarea.html`."""
    value = widget["value"]
    if not isinstance(value, (str, Promise, type(None))):
        return None  # the template language would localise it
    name = conditional_escape(widget["name"])
    return (
        f'<textarea name="{name}"{_attrs(widget["attrs"])}>'
        f"\n{conditional_escape(value) if value else ''}</textarea>"
    )


def _select(widget):
    """`forms/widgets/select.html`; None (drawn by the template) when an
    option has a template of its own or a label that is not text."""
    parts = [
        f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>'
    ]
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            if not isinstance(group_name, (str, Promise)):
                return None
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            label = option["label"]
            if option[
                "template_name"
            ] != "django/forms/widgets/select_option.html" or not isinstance(
                label, (str, Promise)
            ):
                return None
            parts.append(
                f'\n  <option value="{conditional_escape(_as_string(option["value"]))}"'
                f"{_attrs(option['attrs'])}>{conditional_escape(label)}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _choice_option(option, option_id, item_class, label_class):
    """`forms/widgets/choice_option.html` (with `forms/widgets/attrs.html`
    for the option's attributes but its id)."""
    id_part = for_part = ""
    if option_id:
        id_part = f' id="{conditional_escape(option_id)}"'
        for_part = f' for="{conditional_escape(option_id)}"'
    attrs = "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(_as_string(value))}"'
        for name, value in option["attrs"].items()
        if name != "id" and value is not False and value is not None
    )
    return (
        f'<div class="{item_class}">\n'
        f'  <input type="{conditional_escape(option["type"])}"'
        f' name="{conditional_escape(option["name"])}"'
        f' value="{conditional_escape(_as_string(option["value"]))}"{id_part}{attrs}>\n'
        f'  <label class="govuk-label {label_class}"{for_part}>'
        f"{conditional_escape(option['label'])}</label>\n</div>"
    )


def _choices(kind):
    """`forms/widgets/radios.html` (kind "radios") or `checkboxes.html`
    ("checkboxes"), as a function of the widget; it gives None (drawn by
    the template) when an option's label or a group's name is not text.
    The first option takes the field's own id, as in the templates (which
    draw every option with `forms/widgets/choice_option.html`, whatever
    the widget's own option template)."""
    item_class, label_class = f"govuk-{kind}__item", f"govuk-{kind}__label"

    def write(widget):
        parts = [f'<div class="govuk-{kind}" data-module="govuk-{kind}">\n']
        field_id = widget["attrs"].get("id")
        for group, (group_name, group_choices, _index) in enumerate(
            widget["optgroups"]
        ):
            if group_name:
                if not isinstance(group_name, (str, Promise)):
                    return None
                parts.append(
                    '\n  <p class="govuk-body govuk-!-font-weight-bold '
                    f'govuk-!-margin-bottom-2">{conditional_escape(group_name)}</p>'
                )
            parts.append("\n")
            for position, option in enumerate(group_choices):
                if not isinstance(option["label"], (str, Promise)):
                    return None
                first = group == 0 and position == 0 and field_id
                option_id = field_id if first else option["attrs"].get("id")
                parts.append(
                    "\n  "
                    + _choice_option(option, option_id, item_class, label_class)
                    + "\n"
                )
        parts.append("\n</div>")
        return "".join(parts)

    return write


def _date_input(widget):
    """`forms/widgets/date_input.html` (`governance.date_input.GovukDateInput`):
    the Day, Month and Year boxes, each a text input; None (drawn by the
    template) when a box has a template not written out here."""
    id_ = widget["attrs"].get("id")
    parts = [
        '<div class="govuk-date-input"'
        + (f' id="{conditional_escape(id_)}"' if id_ else "")
        + ">\n"
    ]
    for box in widget["subwidgets"]:
        write = written_out.get(box["template_name"])
        if write is not _input:
            return None
        box_id = box["attrs"].get("id")
        label_for = f' for="{conditional_escape(box_id)}"' if box_id else ""
        parts.append(
            '\n  <div class="govuk-date-input__item">\n'
            '    <div class="govuk-form-group">\n'
            f'      <label class="govuk-label govuk-date-input__label"{label_for}>'
            f"{conditional_escape(box['label'])}</label>\n"
            f"      {_input(box)}\n\n\n"
            "    </div>\n  </div>\n"
        )
    parts.append("\n</div>")
    return "".join(parts)


#: Widget templates written out in Python (`GovukFormRenderer.render`), by
#: the name the widget asks for.
written_out = {
    f"django/forms/widgets/{name}.html": _input
    for name in (
        "input",
        "hidden",
        "text",
        "number",
        "email",
        "url",
        "password",
        "search",
        "tel",
        "date",
        "datetime",
        "time",
        "color",
        "checkbox",
    )
} | {
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/radio.html": _choices("radios"),
    "django/forms/widgets/checkbox_select.html": _choices("checkboxes"),
    "forms/widgets/date_input.html": _date_input,
}


# --- the form and field templates written out in Python --------------------------


def _error_message(field):
    """The error message of `forms/govuk_field.html`."""
    if not field.errors:
        return ""
    error_id = (
        f' id="{conditional_escape(field.auto_id)}-error"' if field.auto_id else ""
    )
    errors = "<br>".join(
        f'<span class="govuk-visually-hidden">Error:</span> {conditional_escape(error)}'
        for error in field.errors
    )
    return f'<p{error_id} class="govuk-error-message">{errors}</p>'


def _hint(field, hint_class):
    """The hint of `forms/govuk_field.html`."""
    if not field.help_text:
        return ""
    hint_id = f' id="{conditional_escape(field.auto_id)}-hint"' if field.auto_id else ""
    hint = conditional_escape(field.help_text)
    return f'<div{hint_id} class="{hint_class}">{hint}</div>'


def _field_group(context):
    """`forms/govuk_field.html`, byte for byte: one bound field as a GOV.UK
    form group (every field of every form is drawn by it). None (drawn by
    the template) when its label or help text is not text."""
    field = context["field"]
    label, help_text = field.label, field.help_text
    if not all(isinstance(text, (str, Promise)) for text in (label, help_text)):
        return None
    group_error = " govuk-form-group--error" if field.errors else ""
    label_for = (
        f' for="{conditional_escape(field.id_for_label)}"' if field.id_for_label else ""
    )
    optional = "" if field.field.required else " (optional)"
    error = _error_message(field)
    widget = conditional_escape(field)
    if field.widget_type == "checkbox":
        body = (
            f"\n  {error}\n\n"
            '  <div class="govuk-checkboxes govuk-checkboxes--small"'
            ' data-module="govuk-checkboxes">\n'
            '    <div class="govuk-checkboxes__item">\n'
            f"      {widget}\n"
            f'      <label class="govuk-label govuk-checkboxes__label"{label_for}>'
            f"{conditional_escape(label)}</label>\n"
            f"      {_hint(field, 'govuk-hint govuk-checkboxes__hint')}\n"
            "    </div>\n  </div>\n"
        )
    elif field.use_fieldset:
        described = field.aria_describedby
        described = (
            f' aria-describedby="{conditional_escape(described)}"' if described else ""
        )
        legend = (
            '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">'
            f"{conditional_escape(label)}{optional}</legend>"
            if label
            else ""
        )
        body = (
            f'\n  <fieldset class="govuk-fieldset"{described}>\n'
            f"    {legend}\n"
            f"    {_hint(field, 'govuk-hint')}\n\n"
            f"    {error}\n\n"
            f"    {widget}\n"
            "  </fieldset>\n"
        )
    else:
        label_tag = (
            f'<label class="govuk-label govuk-label--s"{label_for}>'
            f"{conditional_escape(label)}{optional}</label>"
            if label
            else ""
        )
        body = (
            f"\n  {label_tag}\n"
            f"  {_hint(field, 'govuk-hint')}\n\n"
            f"  {error}\n\n"
            f"  {widget}\n"
        )
    return f'\n<div class="govuk-form-group{group_error}">\n{body}\n</div>\n'


def _form(context):
    """`forms/govuk_form.html`, byte for byte: the hidden fields, then each
    visible field as its form group."""
    hidden = "".join(
        str(conditional_escape(field)) for field in context["hidden_fields"]
    )
    groups = "".join(
        f"\n{conditional_escape(field.as_field_group())}\n"
        for field, _errors in context["fields"]
    )
    return f"\n{hidden}\n{groups}\n"


#: Form and field templates written out in Python, by their names.
written_whole = {
    "forms/govuk_field.html": _field_group,
    "forms/govuk_form.html": _form,
}
