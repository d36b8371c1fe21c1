"""The path of a decision record, as data.

    draft ──publish──▶ published ──call in──▶ called in ──outcome──▶ effective
                          │                                   └──▶ referred back
                          └── (call-in period ends) ──▶ effective

An urgent decision, or one taken by a body whose decisions are not subject
to call-in (the committee system, full council), is effective from
publication and cannot be called in. A published record whose call-in
period has ended is effective when read (`DecisionRecord.current_status`);
`manage.py update_decision_status` stores that, so the stored status
catches up without ever being relied on. A call-in received in time may be
recorded after the deadline (clerks catch up), with the time it was received.

Each step is dated when it happened — the publication date, the date the
call-in was received, the date of the meeting that heard it — and the
records the decision approves follow it in the same transaction: a call-in
pauses their approval, "no further action" puts it in force from the
outcome's date, "referred back" returns them to awaiting approval (and
reinstates any strategy a replacement would have superseded). Corrections
to a published record are not a change of status: they need a reason and
are listed on the record (see `DecisionRecord` and the edit view).
"""

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.choices import TakesEffectWithoutCallIn
from governance.events import register_event_labels, register_statuses
from governance.lifecycle import LifecycleRecord
from governance.transitions import (
    Transition,
    Workflow,
    format_day,
    needs_inputs,
    rules_out,
)

from .call_in import LONDON, CallInRuleError, period_ending_on
from .choices import CallInOutcome, CommitteeKind, DecisionStatus
from .forms import (
    CallInForm,
    DeadlineOverrideForm,
    OutcomeForm,
    PublishForm,
)

register_statuses(DecisionStatus)
register_event_labels(
    {
        "publish": gettext_lazy("Published"),
        "call_in": gettext_lazy("Call-in received"),
        "mark_effective": gettext_lazy("Effective: the call-in period ended"),
        "correct": gettext_lazy("Corrected"),
        "override_deadline": gettext_lazy("Call-in deadline changed"),
    }
)

MANAGE = "manage_committee_business"
#: Nobody's by hand: `manage.py update_decision_status` stores it.
MARK_EFFECTIVE = "decision_mark_effective"


# --- requirements: each returns what is missing, or None --------------------


def has_resolutions(decision, user, inputs):
    if not decision.resolutions.exists():
        return _("Add at least one resolution.")
    return None


def meeting_has_been_held(decision, user, inputs):
    """A decision is published after the meeting that took it, dated as it."""
    if decision.meeting.starts_at > timezone.now():
        return _(
            "The meeting that takes this decision has not happened yet (it is "
            "on %(date)s): publish the decision after the meeting."
        ) % {"date": format_day(decision.meeting_day)}
    return decision.date_problem()


def publication_time_is_valid(decision, user, inputs):
    if decision.meeting.starts_at > timezone.now():
        return None  # refused by `meeting_has_been_held`
    published_at = inputs.get("published_at") or timezone.now()
    if published_at > timezone.now():
        return _("The publication time cannot be in the future.")
    if timezone.localtime(published_at, LONDON).date() < decision.decision_date:
        return _("A decision cannot be published before the date it was taken.")
    return None


def subject_to_call_in(decision):
    """Whether a decision being published can be called in (its body's and
    council's settings; urgency)."""
    return not decision.urgent and decision.meeting.committee.decisions_can_be_called_in


def has_call_in_rule(decision, user, inputs):
    if not subject_to_call_in(decision):
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
def can_be_called_in(decision, user, inputs):
    """Published, subject to call-in, and not called in before."""
    if decision.urgent:
        return _("An urgent decision cannot be called in.")
    if not decision.subject_to_call_in:
        return _("This decision is not subject to call-in.")
    if decision.called_in_at is not None:
        return _("This decision has already been called in.")
    if decision.call_in_deadline is None:
        return _("This decision has no call-in period.")
    return None


