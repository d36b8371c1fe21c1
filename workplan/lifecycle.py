"""The shared lifecycle, bound to workplans' and items' input forms."""

from decisions.lifecycle_forms import LIFECYCLE_FORMS
from governance.lifecycle import lifecycle_workflow

WORKPLAN_LIFECYCLE = lifecycle_workflow(LIFECYCLE_FORMS)
ITEM_LIFECYCLE = lifecycle_workflow(LIFECYCLE_FORMS)
