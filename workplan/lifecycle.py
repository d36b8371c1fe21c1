"""The shared lifecycle, bound to workplans' and items' input forms.

A workplan's review also opens and closes a round of progress updates
(`reviews.py`). Items go through scrutiny and approval with their workplan;
only an item added to an approved plan by variation takes those steps on its
own. Nothing else happens to an item by a lifecycle step: removing one from
an approved plan is a variation (`variations.remove_item`), with its reason
and whom it was agreed with.
"""

from django.utils.translation import gettext as _

from decisions.lifecycle_forms import LIFECYCLE_FORMS
from governance.lifecycle import lifecycle_workflow
from governance.transitions import rules_out

from .reviews import approve_items, close_round, open_round
from .variations import VARIATION_STATES

WORKPLAN_LIFECYCLE = lifecycle_workflow(
    LIFECYCLE_FORMS,
    after_save={
        "approve": (approve_items,),
        "open_review": (open_round,),
        "close_review": (close_round,),
    },
)


@rules_out
def added_by_variation(item, user, inputs):
    """An item takes a step on its own only once its plan is approved."""
    if item.workplan.status not in VARIATION_STATES:
        return _(
            "This item goes to scrutiny and approval with its workplan, not on its own."
        )
    return None


#: The steps an item added by variation takes on its own.
ITEM_STEPS = ("submit", "record_scrutiny", "approve", "reject")

ITEM_LIFECYCLE = lifecycle_workflow(
    LIFECYCLE_FORMS,
    only=ITEM_STEPS,
    requirements={name: (added_by_variation,) for name in ITEM_STEPS},
)
