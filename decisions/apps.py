from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    """Committees, meetings, reports and decision records."""

    name = "decisions"
    verbose_name = "Committees and decisions"

    def ready(self):
        from . import (
            home,  # noqa: F401  (registers the home page panels)
            papers,  # noqa: F401  (registers its kinds of paper)
        )
