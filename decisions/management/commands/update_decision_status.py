from django.core.management.base import BaseCommand
from django.utils import timezone

from decisions.decision_path import DECISION_PATH
from decisions.models import DecisionRecord
from governance.transitions import TransitionRefused


class Command(BaseCommand):
    help = (
        "Mark published decisions whose call-in period has ended as effective. "
        "Pages already show them as effective when read; this stores it (run "
        "it daily, e.g. from cron)."
    )

    def handle(self, *args, **options):
        marked = 0
        for decision in DecisionRecord.objects.effective_now(timezone.now()):
            try:
                DECISION_PATH.perform(
                    decision,
                    "mark_effective",
                    None,
                    comment="Call-in period ended without a call-in.",
                    as_system=True,
                )
            except TransitionRefused:
                continue  # called in (or changed) since it was listed
            marked += 1
        self.stdout.write(f"{marked} decision(s) marked effective.")
