from django.apps import AppConfig


def install_tally(using="default", **kwargs):
    from . import tally

    tally.install(using=using)


class WorkplanConfig(AppConfig):
    """Annual workplans, items, milestones, departments."""

    name = "workplan"
    verbose_name = "Workplans"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import notices

        # The dashboard's counts are kept by triggers (`workplan.tally`),
        # installed and counted afresh after every migrate.
        post_migrate.connect(install_tally, sender=self)

        # What followers are told (`governance.notifications`).
        notices.register()
        from decisions import decidable, report_subjects

        from . import (
            home,  # noqa: F401  (registers the home page panels)
            papers,
        )
        from .models import Review, Variation, Workplan
        from .report_draft import review_report_draft, workplan_report_draft

        def awaiting_decision(organisation):
            return Workplan.objects.for_organisation(organisation).filter(
                status__in=["scrutiny", "approval"]
            )

        def variations_awaiting_agreement(organisation):
            # A variation adding an item to an approved plan: agreeing it
            # approves the item (`lifecycle.py`). Items themselves are
            # decided with their workplan or with their variation.
            return (
                Variation.objects.for_organisation(organisation)
                .awaiting_agreement()
                .select_related("item")
            )

        decidable.register(Workplan, awaiting_decision)
        decidable.register(Variation, variations_awaiting_agreement)

        # A committee report may present a workplan (its annex: the workplan
        # appendix) or a review (its annex: the progress report).
        report_subjects.register(
            Workplan,
            lambda organisation: Workplan.objects.for_organisation(
                organisation
            ).select_related("strategy"),
            lambda workplan: [
                (
                    papers.workplan_appendix_title(workplan),
                    papers.workplan_appendix_part(workplan),
                )
            ],
            papers.appendix_version,
            draft=workplan_report_draft,
        )
        report_subjects.register(
            Review,
            lambda organisation: Review.objects.for_organisation(
                organisation
            ).select_related("workplan__strategy"),
            lambda review: [
                (
                    papers.progress_report_title(review),
                    papers.progress_report_part(review),
                )
            ],
            papers.progress_report_version,
            draft=review_report_draft,
        )
