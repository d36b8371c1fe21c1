"""Six-monthly review rounds: opened and closed with the workplan's review,
one progress update per item in between."""

from django.db import transaction
from django.db.models import Max, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from governance.history import save_with_reason
from governance.links import pk_url
from governance.policy import REVIEW
from governance.transitions import TransitionRefused

from .models import ProgressUpdate, Review, WorkplanItem


def open_round(workplan, user, inputs):
    """Start the round (the workplan's "open review" has just been taken).

    Refuses (rolling the transition back) if a round is somehow still open.
    """
    if workplan.reviews.filter(status=Review.Status.OPEN).exists():
        raise TransitionRefused(_("A review of this workplan is already open."))
    last = workplan.reviews.aggregate(last=Max("number"))["last"] or 0
    review = Review(
        workplan=workplan,
        number=last + 1,
        due=workplan.next_review_due or timezone.localdate(),
        opened_at=timezone.now(),
        opened_on=inputs["happened_on"],
    )
    save_with_reason(review, user=user, reason=_("Review opened"))
    from .notices import review_opened

    review_opened(review, user)


def close_round(workplan, user, inputs):
    """End the open round, linked to the meeting or decision it went to."""
    review = workplan.reviews.select_for_update().filter(status=Review.Status.OPEN)
    review = review.first()
    if review is None:
        return
    review.status = Review.Status.CLOSED
    review.closed_at = timezone.now()
    review.reported_on = inputs["happened_on"]
    review.meeting = inputs.get("meeting")
    review.decision = inputs.get("decision")
    save_with_reason(review, user=user, reason=_("Review closed"))


FIELDS = [
    "delivery_status",
    "rag",
    "rag_reason",
    "percent_complete",
    "commentary",
    "revised_start_date",
    "revised_target_date",
]


def record_update(review, item, user, data):
    """Record (or correct) `item`'s update in `review`, and make its figures
    the item's current progress. Returns the update."""
    with transaction.atomic():
        update = (
            ProgressUpdate.objects.select_for_update()
            .filter(review=review, item=item)
            .first()
        ) or ProgressUpdate(review=review, item=item)
        for name in FIELDS:
            setattr(update, name, data[name])
        update.as_at = data.get("as_at") or timezone.localdate()
        update.by = user
        reason = _("Progress update for review %(number)s") % {"number": review.number}
        save_with_reason(update, user=user, reason=reason)
        item.delivery_status = update.delivery_status
        item.rag = update.rag
        item.rag_reason = update.rag_reason
        item.percent_complete = update.percent_complete
        save_with_reason(item, user=user, reason=reason)
    return update


def withdraw_items(workplan, user, inputs):
    """The workplan's approval was withdrawn (its decision was called in and
    referred back): the items approved with it await approval with it
    again. Written with history, in bulk."""
    from simple_history.utils import bulk_update_with_history

    from governance.lifecycle import LifecycleStatus

    items = list(
        workplan.items.filter(
            status=LifecycleStatus.APPROVED,
            approving_decision_id=inputs["decision"].pk,
        )
    )
    for item in items:
        item.status = LifecycleStatus.APPROVAL
        item.approving_decision = None
        item.approved_on = None
        item.version += 1
    bulk_update_with_history(
        items,
        workplan.items.model,
        ["status", "approving_decision", "approved_on", "version"],
        batch_size=1000,
        default_user=user,
        default_change_reason=_("Approval withdrawn with the workplan's"),
    )


def approve_items(workplan, user, inputs):
    """Approving a workplan approves the items it was approved with.

    Items added later are variations and go through the lifecycle
    themselves. Written with history, in bulk (a plan may be long).
    """
    from simple_history.utils import bulk_update_with_history

    from governance.lifecycle import LifecycleStatus

    items = list(workplan.items.filter(status=LifecycleStatus.DRAFT))
    for item in items:
        item.status = LifecycleStatus.APPROVED
        item.approving_decision = workplan.approving_decision
        item.approved_on = workplan.approved_on
        item.version += 1
    bulk_update_with_history(
        items,
        workplan.items.model,
        ["status", "approving_decision", "approved_on", "version"],
        batch_size=1000,
        default_user=user,
        default_change_reason=_("Approved with the workplan"),
    )


def open_review(workplan_id):
    """The workplan's open review round, or None."""
    return (
        Review.objects.filter(workplan=workplan_id, status=Review.Status.OPEN)
        .order_by("-number")
        .first()
    )


def open_review_id(workplan_id_expression):
    """The id of the workplan's open review round (None when none is open),
    as a subquery of a query of workplans (`OuterRef("pk")`)."""
    return Subquery(
        Review.objects.filter(
            workplan=workplan_id_expression, status=Review.Status.OPEN
        )
        .order_by("-number")
        .values("pk")[:1]
    )


def progress_link(user, workplan, review_id):
    """`item pk -> the page an item's "Update" link opens` for `user` on
    `workplan`, whose open review is `review_id` (or None): while a review
    is open and they give its updates, the review's update of the item,
    where the item's own progress page would send them on (one request, not
    two); the item's own progress page otherwise."""
    if review_id is not None:
        review = Review(pk=review_id, workplan=workplan, status=Review.Status.OPEN)
        if REVIEW.allows(user, "update", review):
            return pk_url("workplan:progress_update", review_id)
    return pk_url("workplan:item_progress")


def missing_updates(workplan):
    """ "12 of 35 items have no update for review 2: …", or "" when every
    item of the plan has one (or no review is open)."""
    review = open_review(workplan.pk)
    if review is None:
        return ""
    items = WorkplanItem.objects.filter(workplan=workplan).in_the_plan()
    total = items.count()
    missing = items.exclude(updates__review=review).count()
    if not missing:
        return ""
    return ngettext(
        "%(missing)s of %(total)s items has no update for review %(number)s: "
        "it is reported as not updated.",
        "%(missing)s of %(total)s items have no update for review %(number)s: "
        "they are reported as not updated.",
        missing,
    ) % {"missing": missing, "total": total, "number": review.number}
