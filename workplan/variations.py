"""Variations: changes to an approved workplan's deliverables.

Once a workplan is approved (or under review), its items change only by a
recorded variation — the reason, with whom and on what date it was agreed,
and what changed — reported to members at the next review. Drafts change
freely.

An item added to an approved plan waits for its variation to be agreed, as
the council says variations are agreed (`VariationSettings`): by a decision
of Cabinet or a decision-making committee naming the variation, or under
delegated powers by someone the council has named. Agreeing the variation
approves the item, through the item's lifecycle (`lifecycle.py`), in one
transaction; until then the item is not in the plan (`ItemQuerySet`).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.history import save_with_reason
from governance.lifecycle import LifecycleStatus
from governance.models import Membership

from .choices import DeliveryStatus
from .models import Variation, VariationSettings, WorkplanItem

#: A workplan in these states changes only by variation.
VARIATION_STATES = frozenset({LifecycleStatus.APPROVED, LifecycleStatus.REVIEW})
#: Changing only these is a re-scheduling; anything else is a re-scoping.
DATE_FIELDS = frozenset({"start_date", "target_date"})


class AlreadyRemoved(Exception):
    """The item had already been removed from the plan."""


def is_varied(workplan):
    return workplan.status in VARIATION_STATES


def kind_of_change(changed_fields):
    if set(changed_fields) <= DATE_FIELDS:
        return Variation.Kind.RESCHEDULED
    return Variation.Kind.RESCOPED


def record(workplan, item, kind, *, reason, agreed_with, agreed_on, user, changes=()):
    """Write the variation row (with history). `agreed_on` is the day it was
    agreed; None only for an item's addition, agreed later (`agree`)."""
    variation = Variation(
        workplan=workplan,
        item=item,
        kind=kind,
        reason=reason,
        agreed_with=agreed_with,
        agreed_on=agreed_on,
        changes=list(changes),
        by=user,
    )
    return save_with_reason(variation, user=user, reason=_("Variation recorded"))


def approval_date(workplan):
    """The day the workplan was approved: its decision's date."""
    return workplan.approved_on


def agreed_date_problem(day, workplan):
    """Why `day` cannot be the date a variation of `workplan` was agreed."""
    if day > timezone.localdate():
        return _("The date agreed cannot be in the future.")
    approved = approval_date(workplan)
    if approved is not None and day < approved:
        return _(
            "The date agreed cannot be before the workplan was approved, on %(date)s."
        ) % {"date": approved.strftime("%-d %B %Y")}
    return None


# --- who agrees an item's addition ----------------------------------------------


def delegates(organisation):
    """The people (current memberships) the council has named to agree
    variations under delegated powers."""
    return (
        Membership.objects.current()
        .filter(
            organisation=organisation,
            delegated_variations__organisation=organisation,
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def delegate(user, organisation):
    """`user`'s membership if they hold the delegated power, else None."""
    if user is None or not user.is_authenticated:
        return None
    return delegates(organisation).filter(user=user).first()


def settings_for(organisation):
    """The council's `VariationSettings` (unsaved and empty if never set)."""
    return VariationSettings.objects.filter(
        organisation=organisation
    ).first() or VariationSettings(organisation=organisation)


def pending_addition(item):
    """The variation adding `item` to its approved plan, awaiting agreement."""
    return (
        Variation.objects.filter(
            item_id=item.pk, kind=Variation.Kind.ADDED, agreed_on__isnull=True
        )
        .order_by("pk")
        .first()
    )


def agree(item, user, inputs):
    """Mark the variation adding `item` agreed (an after-save effect of the
    item's agreement step, inside its transaction): by the decision chosen,
    on the decision's date, or under delegated powers by `user`, in the
    capacity of their post, on the date given."""
    variation = Variation.objects.select_for_update().get(pk=pending_addition(item).pk)
    decision = inputs.get("decision")
    if decision is not None:
        variation.decision = decision
        variation.agreed_on = decision.decision_date
    else:
        variation.agreed_by = user
        variation.agreed_capacity = delegate(user, item.organisation).job_title
        variation.agreed_on = inputs["agreed_on"]
    variation.agreed_with = str(variation.agreement)[:200]
    return save_with_reason(variation, user=user, reason=_("Variation agreed"))


def unagree(item, user, inputs):
    """The decision that agreed the variation adding `item` was called in and
    referred back: the variation awaits agreement again (an after-save
    effect of the item's "withdraw approval" step)."""
    variation = (
        Variation.objects.select_for_update()
        .filter(item=item, kind=Variation.Kind.ADDED, decision__isnull=False)
        .first()
    )
    if variation is None:
        return None
    variation.decision = None
    variation.agreed_on = None
    return save_with_reason(
        variation,
        user=user,
        reason=_("Agreement withdrawn: the decision was referred back"),
    )


def remove_item(item, *, reason, agreed_with, agreed_on, user):
    """Take `item` out of the plan: it is cancelled (the record and its history
    stay) and the removal is recorded as a variation."""
    with transaction.atomic():
        item = WorkplanItem.objects.select_for_update().get(pk=item.pk)
        if item.delivery_status == DeliveryStatus.CANCELLED:
            raise AlreadyRemoved
        before = item.get_delivery_status_display()
        item.delivery_status = DeliveryStatus.CANCELLED
        save_with_reason(item, user=user, reason=_("Removed by variation: %s") % reason)
        record(
            item.workplan,
            item,
            Variation.Kind.REMOVED,
            reason=reason,
            agreed_with=agreed_with,
            agreed_on=agreed_on,
            user=user,
            changes=[
                {"field": "Delivery status", "before": before, "after": "Cancelled"}
            ],
        )
    return item
