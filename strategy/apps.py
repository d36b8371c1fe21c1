from django.apps import AppConfig


class StrategyConfig(AppConfig):
    """Strategies, themes, objectives and risks (built in a later issue)."""

    name = "strategy"
    verbose_name = "Strategies"
