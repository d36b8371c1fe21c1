"""Error messages in the GOV.UK style for every field of every form.

GOV.UK's error messages say what went wrong and how to fix it, naming the
field: "Enter the title", "Select the meeting", "Title must be 300
characters or fewer". Django's own ("This field is required.", "Select a
valid choice. …", "Ensure this value has at most 300 characters …") name
nothing. `GovukMessagesMixin` (the first base of `GovukForm` and
`GovukModelForm`, which every form of the project extends) fills in, just
before a form is checked, every message of every field that is still
Django's default, from the field's label:

- a missing answer: "Select <noun>" for choices (selects, radios,
  checkboxes, files), "Enter <noun>" for everything typed;
- too long or too short: "<Label> must be 300 characters or fewer/more";
- wrong format: "<Label> must be a whole number", "… a number",
  "… a real date", "Enter <noun> in the correct format, like …";
- out of range: "<Label> must be 5 or more", "… 100 or less";
- a choice not offered (a page left open while the list changed):
  "Select <noun> from the list";
- a hidden field (the version, a row's order): "Reload the page …".

<noun> is the label lower-cased with "the" in front ("Title" → "the
title"). Where that reads badly (a label that is a question, "Which council
are you working in?"), the form names the field in `error_nouns`
(`{"organisation": _("the council you are working in")}`), or gives the
message itself in `error_messages` as Django allows: a message that is not
Django's default is never replaced. `tests/governance/test_error_messages.py`
checks every form of the project.
"""

import functools

from django import forms
from django.forms.utils import pretty_name
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

RELOAD = gettext_lazy("The page was out of date. Reload the page and try again.")

#: Words that already make a label a noun phrase ("Your name", "The date").
_DETERMINERS = {"the", "a", "an", "your", "their", "its", "this", "each", "any"}

_CHOOSING_WIDGETS = (forms.Select, forms.RadioSelect, forms.CheckboxSelectMultiple)


def _django_defaults(field):
    """The messages Django's own field classes give `field` by default."""
    return _class_defaults(type(field), translation.get_language())


@functools.cache
def _class_defaults(field_class, language):
    return {
        str(message)
        for cls in field_class.__mro__
        if cls.__module__.startswith("django.")
        for message in vars(cls).get("default_error_messages", {}).values()
    }