@needs_inputs
def call_in_received_in_time(decision, user, inputs):
    """The call-in was received inside the call-in period. It is judged on
    the time received, not the time it is recorded, so the step is offered
    after the deadline too: a call-in received in time may be recorded late."""
    received = inputs.get("called_in_at")
    if decision.call_in_deadline is None:
        return None  # refused by `can_be_called_in`
    if received is None:
        return _("Enter the date the call-in was received.")
    if not inputs.get("called_in_time_known", True) and decision.deadline_falls_on(
        timezone.localtime(received, LONDON).date()
    ):
        return _(
            "The call-in was received on the last day for call-in: enter the "
            "time it was received, as the deadline is %(deadline)s."
        ) % {"deadline": decision.deadline_text}
    if received > timezone.now():
        return _("The time the call-in was received cannot be in the future.")
    if decision.published_at and received < decision.published_at:
        return _("A call-in cannot be received before the decision was published.")
    if received >= decision.call_in_deadline:
        return _(
            "The call-in was received after the deadline (%(deadline)s): it "
            "cannot be accepted."
        ) % {"deadline": decision.deadline_text}
    return None


@rules_out
def deadline_can_be_changed(decision, user, inputs):
    """Published with a call-in period, and not called in."""
    if decision.call_in_deadline is None or decision.called_in_at is not None:
        return _("This decision has no call-in deadline to change.")
    return None


def _overridden_period(decision, inputs):
    """The decision's call-in period ending on the clerk's new last day."""
    _rule, period = decision.call_in_period(decision.published_at)
    return period_ending_on(period, inputs["last_day"], inputs.get("cut_off"))


@needs_inputs
def new_deadline_is_valid(decision, user, inputs):
    """A real moment after publication, on or after the period's first day."""
    if inputs.get("last_day") is None:
        return _("Enter the new last day for call-in.")
    if not inputs.get("comment", "").strip():
        return _("Enter why the deadline is being changed.")
    try:
        period = _overridden_period(decision, inputs)
    except CallInRuleError as error:
        return str(error)
    if period.deadline <= decision.published_at:
        return _("The new deadline must be after the decision was published.")
    return None


def call_in_period_has_ended(decision, user, inputs):
    if decision.current_status() != DecisionStatus.EFFECTIVE:
        return _("The call-in period has not ended.")
    return None


@needs_inputs
def hearing_meeting_is_valid(decision, user, inputs):
    meeting = inputs.get("meeting")
    if meeting is None:
        return _("Select the meeting that heard the call-in.")
    if meeting.organisation_id != decision.organisation_id:
        return _("Select a meeting of this council.")
    if meeting.committee.kind != CommitteeKind.SCRUTINY:
        return _("Select a meeting of an overview and scrutiny committee.")
    if meeting.starts_at > timezone.now():
        return _(
            "That meeting has not happened yet (it is on %(date)s): record the "
            "outcome after the meeting."
        ) % {"date": format_day(timezone.localdate(meeting.starts_at))}
    if decision.called_in_at and meeting.starts_at < decision.called_in_at:
        return _("That meeting was held before the call-in was received.")
    return None


# --- effects -------------------------------------------------------------------


def stamp_publication(decision, user, inputs):
    """Freeze the record: stamp the time and compute the call-in period (or,
    for a decision that cannot be called in, the day it takes effect)."""
    decision.published_at = inputs.get("published_at") or timezone.now()
    decision.published_time_known = bool(
        inputs.get("published_time_known", True) or not inputs.get("published_at")
    )
    decision.subject_to_call_in = decision.meeting.committee.decisions_can_be_called_in
    if not subject_to_call_in(decision):
        decision.call_in_rule = None
        decision.call_in_last_day = None
        decision.call_in_deadline = None
        published_on = timezone.localtime(decision.published_at, LONDON).date()
        takes_effect = decision.organisation.takes_effect_without_call_in
        decision.takes_effect_on = (
            decision.decision_date
            if not decision.urgent and takes_effect == TakesEffectWithoutCallIn.DECISION
            else published_on
        )
        return
    rule, period = decision.call_in_period(decision.published_at)
    decision.call_in_rule = rule
    decision.call_in_last_day = period.last_day
    decision.call_in_deadline = period.deadline
    decision.takes_effect_on = period.takes_effect_on


