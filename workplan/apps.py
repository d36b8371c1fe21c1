from django.apps import AppConfig


class WorkplanConfig(AppConfig):
    """Annual workplans, items, reviews and variations (built in a later issue)."""

    name = "workplan"
    verbose_name = "Workplans"
