"""The home page's "what needs me now" panels, contributed by each app.

An app registers a function in its `AppConfig.ready()`; the home page calls
each with the request and shows the panels that have something to say, so
`governance` needs to know nothing about the apps that build on it.
"""

from dataclasses import dataclass

from django.template.loader import render_to_string


@dataclass(frozen=True)
class Panel:
    title: str
    template: str = ""
    context: dict | None = None
    #: The body drawn already (a panel kept in the cache), else None.
    html: str | None = None

    def render(self, request):
        """The panel's body (autoescaped by its template). Drawn from its
        context alone, without the request's context processors (the page's
        navigation, worked out again for every panel): a panel's context
        holds all it prints."""
        if self.html is not None:
            return self.html
        return render_to_string(self.template, self.context)


_PANELS = []


def register_panel(function=None, *, order=100):
    """Register `function(request) -> Panel | None` for the home page, as
    `@register_panel` or `@register_panel(order=10)`: panels are shown in
    `order` (what matters most first), then in the order registered."""

    def register(function):
        _PANELS.append((order, len(_PANELS), function))
        return function

    return register(function) if function is not None else register


def panels_for(request):
    if getattr(request, "organisation", None) is None:
        return []
    return [
        {"title": panel.title, "html": panel.render(request)}
        for _order, _index, function in sorted(_PANELS, key=lambda entry: entry[:2])
        if (panel := function(request))
    ]
