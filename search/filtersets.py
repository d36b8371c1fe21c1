"""The search page's words and filters; the query string is the bookmark
(`/search/?q=renewal&kind=decision&committee=3&from=1/4/2022&to=31/3/2023`)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from decisions.filtersets import committees_of
from decisions.models import Committee
from governance.date_input import GovukDateFilter
from governance.filtersets import GovukFilterSet

from .sources import MAX_LENGTH, Kind


class SearchFilterSet(GovukFilterSet):
    """Only the form is used: `search.sources.search()` applies the values
    to each kind of record in its own way (see docs/search.md)."""

    error_nouns = {
        "kind": _("what to search"),
        "committee": _("the committee"),
    }

    q = django_filters.CharFilter(label=_("Search words"), max_length=MAX_LENGTH)
    kind = django_filters.ChoiceFilter(
        label=_("What to search"), choices=Kind.choices, empty_label=_("Everything")
    )
    committee = django_filters.ModelChoiceFilter(
        label=_("Committee"),
        queryset=committees_of,
        empty_label=_("Any committee"),
        help_text=_("Reports, decisions and meetings of this committee."),
    )

    def __init__(self, data=None, queryset=None, **kwargs):
        # django-filter wants a queryset; the form alone is used here.
        super().__init__(data, queryset=Committee.objects.none(), **kwargs)

    # `from` is a Python keyword: the two dates are added to the class's
    # namespace by name (a class body's namespace is a plain dict).
    vars().update(
        {
            "from": GovukDateFilter(
                label=_("From"), error_name=_("the date to search from")
            ),
            "to": GovukDateFilter(label=_("To"), error_name=_("the date to search to")),
        }
    )
