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

    def get_form_class(self):
        # As django-filter's own, from this filterset's filters (which know
        # the request their choices depend on), on a `GovukForm`.
        attrs = {name: filter_.field for name, filter_ in self.filters.items()}
        attrs["error_nouns"] = self.error_nouns
        return type(f"{type(self).__name__}Form", (GovukForm,), attrs)
