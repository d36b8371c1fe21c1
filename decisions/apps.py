from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    """Committees, meetings, reports and decision records."""

    name = "decisions"
    verbose_name = "Committees and decisions"