def publication_outcome(decision):
    """What publication set, in a sentence, as the record prints it: "Call-in
    ends not later than midnight on Monday 7 December 2026; it takes effect
    on Tuesday 8 December 2026." (or, for a decision that cannot be called
    in, the day it takes effect)."""
    from .call_in import format_date

    if decision.call_in_deadline is None:
        if decision.takes_effect_on is None:
            return ""
        return _("It cannot be called in; it takes effect on %(day)s.") % {
            "day": format_date(decision.takes_effect_on)
        }
    return _("Call-in ends %(deadline)s; it takes effect on %(day)s.") % {
        "deadline": decision.deadline_text,
        "day": decision.takes_effect_text,
    }


def publication_preview(decision, at=None):
    """`publication_outcome` if the decision were published at `at` (now),
    worked out on a copy (nothing is saved); "" when it cannot be worked out
    yet (no rule in force, no meeting)."""
    import copy

    from .call_in import CallInRuleError

    trial = copy.copy(decision)
    try:
        stamp_publication(trial, None, {"published_at": at or timezone.now()})
    except (AttributeError, CallInRuleError):  # no rule in force on the day
        return ""
    return publication_outcome(trial)


def set_deadline(decision, user, inputs):
    """The clerk's deadline in place of the rule's, with their reason; the
    decision takes effect as the rule says from the new last day."""
    period = _overridden_period(decision, inputs)
    decision.call_in_last_day = period.last_day
    decision.call_in_deadline = period.deadline
    decision.takes_effect_on = period.takes_effect_on
    decision.deadline_override_reason = inputs["comment"].strip()


def record_call_in(decision, user, inputs):
    """It cannot take effect until the outcome (the date it would have is
    no longer true)."""
    decision.called_in_at = inputs["called_in_at"]
    decision.called_in_time_known = inputs.get("called_in_time_known", True)
    decision.called_in_by = inputs["called_in_by"]
    decision.takes_effect_on = None


def record_outcome(decision, user, inputs):
    meeting = inputs["meeting"]
    decision.call_in_outcome = inputs["outcome"]
    decision.call_in_heard_at = meeting
    decision.outcome_recorded_at = timezone.now()
    if inputs["outcome"] == CallInOutcome.NO_FURTHER_ACTION:
        # It may now be implemented: from the day the committee said so.
        decision.takes_effect_on = timezone.localtime(meeting.starts_at, LONDON).date()
    else:
        decision.takes_effect_on = None


def approved_records(decision):
    """The records this decision approved (and that stand approved), each with
    its own lifecycle; one query per kind of record."""
    records = []
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
        if issubclass(model, LifecycleRecord):
            records += list(model.approved_by(decision))
    return records


def _each_approved_record(step, decision, user, happened_on, comment):
    for record in approved_records(decision):
        record.lifecycle.perform(
            record,
            step,
            user,
            inputs={"happened_on": happened_on, "decision": decision},
            comment=comment,
            as_system=True,
        )


def pause_approvals(decision, user, inputs):
    """The records it approved are not in force while it is called in."""
    _each_approved_record(
        "pause_approval",
        decision,
        user,
        timezone.localtime(decision.called_in_at, LONDON).date(),
        "",
    )


def follow_outcome(decision, user, inputs):
    """No further action: the approvals are in force from the outcome's date.
    Referred back: each record awaits approval again."""
    step = (
        "confirm_approval"
        if decision.call_in_outcome == CallInOutcome.NO_FURTHER_ACTION
        else "withdraw_approval"
    )
    _each_approved_record(step, decision, user, inputs["happened_on"], "")


