from django.apps import AppConfig


class WorkplanConfig(AppConfig):
    """Annual workplans, items, milestones, departments."""

    name = "workplan"
    verbose_name = "Workplans"

    def ready(self):
        from decisions import decidable

        from . import home  # noqa: F401  (registers the home page panels)
        from .models import Workplan

        def awaiting_decision(organisation):
            return Workplan.objects.for_organisation(organisation).filter(
                status__in=["scrutiny", "approval"]
            )

        decidable.register(Workplan, awaiting_decision)
