"""The shared lifecycle, bound to workplans' and items' input forms.

A workplan's review also opens and closes a round of progress updates
(`reviews.py`). Items go through scrutiny and approval with their workplan.
An item added to an approved plan by variation is approved with its
variation, when the variation is agreed as the council says (see
`variations.py`): under delegated powers by someone the council has named,
or by a published decision naming the variation. Those are the item's only
steps of its own. Nothing else happens to an item by a lifecycle step:
removing one from an approved plan is a variation (`variations.remove_item`).
"""

from dataclasses import replace

from django.utils.translation import gettext as _

from decisions.lifecycle_forms import LIFECYCLE_FORMS
from governance.lifecycle import (
    LifecycleStatus,
    add_months,
    keep_approved_version,
    lifecycle_workflow,
    not_own_work,
    stamp_approval,
)
from governance.transitions import Workflow, needs_inputs, rules_out

from . import variations
from .forms import DelegatedAgreementForm, VariationDecisionForm
from .reviews import approve_items, close_round, open_round, withdraw_items
from .variations import VARIATION_STATES

WORKPLAN_LIFECYCLE = lifecycle_workflow(
    LIFECYCLE_FORMS,
    after_save={
        "approve": (approve_items,),
        "withdraw_approval": (withdraw_items,),
        "open_review": (open_round,),
        "close_review": (close_round,),
    },
)

#: Who may take the step of agreeing a variation under delegated powers, by
#: role; the council's delegation then decides (`holds_the_power`).
AGREE_VARIATION = "agree_variation"


# --- requirements of the item's steps --------------------------------------------


@rules_out
def added_by_variation(item, user, inputs):
    """An item takes a step on its own only once its plan is approved."""
    if item.workplan.status not in VARIATION_STATES:
        return _(
            "This item goes to scrutiny and approval with its workplan, not on its own."
        )
    return None


@rules_out
def awaiting_its_variation(item, user, inputs):
    if variations.pending_addition(item) is None:
        return _("This item was not added by a variation awaiting agreement.")
    return None


@rules_out
def council_delegates(item, user, inputs):
    """No one may agree under delegated powers unless the council says so."""
    if not variations.delegates(item.organisation).exists():
        return _(
            "The council has not delegated agreeing variations to anyone: "
            "a decision must agree it."
        )
    return None


def holds_the_power(item, user, inputs):
    if variations.delegate(user, item.organisation) is not None:
        return None
    names = ", ".join(
        f"{m.user.get_full_name() or m.user.username}"
        + (f" ({m.job_title})" if m.job_title else "")
        for m in variations.delegates(item.organisation)
    )
    return _(
        "You do not hold the power to agree variations: the council has "
        "delegated it to %(names)s."
    ) % {"names": names}


@needs_inputs
def agreed_date_given(item, user, inputs):
    day = inputs.get("agreed_on")
    if day is None:
        return _("Enter the date the variation was agreed.")
    return variations.agreed_date_problem(day, item.workplan)


@needs_inputs
def decision_names_the_variation(item, user, inputs):
    decision = inputs.get("decision")
    if decision is None:
        return _("Select the published decision record that agrees the variation.")
    variation = variations.pending_addition(item)
    if variation is None:
        return None  # ruled out by `awaiting_its_variation`
    return decision.approval_problem(variation)


# --- effects --------------------------------------------------------------------


def stamp_delegated_agreement(item, user, inputs):
    item.approving_decision = None
    item.approved_on = inputs["agreed_on"]
    item.next_review_due = add_months(inputs["agreed_on"], item.review_months)


def when_agreed(item, inputs):
    return inputs["agreed_on"]


def agree_the_variation(item, user, inputs):
    variations.agree(item, user, inputs)


S = LifecycleStatus
#: The states of an item waiting for its variation (an item sent to
#: scrutiny on its own before variations were agreed may be in any of them).
AWAITING = frozenset({S.DRAFT, S.SCRUTINY, S.APPROVAL})
_APPROVE = lifecycle_workflow(LIFECYCLE_FORMS, only=("approve",))
#: The steps the system takes on an item approved by a decision naming its
#: variation, when that decision is called in (see `decision_path.py`).
_CALL_IN_STEPS = lifecycle_workflow(
    LIFECYCLE_FORMS,
    only=("pause_approval", "confirm_approval", "withdraw_approval"),
    after_save={"withdraw_approval": (variations.unagree,)},
)

ITEM_LIFECYCLE = Workflow(
    transitions=[
        replace(
            _APPROVE["approve"],
            name="agree_variation",
            label=_("Record the agreement under delegated powers"),
            sources=AWAITING,
            permission=AGREE_VARIATION,
            description=_(
                "You agree the variation adding this item to the approved "
                "plan, under the powers the council has delegated to you. The "
                "item is then approved and enters the plan, marked as added "
                "by variation on the date you agreed it."
            ),
            requirements=(
                added_by_variation,
                awaiting_its_variation,
                council_delegates,
                holds_the_power,
                agreed_date_given,
            ),
            effects=(stamp_delegated_agreement,),
            after_save=(keep_approved_version, agree_the_variation),
            form_class=DelegatedAgreementForm,
            happened=when_agreed,
        ),
        replace(
            _APPROVE["approve"],
            name="agree_variation_by_decision",
            label=_("Record the decision agreeing the variation"),
            sources=AWAITING,
            description=_(
                "Record the published decision that names the variation "
                "adding this item. The item is then approved and enters the "
                "plan, marked as added by variation on the date of the "
                "decision; it shows as subject to call-in until the decision "
                "takes effect."
            ),
            requirements=(
                added_by_variation,
                awaiting_its_variation,
                decision_names_the_variation,
                not_own_work,
            ),
            effects=(stamp_approval,),
            after_save=(keep_approved_version, agree_the_variation),
            form_class=VariationDecisionForm,
        ),
        *_CALL_IN_STEPS.transitions,
    ],
)