def _lower_first(text):
    """ "Title" → "title", but "ICT strategy" stays as it is."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def noun_for(label):
    """The noun phrase naming a field in its messages: "the title"."""
    text = str(label).strip().rstrip(".:")
    text = _lower_first(text)
    if text.split(" ", 1)[0].lower() in _DETERMINERS:
        return text
    return _("the %(label)s") % {"label": text}


def _escape(text):
    # Messages of validators carrying params are %-formatted when shown.
    return str(text).replace("%", "%%")


def _is_choice(field):
    return isinstance(
        field, (forms.ChoiceField, forms.ModelChoiceField, forms.FileField)
    ) or isinstance(field.widget, _CHOOSING_WIDGETS)


def govuk_messages(field, label, noun=None):
    """GOV.UK messages for `field`, labelled `label`, by error code.

    They depend only on the field's and widget's classes, whether the
    widget is hidden, the label, the noun and the language: worked out once
    for each (every form builds them for every field on every request)."""
    key = (
        type(field),
        type(field.widget),
        field.widget.is_hidden,
        str(label),
        None if noun is None else str(noun),
        translation.get_language(),
    )
    messages = _worked_out.get(key)
    if messages is None:
        messages = _govuk_messages(field, label, noun)
        if len(_worked_out) >= _WORKED_OUT_LIMIT:
            _worked_out.clear()
        _worked_out[key] = messages
    return dict(messages)


#: `govuk_messages` worked out, by key (a few hundred fields in all; the
#: limit only guards against labels made per request).
_worked_out = {}
_WORKED_OUT_LIMIT = 5000


def _govuk_messages(field, label, noun=None):
    if field.widget.is_hidden:
        return dict.fromkeys(
            [
                "required",
                "invalid",
                "invalid_choice",
                "invalid_list",
                "invalid_pk_value",
                "max_length",
                "min_length",
                "min_value",
                "max_value",
                "step_size",
            ],
            RELOAD,
        )
    if noun:
        name = _escape(capfirst(str(noun)))
    else:
        name = _escape(capfirst(str(label).strip().rstrip(".:")))
    noun = _escape(noun or noun_for(label))
    choosing = _is_choice(field)
    messages = {}
    if isinstance(field, forms.BooleanField):
        messages["required"] = _("Select “%(label)s” to continue") % {"label": name}
    elif choosing:
        messages["required"] = _("Select %(noun)s") % {"noun": noun}
    else:
        messages["required"] = _("Enter %(noun)s") % {"noun": noun}
    if choosing and not isinstance(field, forms.FileField):
        select = _("Select %(noun)s from the list") % {"noun": noun}
        messages.update(invalid_choice=select, invalid_list=select)
        messages["invalid_pk_value"] = select
    messages["max_length"] = _(
        "%(name)s must be %%(limit_value)d characters or fewer"
    ) % {"name": name}
    messages["min_length"] = _(
        "%(name)s must be %%(limit_value)d characters or more"
    ) % {"name": name}
    messages["min_value"] = _("%(name)s must be %%(limit_value)s or more") % {
        "name": name
    }
    messages["max_value"] = _("%(name)s must be %%(limit_value)s or less") % {
        "name": name
    }
    messages["step_size"] = _("%(name)s must be a multiple of %%(limit_value)s") % {
        "name": name
    }
    if isinstance(field, forms.IntegerField):
        messages["invalid"] = _("%(name)s must be a whole number") % {"name": name}
    elif isinstance(field, (forms.DecimalField, forms.FloatField)):
        messages["invalid"] = _("%(name)s must be a number") % {"name": name}
        messages["max_digits"] = _("%(name)s must be %%(max)s digits or fewer") % {
            "name": name
        }
        messages["max_decimal_places"] = _(
            "%(name)s must have %%(max)s decimal places or fewer"
        ) % {"name": name}
        messages["max_whole_digits"] = messages["max_digits"]
    elif isinstance(field, forms.EmailField):
        messages["invalid"] = _(
            "Enter %(noun)s in the correct format, like name@example.gov.uk"
        ) % {"noun": noun}
    elif isinstance(field, forms.URLField):
        messages["invalid"] = _(
            "Enter %(noun)s in the correct format, like https://www.example.gov.uk"
        ) % {"noun": noun}
    elif isinstance(field, forms.DateTimeField):
        messages["invalid"] = _("%(name)s must be a real date and time") % {
            "name": name
        }
    elif isinstance(field, forms.DateField):
        messages["invalid"] = _("%(name)s must be a real date") % {"name": name}
    elif isinstance(field, forms.TimeField):
        messages["invalid"] = _("%(name)s must be a real time") % {"name": name}
    elif isinstance(field, forms.FileField):
        messages.update(
            invalid=_("The selected file could not be read. Select it again"),
            missing=_("Select %(noun)s") % {"noun": noun},
            empty=_("The selected file is empty"),
            contradiction=_(
                "Either select a new file or remove the current one, not both"
            ),
        )
        messages["max_length"] = _(
            "The name of the selected file must be %%(max)d characters or fewer"
        )
    elif isinstance(field, forms.MultiValueField):
        messages["incomplete"] = _("Enter %(noun)s in full") % {"noun": noun}
        messages["invalid"] = _("Enter %(noun)s in the correct format") % {"noun": noun}
    else:
        messages["invalid"] = _("Enter %(noun)s in the correct format") % {"noun": noun}
    if isinstance(field, forms.models.InlineForeignKeyField):
        messages["invalid_choice"] = RELOAD
    return messages


def _record_noun(model, name, field, label):
    """ "the title of the strategy": a one-word label of a typed field of
    a model form names its record too (not "the risk of the risk")."""
    if model is None or _is_choice(field) or " " in str(label).strip():
        return None
    if name not in {f.name for f in model._meta.get_fields()}:
        return None
    record = str(model._meta.verbose_name)
    if str(label).strip().lower() in record.lower():
        return None
    return _("the %(label)s of the %(record)s") % {
        "label": _lower_first(str(label).strip()),
        "record": record,
    }


def apply_govuk_messages(form):
    """Give every field of `form` still carrying a Django default message
    the GOV.UK one (`govuk_messages`); messages the form sets stay."""
    nouns = getattr(form, "error_nouns", {})
    model = getattr(getattr(form, "_meta", None), "model", None)
    for name, field in form.fields.items():
        defaults = _django_defaults(field)
        label = field.label if field.label is not None else pretty_name(name)
        noun = nouns.get(name) or _record_noun(model, name, field, label)
        for code, message in govuk_messages(field, label, noun).items():
            current = field.error_messages.get(code)
            if current is None or str(current) in defaults:
                field.error_messages[code] = message


def drop_blank_radio_options(form):
    """A required choice drawn as radios offers no empty option (Django
    adds "- Select an option -" to a model field's choices that has no
    default): GOV.UK radios start with none selected instead."""
    for field in form.fields.values():
        widget = field.widget
        if (
            field.required
            and isinstance(widget, forms.RadioSelect)
            and not isinstance(widget, forms.CheckboxSelectMultiple)
            and not isinstance(field, forms.ModelChoiceField)
            and any(value == "" for value, _label in field.choices)
        ):
            field.choices = [
                (value, label) for value, label in field.choices if value != ""
            ]


class GovukMessagesMixin:
    """Gives a form's fields GOV.UK error messages (see the module) just
    before it is checked, when every field its `__init__` (or its formset)
    adds or relabels is in place."""

    #: field name → the noun phrase naming it in messages, where the one
    #: made from its label reads badly.
    error_nouns = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        drop_blank_radio_options(self)

    def full_clean(self):
        apply_govuk_messages(self)
        super().full_clean()


class GovukFormSetMixin:
    """A formset's own messages (rows posted, duplicates) in the GOV.UK
    style."""

    default_error_messages = {
        "missing_management_form": RELOAD,
        "too_many_forms": gettext_lazy("Remove rows until there are %(num)d or fewer"),
        "too_few_forms": gettext_lazy("Add rows until there are at least %(num)d"),
    }

    def get_unique_error_message(self, unique_check):
        names = [
            str(self.form.base_fields[name].label or pretty_name(name)).lower()
            if name in self.form.base_fields
            else pretty_name(name).lower()
            for name in unique_check
        ]
        return _("Two rows have the same %(fields)s. Change one of them") % {
            "fields": " and ".join(names)
        }

    def get_form_error(self):
        return _("Change the rows that repeat another row")


__all__ = [
    "GovukFormSetMixin",
    "GovukMessagesMixin",
    "apply_govuk_messages",
    "drop_blank_radio_options",
    "govuk_messages",
    "noun_for",
]
