"""The path of a decision record, as data.

    draft ──publish──▶ published ──call in──▶ called in ──outcome──▶ effective
                          │                                   └──▶ referred back
                          └── (call-in period ends) ──▶ effective

An urgent decision is effective from publication and cannot be called in.
A published record whose call-in period has ended is effective when read
(`DecisionRecord.current_status`); `manage.py update_decision_status`
stores that, so the stored status catches up without ever being relied on.
Corrections to a published record are not a change of status: they need a
reason and are listed on the record (see `DecisionRecord` and the edit view).
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from governance.transitions import Transition, Workflow, rules_out

from .call_in import LONDON, CallInRuleError
from .choices import CallInOutcome, DecisionStatus
from .forms import CallInForm, OutcomeForm, PublishForm
from .models import DecisionEvent

MANAGE = "manage_committee_business"
#: Nobody's by hand: `manage.py update_decision_status` stores it.
MARK_EFFECTIVE = "decision_mark_effective"


# --- requirements: each returns what is missing, or None --------------------


def has_resolutions(decision, user, inputs):
    if not decision.resolutions.exists():
        return _("Add at least one resolution.")
    return None


def publication_time_is_valid(decision, user, inputs):
    published_at = inputs.get("published_at") or timezone.now()
    if published_at > timezone.now():
        return _("The publication time cannot be in the future.")
    if timezone.localtime(published_at, LONDON).date() < decision.decision_date:
        return _("A decision cannot be published before the date it was taken.")
    return None


def has_call_in_rule(decision, user, inputs):
    if decision.urgent:
        return None
    published_at = inputs.get("published_at") or timezone.now()
    if timezone.localtime(published_at, LONDON).date() < decision.decision_date:
        return None  # refused by `publication_time_is_valid`
    try:
        rule, _period = decision.call_in_period(published_at)
    except CallInRuleError as error:
        return str(error)
    if rule is None:
        return _(
            "The council has no call-in rule for this publication date: an "
            "administrator must add one in the council's settings."
        )
    return None


@rules_out
def call_in_is_open(decision, user, inputs):
    when = inputs.get("called_in_at") or timezone.now()
    if decision.urgent:
        return _("An urgent decision cannot be called in.")
    if when > timezone.now():
        return _("The time of the call-in cannot be in the future.")
    if decision.published_at and when < decision.published_at:
        return _("A call-in cannot be made before the decision was published.")
    if decision.call_in_deadline is None or when >= decision.call_in_deadline:
        return _("The call-in period has ended.")
    return None


def call_in_period_has_ended(decision, user, inputs):
    if decision.current_status() != DecisionStatus.EFFECTIVE:
        return _("The call-in period has not ended.")
    return None


# --- effects -------------------------------------------------------------------


def stamp_publication(decision, user, inputs):
    """Freeze the record: stamp the time and compute the call-in period."""
    decision.published_at = inputs.get("published_at") or timezone.now()
    if decision.urgent:
        decision.call_in_rule = None
        decision.call_in_last_day = None
        decision.call_in_deadline = None
        decision.takes_effect_on = timezone.localtime(
            decision.published_at, LONDON
        ).date()
        return
    rule, period = decision.call_in_period(decision.published_at)
    decision.call_in_rule = rule
    decision.call_in_last_day = period.last_day
    decision.call_in_deadline = period.deadline
    decision.takes_effect_on = period.takes_effect_on


def record_call_in(decision, user, inputs):
    decision.called_in_at = inputs.get("called_in_at") or timezone.now()
    decision.called_in_by = inputs["called_in_by"]


def record_outcome(decision, user, inputs):
    decision.call_in_outcome = inputs["outcome"]
    decision.outcome_recorded_at = timezone.now()
    if inputs["outcome"] == CallInOutcome.NO_FURTHER_ACTION:
        # The decision may now be implemented: it takes effect today.
        decision.takes_effect_on = timezone.localdate(timezone=LONDON)


def outcome_status(decision, inputs):
    if inputs["outcome"] == CallInOutcome.NO_FURTHER_ACTION:
        return DecisionStatus.EFFECTIVE
    return DecisionStatus.REFERRED_BACK


def publication_status(decision, inputs):
    return DecisionStatus.EFFECTIVE if decision.urgent else DecisionStatus.PUBLISHED


def write_event(decision, transition, from_status, to_status, user, comment, inputs):
    DecisionEvent.objects.create(
        decision=decision,
        transition=transition.name,
        from_status=from_status,
        to_status=to_status,
        by=user,
        comment=comment,
    )


DECISION_PATH = Workflow(
    transitions=[
        Transition(
            name="publish",
            label=_("Publish the decision"),
            sources=frozenset({DecisionStatus.DRAFT}),
            target=publication_status,
            permission=MANAGE,
            description=_(
                "The record is published to members and its content frozen. "
                "The call-in deadline and the date it takes effect are "
                "computed from the council's rule in force today (an urgent "
                "decision takes effect at once)."
            ),
            requirements=(has_resolutions, publication_time_is_valid, has_call_in_rule),
            effects=(stamp_publication,),
            form_class=PublishForm,
        ),
        Transition(
            name="call_in",
            label=_("Record a call-in"),
            sources=frozenset({DecisionStatus.PUBLISHED}),
            target=DecisionStatus.CALLED_IN,
            permission=MANAGE,
            description=_(
                "Record that members have called the decision in. It cannot "
                "take effect until the scrutiny committee's outcome is recorded."
            ),
            requirements=(call_in_is_open,),
            effects=(record_call_in,),
            form_class=CallInForm,
        ),
        Transition(
            name="record_outcome",
            label=_("Record the outcome of the call-in"),
            sources=frozenset({DecisionStatus.CALLED_IN}),
            target=outcome_status,
            permission=MANAGE,
            description=_(
                "Record what the scrutiny committee decided: no further action "
                "(the decision takes effect today) or referral back to the "
                "decision maker."
            ),
            effects=(record_outcome,),
            form_class=OutcomeForm,
        ),
        Transition(
            name="mark_effective",
            label=_("Call-in period ended"),
            sources=frozenset({DecisionStatus.PUBLISHED}),
            target=DecisionStatus.EFFECTIVE,
            permission=MARK_EFFECTIVE,
            description=_("The call-in period ended without a call-in."),
            requirements=(call_in_period_has_ended,),
        ),
    ],
    record_event=write_event,
)
