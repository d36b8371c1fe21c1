"""The strategy's journey, for its page: drafted, scrutiny, approval, minor
amendments, its workplans' approvals and reviews reported to members, and its
replacement, each with the date it happened and a link, oldest first.

Built from what the page has already loaded (its events, amendments,
workplans and replacements) and one query each for the first history row
and the reviews reported.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from workplan.models import Review


@dataclass(frozen=True)
class Step:
    on: date
    text: str
    url: str = ""
    link_text: str = ""
    note: str = ""
    #: For a step recorded here as it happened (a status step): when and by
    #: whom it was recorded, which may differ from when it happened.
    recorded_at: datetime | None = None
    recorded_by: str = ""


def journey_of(strategy, user, *, events, amendments, deliveries, replacements):
    steps = []
    drafted = (
        strategy.history.order_by("history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    for event in events:
        link = event.link
        steps.append(
            Step(
                event.happened_on,
                event.label,
                link.get_absolute_url() if link is not None else "",
                str(link) if link is not None else "",
                event.comment,
                event.recorded_at,
                (
                    event.recorded_by.get_full_name() or event.recorded_by.username
                    if event.recorded_by
                    else ""
                ),
            )
        )
    for amendment in amendments:
        steps.append(
            Step(
                amendment.made_on,
                _("Minor amendment under delegated powers"),
                note=amendment.reason,
            )
        )
    for delivery in deliveries:
        plan = delivery.workplan
        if plan.approved_on is not None:
            steps.append(
                Step(
                    plan.approved_on,
                    _("Workplan approved"),
                    plan.get_absolute_url(),
                    str(plan),
                )
            )
    reviews = (
        Review.objects.visible_to(user)
        .filter(workplan__strategy=strategy, status=Review.Status.CLOSED)
        .exclude(reported_on=None)
        .select_related("workplan")
    )
    for review in reviews:
        steps.append(
            Step(
                review.reported_on,
                _("Progress reported: review %(number)s of %(workplan)s")
                % {"number": review.number, "workplan": review.workplan},
                review.get_absolute_url(),
                _("the review"),
            )
        )
    for replacement in replacements:
        if replacement.approved_on is not None:
            steps.append(
                Step(
                    replacement.approved_on,
                    _("Replaced"),
                    replacement.get_absolute_url(),
                    replacement.title,
                )
            )
    # The first history row is when the strategy was entered here: its
    # drafting, unless its story was entered afterwards (back-dated steps).
    if drafted is not None:
        entered = timezone.localdate(drafted)
        if all(step.on >= entered for step in steps):
            steps.insert(0, Step(entered, _("Drafted")))
    return sorted(steps, key=lambda step: step.on)
