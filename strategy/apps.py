from django.apps import AppConfig


class StrategyConfig(AppConfig):
    """Strategies, themes, objectives and risks."""

    name = "strategy"
    verbose_name = "Strategies"

    def ready(self):
        from . import notices

        # What followers are told (`governance.notifications`).
        notices.register()
        from decisions import decidable, report_subjects

        from . import (
            home,  # noqa: F401  (registers the home page panels)
            papers,
        )
        from .models import Strategy
        from .report_draft import report_draft

        def awaiting_decision(organisation):
            return Strategy.objects.for_organisation(organisation).filter(
                status__in=["scrutiny", "approval"]
            )

        decidable.register(Strategy, awaiting_decision)

        # A committee report may present a strategy: its annexes are the
        # strategy in full and the strategy on a page.
        report_subjects.register(
            Strategy,
            lambda organisation: Strategy.objects.for_organisation(organisation),
            lambda strategy: [
                (
                    papers.strategy_paper_title(strategy),
                    papers.strategy_full_part(strategy),
                ),
                (
                    papers.strategy_on_a_page_title(strategy),
                    papers.strategy_on_a_page_part(strategy),
                ),
            ],
            papers.strategy_version,
            draft=report_draft,
        )
