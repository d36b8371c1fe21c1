from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    """Committees, meetings, reports and decision records."""

    name = "decisions"
    verbose_name = "Committees and decisions"

    def ready(self):
        from . import notices

        # What followers are told (`governance.notifications`).
        notices.register()
        from django.db.models.signals import post_save

        from governance.models import Organisation

        from . import (
            home,  # noqa: F401  (registers the home page panels)
            papers,  # noqa: F401  (registers its kinds of paper)
        )

        post_save.connect(
            give_new_council_its_report_template,
            sender=Organisation,
            dispatch_uid="decisions.report_template",
        )


def give_new_council_its_report_template(sender, instance, created, raw, **kwargs):
    """Every new council starts with the standard implication headings."""
    if created and not raw:
        from .report_template import set_up

        set_up(instance)
