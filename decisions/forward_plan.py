"""The forward plan of key decisions and the 28 clear days' notice rule.

The Local Authorities (Executive Arrangements) (Meetings and Access to
Information) (England) Regulations 2012 require notice of a key decision at
least 28 clear days before it is taken; otherwise the general exception or
special urgency procedure must be followed and recorded.
"""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from .call_in import LONDON
from .choices import CommitteeKind, UrgencyRoute
from .models import KEY_DECISION_NOTICE_DAYS, AgendaItem, clear_days_notice

DECISION_TAKERS = [CommitteeKind.EXECUTIVE, CommitteeKind.DECISION_MAKING]


@dataclass(frozen=True)
class ForwardPlanEntry:
    report: object
    meeting: object | None
    clear_days: int | None

    @property
    def sort_key(self):
        return self.meeting.starts_at if self.meeting else None

    @property
    def short_notice(self):
        """Fewer than 28 clear days' notice (or none given yet)."""
        return self.clear_days is None or self.clear_days < KEY_DECISION_NOTICE_DAYS

    @property
    def needs_urgency_route(self):
        return (
            self.meeting is not None
            and self.short_notice
            and self.report.urgency_route == UrgencyRoute.NONE
        )


def forward_plan(reports, now):
    """Entries for key-decision `reports` not yet decided: each with its next
    meeting (if on an agenda) and the clear days' notice it will have had.

    Reports already decided, or only on past agendas, are left out. Two
    queries however many reports there are.
    """
    # The intended meeting is one of a body that takes the decision (Cabinet,
    # or a decision-making committee), not the scrutiny meeting before it.
    upcoming = AgendaItem.objects.filter(
        meeting__starts_at__gte=now,
        meeting__committee__kind__in=DECISION_TAKERS,
    ).select_related("meeting__committee")
    reports = (
        reports.filter(decisions__isnull=True)
        # Each entry names who the report is of (every forward plan prints it).
        .select_related("report_of")
        .prefetch_related(
            Prefetch("agenda_items", queryset=upcoming, to_attr="upcoming_items")
        )
        .order_by("title")
    )
    entries = []
    for report in reports:
        items = sorted(report.upcoming_items, key=lambda item: item.meeting.starts_at)
        meeting = items[0].meeting if items else None
        clear_days = None
        if meeting is not None and report.forward_plan_notice_on:
            meeting_day = timezone.localtime(meeting.starts_at, LONDON).date()
            clear_days = clear_days_notice(report.forward_plan_notice_on, meeting_day)
        entries.append(ForwardPlanEntry(report, meeting, clear_days))
    # Entries with a meeting first, soonest first; then those not yet placed.
    return sorted(entries, key=lambda e: (e.meeting is None, e.sort_key or now))
