"""The search page: words in, the council's records the person may read
out, best first (`search.sources`)."""

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from .filtersets import SearchFilterSet
from .sources import Kind, search

PER_PAGE = 20
#: Pages beyond this are not offered: refine the words instead.
MAX_PAGES = 10


class _Found:
    """The merged results as the paginator sees them: `count` in all, of
    which the first pages' worth were fetched."""

    def __init__(self, results, count):
        self.results, self.count = results, count

    def __len__(self):
        return self.count

    def __getitem__(self, index):
        return self.results[index]


def _page_number(value):
    try:
        return min(max(int(value), 1), MAX_PAGES)
    except (TypeError, ValueError):
        return 1


class SearchView(TemplateView):
    template_name = "search/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request = self.request
        filterset = SearchFilterSet(request.GET or None, request=request)
        context["filter"] = filterset
        if not filterset.is_bound or not filterset.form.is_valid():
            return context
        values = filterset.form.cleaned_data
        words = values.get("q") or ""
        context["words"] = words.strip()
        if not context["words"]:
            return context
        number = _page_number(request.GET.get("page"))
        kind = values.get("kind") or None
        found = search(
            request.user,
            request.organisation,
            words,
            kind=kind,
            committee=values.get("committee"),
            start=values.get("from"),
            end=values.get("to"),
            limit=number * PER_PAGE,
        )
        count = found.counts[kind] if kind else found.total
        paginator = Paginator(
            _Found(found.results, min(count, MAX_PAGES * PER_PAGE)), PER_PAGE
        )
        page = paginator.get_page(number)
        query = request.GET.copy()
        query.pop("page", None)
        context.update(
            searched=True,
            count=count,
            page_obj=page,
            results=page.object_list,
            kinds=[(key, label, found.counts[key]) for key, label in Kind.choices],
            chosen_kind=kind,
            query_without_page=query.urlencode(),
            more_than_shown=count > MAX_PAGES * PER_PAGE,
        )
        return context
