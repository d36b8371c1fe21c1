"""The shared lifecycle, bound to strategies' input forms."""

from decisions.lifecycle_forms import LIFECYCLE_FORMS
from governance.lifecycle import lifecycle_workflow

STRATEGY_LIFECYCLE = lifecycle_workflow(LIFECYCLE_FORMS)
