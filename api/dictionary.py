"""The data dictionary: every field of every record the API publishes, with
its type, its meaning and, for a status or category, each value it may
take. Read from the serializers (and through them the models' labels, help
texts and choices), so the page cannot drift from what the API sends."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from drf_spectacular.drainage import get_override
from rest_framework import serializers as drf

from . import views

#: (heading, list address under /api/v1/councils/<council>/, the list's view).
RECORDS = [
    (_("Council"), "", views.CouncilDetailView),
    (_("Decision record"), "decisions/", views.DecisionViewSet),
    (_("Meeting"), "meetings/", views.MeetingViewSet),
    (_("Report"), "reports/", views.ReportViewSet),
    (_("Committee"), "committees/", views.CommitteeViewSet),
    (_("Forward plan entry"), "forward-plan/", views.ForwardPlanView),
    (_("Strategy"), "strategies/", views.StrategyViewSet),
    (_("Theme"), "themes/", views.ThemeViewSet),
    (_("Workplan"), "workplans/", views.WorkplanViewSet),
    (_("Workplan item"), "workplans/<id>/items/", views.WorkplanItemsView),
    (_("Review"), "reviews/", views.ReviewViewSet),
]

#: How each kind of value is written, most specific first.
TYPES = [
    (drf.ChoiceField, _("one of the values listed")),
    (drf.URLField, _("web address")),
    (drf.BooleanField, _("true or false")),
    (drf.DateTimeField, _("date and time (ISO 8601, with its offset from UTC)")),
    (drf.DateField, _("date (YYYY-MM-DD)")),
    (drf.DecimalField, _("decimal number, written as text")),
    (drf.IntegerField, _("whole number")),
    (drf.CharField, _("text")),
    (drf.SlugRelatedField, _("text")),
]


@dataclass
class Field:
    name: str
    type: str
    description: str
    nullable: bool = False
    values: list = field(default_factory=list)


@dataclass
class Record:
    title: str
    slug: str
    path: str
    description: str
    fields: list


def describe(name, serializer_field):
    """The sentence describing a field: its help text, else its label."""
    if name == "id" and not serializer_field.help_text:
        return str(_("Its identifier: stable, and never used for another record."))
    text = str(serializer_field.help_text or serializer_field.label or "")
    text = text[:1].upper() + text[1:]
    if getattr(serializer_field, "allow_blank", False) and isinstance(
        serializer_field, drf.ChoiceField
    ):
        text += str(_(" (empty where not stated)"))
    return text


def type_of(serializer_field):
    for kind, label in TYPES:
        if isinstance(serializer_field, kind):
            return str(label)
    return str(_("text"))


def declared(serializer_field):
    """What a method field holds, as `extend_schema_field` declares it."""
    if isinstance(serializer_field, drf.SerializerMethodField):
        method = getattr(serializer_field.parent, serializer_field.method_name)
        return get_override(method, "field", serializer_field)
    return serializer_field


def fields_of(serializer, prefix=""):
    """Field rows for `serializer`, nested ones with dotted names."""
    rows = []
    for name, serializer_field in serializer.fields.items():
        full = f"{prefix}{name}"
        description = describe(name, serializer_field)
        held = declared(serializer_field)
        if isinstance(held, type):
            held = held()
        nullable = bool(
            getattr(serializer_field, "allow_null", False)
            or getattr(held, "allow_null", False)
        )
        if isinstance(held, drf.ListSerializer):
            rows.append(Field(full, str(_("list of objects")), description))
            rows.extend(fields_of(held.child, f"{full}[]."))
        elif isinstance(held, drf.ManyRelatedField):
            rows.append(Field(full, str(_("list of text")), description))
        elif isinstance(held, drf.Serializer):
            rows.append(Field(full, str(_("object")), description, nullable))
            rows.extend(fields_of(held, f"{full}."))
        else:
            values = []
            if isinstance(held, drf.ChoiceField):
                values = [(value, str(label)) for value, label in held.choices.items()]
            rows.append(Field(full, type_of(held), description, nullable, values))
    return rows


def records():
    """Every record type the API publishes, with its fields."""
    result = []
    for title, path, view in RECORDS:
        serializer_class = view.serializer_class
        result.append(
            Record(
                title=str(title),
                slug=serializer_class.__name__.removesuffix("Serializer").lower(),
                path=path,
                description=" ".join((view.__doc__ or "").split()),
                fields=fields_of(serializer_class(context={})),
            )
        )
    return result
