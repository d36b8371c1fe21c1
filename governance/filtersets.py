"""The base of every list's filters: a django-filter FilterSet whose form is
a `GovukForm`, so a filter given a value it cannot use (a bookmark to a
theme since removed, a hand-edited address, "31 2 2026") gets the same
GOV.UK messages as every other form, shown in the list page's error summary
(`{% error_summary filter.form %}`) and next to the field."""

import django_filters

from .forms import GovukForm


class GovukFilterSet(django_filters.FilterSet):
    #: filter name → the noun phrase naming it in messages, where the one
    #: made from its label reads badly (as `GovukForm.error_nouns`).
    error_nouns = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A filter keeps the form field it first builds, with the choices of
        # the request it was built for. The copies made for this filterset
        # build their own from this request: never a field some code built
        # from the class's filters (the API schema's generator does, for
        # choice filters) with no request, or another council's choices.
        for filter_ in self.filters.values():
            filter_.__dict__.pop("_field", None)

    def get_form_class(self):
        # As django-filter's own, from this filterset's filters (which know
        # the request their choices depend on), on a `GovukForm`.
        attrs = {name: filter_.field for name, filter_ in self.filters.items()}
        attrs["error_nouns"] = self.error_nouns
        form_class = type(f"{type(self).__name__}Form", (GovukForm,), attrs)
        form_class.base_fields = FieldsOfOneForm(form_class.base_fields)
        return form_class


class FieldsOfOneForm(dict):
    """The fields of a form class made for one filterset (`get_form_class`),
    built for its request: its form takes them as they are, where Django
    deep-copies a form class's fields for each form (a copy of every
    field, widget and list of choices: about a tenth of the workplan
    page's time)."""

    def __deepcopy__(self, memo):
        return dict(self)