def outcome_status(decision, inputs):
    if inputs["outcome"] == CallInOutcome.NO_FURTHER_ACTION:
        return DecisionStatus.EFFECTIVE
    return DecisionStatus.REFERRED_BACK


def publication_status(decision, inputs):
    if subject_to_call_in(decision):
        return DecisionStatus.PUBLISHED
    return DecisionStatus.EFFECTIVE


# --- when each step happened ------------------------------------------------------


def when_published(decision, inputs):
    return decision.published_at


def when_received(decision, inputs):
    return decision.called_in_at


def when_heard(decision, inputs):
    return timezone.localtime(decision.call_in_heard_at.starts_at, LONDON).date()


def when_took_effect(decision, inputs):
    return decision.takes_effect_on


def link(transition, decision, inputs):
    """Events of a decision link to its meeting, or to the meeting that heard
    its call-in."""
    return inputs.get("meeting") or decision.meeting


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
                "computed from the council's rule in force on the day of "
                "publication (a decision that cannot be called in takes "
                "effect at once)."
            ),
            requirements=(
                has_resolutions,
                meeting_has_been_held,
                publication_time_is_valid,
                has_call_in_rule,
            ),
            effects=(stamp_publication,),
            form_class=PublishForm,
            happened=when_published,
        ),
        Transition(
            name="call_in",
            label=_("Record a call-in"),
            sources=frozenset({DecisionStatus.PUBLISHED, DecisionStatus.EFFECTIVE}),
            target=DecisionStatus.CALLED_IN,
            permission=MANAGE,
            description=_(
                "Record that members have called the decision in, with the date "
                "and time the call-in was received (it may be recorded after "
                "the deadline if it was received before it). It cannot take "
                "effect, and the approvals it made are paused, until the "
                "scrutiny committee's outcome is recorded."
            ),
            requirements=(can_be_called_in, call_in_received_in_time),
            effects=(record_call_in,),
            after_save=(pause_approvals,),
            form_class=CallInForm,
            happened=when_received,
        ),
        Transition(
            name="record_outcome",
            label=_("Record the outcome of the call-in"),
            sources=frozenset({DecisionStatus.CALLED_IN}),
            target=outcome_status,
            permission=MANAGE,
            description=_(
                "Record what the scrutiny committee decided, at which meeting: "
                "no further action (the decision takes effect from the date of "
                "that meeting) or referral back to the decision maker (the "
                "records it approved await approval again)."
            ),
            requirements=(hearing_meeting_is_valid,),
            effects=(record_outcome,),
            after_save=(follow_outcome,),
            form_class=OutcomeForm,
            happened=when_heard,
        ),
        Transition(
            name="override_deadline",
            label=_("Change the call-in deadline"),
            sources=frozenset({DecisionStatus.PUBLISHED}),
            target=DecisionStatus.PUBLISHED,
            permission=MANAGE,
            description=_(
                "Set this decision's call-in deadline yourself, in place of "
                "the one the council's rule gave it (for example when it was "
                "published late, or the offices closed unexpectedly). The "
                "reason is shown on the decision record and its paper, and "
                "the history records who changed it. It takes effect as the "
                "rule says, counted from the new last day."
            ),
            requirements=(deadline_can_be_changed, new_deadline_is_valid),
            effects=(set_deadline,),
            form_class=DeadlineOverrideForm,
        ),
        Transition(
            name="mark_effective",
            label=_("Call-in period ended"),
            sources=frozenset({DecisionStatus.PUBLISHED}),
            target=DecisionStatus.EFFECTIVE,
            permission=MARK_EFFECTIVE,
            description=_("The call-in period ended without a call-in."),
            requirements=(call_in_period_has_ended,),
            happened=when_took_effect,
        ),
    ],
    link=link,
    #: Taken by the system when the period ends; a call-in received before
    #: the deadline but recorded later may be dated before it.
    provisional_steps=frozenset({"mark_effective"}),
)
