"""A reviewed workplan of any size, for the paper tests and the benchmark.

Made with `bulk_create` from the models alone (no pytest fixtures, no
history rows: django-simple-history records only `save()`), so that 300
items, two reviews and their updates take a fraction of a second. The paper
builders read none of what is skipped.

The items cycle through the categories, the RAG statuses and the themes
(every seventh item has no theme). At the earlier review (closed a month
ago) every item but each ninth has an update; at the later one every item
has one unless `missing_every` says otherwise, with a RAG shifted from the
earlier one so that improved, worse, unchanged and new all occur.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from governance.choices import Role
from governance.lifecycle import LifecycleStatus
from governance.models import Membership
from strategy.models import Strategy, Theme
from workplan.choices import Confidence, DeliveryStatus, WorkType
from workplan.models import (
    Department,
    ProgressUpdate,
    Review,
    Variation,
    Workplan,
    WorkplanItem,
)

THEMES = [
    "Digital by default",
    "Secure and resilient infrastructure",
    "Data and insight",
    "Modern workplace",
    "Customer access",
]
DEPARTMENTS = ["Revenues and Benefits", "Planning", "Housing", "Customer Services"]
RAGS = ["green", "amber", "red"]
DELIVERY = [
    DeliveryStatus.IN_PROGRESS,
    DeliveryStatus.NOT_STARTED,
    DeliveryStatus.COMPLETE,
    DeliveryStatus.ON_HOLD,
]
COMMENTARY = (
    "Procurement completed and the supplier has started. Data migration is "
    "being tested with the service; training for staff is planned for the "
    "next quarter. Budget on track; no new risks."
)


@dataclass
class ReviewedWorkplan:
    strategy: Strategy
    themes: list
    workplan: Workplan
    items: list
    previous: Review
    review: Review
    variations: list


def build_reviewed_workplan(
    organisation,
    n_items,
    *,
    user=None,
    year=2030,
    commentary=COMMENTARY,
    missing_every=0,
    close_review=False,
    n_variations=3,
    title="ICT Strategy (paper data)",
):
    """An approved workplan of `n_items` items for `organisation`, with a
    closed review 1 and review 2 (open unless `close_review`) in which every
    item has an update except each `missing_every`-th (0: none missing).

    `user` (optional) is who gave the updates and recorded the variations;
    the lead officer is the organisation's first officer membership, if any.
    """
    now = timezone.now()
    strategy = Strategy.objects.create(
        organisation=organisation,
        title=title,
        period_start_year=year,
        period_end_year=year + 3,
        status=LifecycleStatus.APPROVED,
    )
    themes = Theme.objects.bulk_create(
        Theme(strategy=strategy, position=position, title=name)
        for position, name in enumerate(THEMES, start=1)
    )
    workplan = Workplan.objects.create(
        organisation=organisation,
        strategy=strategy,
        financial_year=year,
        status=LifecycleStatus.REVIEW,
        approved_on=timezone.localdate(now - timedelta(days=200)),
    )
    lead = (
        Membership.objects.filter(organisation=organisation, role=Role.OFFICER)
        .order_by("pk")
        .first()
    )
    departments = [
        Department.objects.get_or_create(organisation=organisation, name=name)[0]
        for name in DEPARTMENTS
    ]
    categories = list(Confidence)
    work_types = list(WorkType)
    start = date(year, 4, 1)
    items = WorkplanItem.objects.bulk_create(
        WorkplanItem(
            organisation=organisation,
            workplan=workplan,
            position=number,
            reference=f"PD-{number:04d}",
            title=f"Workplan item number {number}",
            description=(
                f"Deliver item {number} with the service leads, within the agreed "
                "budget, and report lessons learned to the programme board."
            ),
            theme=None if number % 7 == 0 else themes[number % len(themes)],
            category=categories[number % len(categories)],
            work_type=work_types[number % len(work_types)],
            lead_officer=lead if number % 2 else None,
            start_date=start + timedelta(days=number % 150),
            target_date=start + timedelta(days=number % 150 + 60),
            delivery_status=DELIVERY[number % len(DELIVERY)],
            rag=RAGS[(number + 1) % 3],
            rag_reason="Supplier delay" if RAGS[(number + 1) % 3] == "red" else "",
            percent_complete=number % 101,
            status=LifecycleStatus.APPROVED,
        )
        for number in range(1, n_items + 1)
    )
    WorkplanItem.departments.through.objects.bulk_create(
        WorkplanItem.departments.through(
            workplanitem_id=item.pk, department_id=departments[index % 4].pk
        )
        for index, item in enumerate(items)
    )

    previous = Review.objects.create(
        workplan=workplan,
        number=1,
        due=timezone.localdate(now) - timedelta(days=40),
        status=Review.Status.CLOSED,
        opened_at=now - timedelta(days=60),
        opened_on=timezone.localdate(now - timedelta(days=60)),
        closed_at=now - timedelta(days=30),
        reported_on=timezone.localdate(now - timedelta(days=30)),
    )
    review = Review.objects.create(
        workplan=workplan,
        number=2,
        due=timezone.localdate(now),
        opened_at=now - timedelta(days=10),
        opened_on=timezone.localdate(now - timedelta(days=10)),
    )

    def update(review, item, rag, text):
        return ProgressUpdate(
            review=review,
            item=item,
            delivery_status=item.delivery_status,
            rag=rag,
            rag_reason="Supplier delay" if rag == "red" else "",
            percent_complete=item.percent_complete,
            commentary=text,
            as_at=review.opened_on,
            by=user,
        )

    ProgressUpdate.objects.bulk_create(
        # Every other item's RAG is as it is now (unchanged); the others
        # differ (improved or worse).
        update(
            previous,
            item,
            item.rag if index % 2 else RAGS[index % 3],
            "Half-year position.",
        )
        for index, item in enumerate(items)
        if index % 9 != 8
    )
    ProgressUpdate.objects.bulk_create(
        update(review, item, item.rag, commentary)
        for index, item in enumerate(items)
        if not (missing_every and index % missing_every == missing_every - 1)
    )
    variations = Variation.objects.bulk_create(
        Variation(
            workplan=workplan,
            item=items[index % len(items)],
            kind=kind,
            reason=f"Variation {index + 1}: agreed change of plan.",
            agreed_with="Digital Programme Board",
            agreed_on=timezone.localdate(),
            changes=[
                {"field": "Target date", "before": "2030-09-30", "after": "2031-03-31"}
            ],
            by=user,
        )
        for index, kind in zip(
            range(n_variations if items else 0),
            [Variation.Kind.RESCHEDULED, Variation.Kind.RESCOPED] * n_variations,
            strict=False,
        )
    )
    if close_review:
        # Closed after the variations were recorded, so they are reported here.
        review.status = Review.Status.CLOSED
        review.closed_at = timezone.now()
        review.reported_on = timezone.localdate()
        review.save()
    return ReviewedWorkplan(
        strategy, themes, workplan, items, previous, review, variations
    )
