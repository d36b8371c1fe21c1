"""The shared lifecycle, bound to workplans' and items' input forms.

A workplan's review also opens and closes a round of progress updates
(`reviews.py`).
"""

from decisions.lifecycle_forms import LIFECYCLE_FORMS
from governance.lifecycle import lifecycle_workflow

from .reviews import approve_items, close_round, open_round

WORKPLAN_LIFECYCLE = lifecycle_workflow(
    LIFECYCLE_FORMS,
    after_save={
        "approve": (approve_items,),
        "open_review": (open_round,),
        "close_review": (close_round,),
    },
)
ITEM_LIFECYCLE = lifecycle_workflow(LIFECYCLE_FORMS)
