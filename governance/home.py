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
    template: str
    context: dict

    def render(self, request):
        """The panel's body (autoescaped by its template)."""
        return render_to_string(self.template, self.context, request)


_PANELS = []


def register_panel(function):
    """Register `function(request) -> Panel | None` for the home page."""
    _PANELS.append(function)
    return function


def panels_for(request):
    if getattr(request, "organisation", None) is None:
        return []
    return [
        {"title": panel.title, "html": panel.render(request)}
        for function in _PANELS
        if (panel := function(request))
    ]
