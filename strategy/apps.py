from django.apps import AppConfig


class StrategyConfig(AppConfig):
    """Strategies, themes, objectives and risks."""

    name = "strategy"
    verbose_name = "Strategies"

    def ready(self):
        from decisions import decidable

        from . import home  # noqa: F401  (registers the home page panels)
        from .models import Strategy

        def awaiting_decision(organisation):
            return Strategy.objects.for_organisation(organisation).filter(
                status__in=["scrutiny", "approval"]
            )

        decidable.register(Strategy, awaiting_decision)
