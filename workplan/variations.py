"""Variations: changes to an approved workplan's deliverables.

Once a workplan is approved (or under review), its items change only by a
recorded variation — the reason, with whom it was agreed, and what changed —
reported to members at the next review. Drafts change freely.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from governance.history import save_with_reason
from governance.lifecycle import LifecycleStatus

from .choices import DeliveryStatus
from .models import Variation, WorkplanItem

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


def record(workplan, item, kind, *, reason, agreed_with, user, changes=()):
    """Write the variation row (with history)."""
    variation = Variation(
        workplan=workplan,
        item=item,
        kind=kind,
        reason=reason,
        agreed_with=agreed_with,
        changes=list(changes),
        by=user,
    )
    return save_with_reason(variation, user=user, reason=_("Variation recorded"))


def remove_item(item, *, reason, agreed_with, user):
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
            user=user,
            changes=[
                {"field": "Delivery status", "before": before, "after": "Cancelled"}
            ],
        )
    return item
