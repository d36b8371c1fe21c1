"""The lifecycle shared by strategies, workplans and workplan items.

    draft ─submit─▶ scrutiny ─outcome─▶ approval ─approve─▶ approved ⇄ review
      │ ▲              │ referred back   ▲ │ reject            │  (open / close
      │ └──────────────┴─────────────────┼─┘                   │   the review)
      └────────send for decision─────────┘    superseded (when a replacement
                                              is approved) / closed

Which of "send to scrutiny" and "send for decision" a draft may take, and
which bodies' decisions may approve it, is the council's route for that type
of record (`routes.py`).

Defined once here as a table of `Transition`s run by the engine in
`transitions.py`; each record type binds it to its own input forms with
`lifecycle_workflow(forms)`. Nothing here knows about strategies: a record
takes part by inheriting `LifecycleRecord`, and committee business is reached
only through the objects a person chooses (a meeting, a decision record),
which answer for themselves (`meeting.scrutiny_problem(record)`,
`decision.approval_problem(record)`).
"""

import calendar
from dataclasses import replace
from datetime import date

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .events import Event, register_event_labels, register_statuses
from .routes import route_for
from .transitions import (
    Transition,
    TransitionRefused,
    Workflow,
    format_day,
    needs_inputs,
    rules_out,
)


class LifecycleStatus(models.TextChoices):
    DRAFT = "draft", gettext_lazy("Draft")
    SCRUTINY = "scrutiny", gettext_lazy("With scrutiny")
    APPROVAL = "approval", gettext_lazy("Awaiting approval")
    APPROVED = "approved", gettext_lazy("Approved")
    REVIEW = "review", gettext_lazy("Under review")
    SUPERSEDED = "superseded", gettext_lazy("Superseded")
    CLOSED = "closed", gettext_lazy("Closed")

    @property
    def colour(self):
        return {
            "draft": "grey",
            "scrutiny": "blue",
            "approval": "yellow",
            "approved": "green",
            "review": "turquoise",
            "superseded": "purple",
            "closed": "grey",
        }[self.value]


register_statuses(LifecycleStatus)
register_event_labels(
    {
        "pause_approval": gettext_lazy("Approval paused: the decision was called in"),
        "confirm_approval": gettext_lazy(
            "Approval in force: no further action on the call-in"
        ),
        "withdraw_approval": gettext_lazy(
            "Approval withdrawn: the decision was referred back"
        ),
        "reinstate": gettext_lazy("Reinstated: its replacement was not approved"),
    }
)

#: States whose content is the council's adopted policy (members may read).
ADOPTED = frozenset(
    {LifecycleStatus.APPROVED, LifecycleStatus.REVIEW, LifecycleStatus.SUPERSEDED}
)


class ScrutinyOutcome(models.TextChoices):
    ENDORSED = "endorsed", gettext_lazy("Endorsed")
    ENDORSED_WITH_COMMENTS = (
        "endorsed-with-comments",
        gettext_lazy("Endorsed with comments"),
    )
    REFERRED_BACK = "referred-back", gettext_lazy("Referred back to officers")


def add_months(day, months):
    """`day` plus `months` calendar months (the 31st becomes the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class LifecycleRecord(models.Model):
    """What a record needs to go through the lifecycle (an abstract base).

    Subclasses provide `organisation`, `get_absolute_url()`, `snapshot()`
    (the content as a dict, for "as approved") and `authors()` (the people
    who wrote it, who may not approve it).
    """

    status = models.CharField(
        gettext_lazy("status"),
        max_length=12,
        choices=LifecycleStatus,
        default=LifecycleStatus.DRAFT,
        editable=False,
    )
    #: Incremented on every save: an edit form carries the version it loaded.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    scrutiny_meeting = models.ForeignKey(
        "decisions.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=gettext_lazy("scrutiny meeting"),
    )
    scrutiny_outcome = models.CharField(
        max_length=24, choices=ScrutinyOutcome, blank=True, editable=False
    )
    scrutiny_comments = models.TextField(blank=True, editable=False)
    approving_decision = models.ForeignKey(
        "decisions.DecisionRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=gettext_lazy("approving decision"),
    )
    #: The date of the approving decision (not the day it was recorded).
    approved_on = models.DateField(
        gettext_lazy("approved on"), null=True, blank=True, editable=False
    )
    review_months = models.PositiveSmallIntegerField(
        gettext_lazy("review every (months)"), default=6
    )
    next_review_due = models.DateField(
        gettext_lazy("next review due"), null=True, blank=True, editable=False
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            self.version += 1
        super().save(*args, **kwargs)

    @property
    def status_choice(self):
        return LifecycleStatus(self.status)

    @property
    def is_adopted(self):
        return self.status in ADOPTED

    @property
    def subject_to_call_in(self):
        """Approved, but the approving decision has not yet taken effect."""
        return (
            self.status == LifecycleStatus.APPROVED
            and self.approving_decision is not None
            and self.approving_decision.current_status() != "effective"
        )

    @property
    def approval_paused(self):
        """Approved by a decision that has since been called in: the
        approval is not in force until the call-in's outcome."""
        return (
            self.status in (LifecycleStatus.APPROVED, LifecycleStatus.REVIEW)
            and self.approving_decision is not None
            and self.approving_decision.status == "called-in"
        )

    @property
    def status_label(self):
        if self.approval_paused:
            return _("Approval paused: called in")
        if self.subject_to_call_in:
            return _("Approved, subject to call-in")
        return self.status_choice.label

    def authors(self):
        """People who wrote the record: they may not approve it."""
        return {self.created_by_id} - {None}

    def events(self):
        return Event.objects.for_record(self)

    @classmethod
    def approved_by(cls, decision):
        """The records of this type that `decision` approved and that stand
        approved, each to follow a call-in of it on its own lifecycle."""
        return cls._default_manager.filter(
            approving_decision=decision,
            status__in=[LifecycleStatus.APPROVED, LifecycleStatus.REVIEW],
        ).order_by("pk")

    def paused_problem(self):
        """Why the approved record cannot be changed or reviewed now (or
        None): its approving decision has been called in."""
        if self.approval_paused:
            return _(
                "Its approval is paused: the decision that approved it has been "
                "called in. Wait for the outcome of the call-in."
            )
        return None


# --- requirements: each returns what is missing, or None ------------------------


def meeting_day(meeting):
    return timezone.localdate(meeting.starts_at)


@needs_inputs
def scrutiny_meeting_chosen(record, user, inputs):
    meeting = inputs.get("meeting")
    if meeting is None:
        return _("Select the scrutiny committee meeting that will consider it.")
    problem = meeting.scrutiny_problem(record)
    if problem:
        return problem
    sent_on = inputs.get("sent_on")
    if sent_on is not None and sent_on > meeting_day(meeting):
        return _(
            "The date it was sent must be on or before the meeting (%(date)s)."
        ) % {"date": format_day(meeting_day(meeting))}
    return None


def scrutiny_meeting_has_met(record, user, inputs):
    meeting = record.scrutiny_meeting
    if meeting is not None and meeting.starts_at > timezone.now():
        return _(
            "The scrutiny meeting has not happened yet (it is on %(date)s): "
            "record its outcome after the meeting."
        ) % {"date": format_day(meeting_day(meeting))}
    return None


@rules_out
def route_uses_scrutiny(record, user, inputs):
    if not route_for(record).scrutiny_used:
        return _(
            "The council does not use pre-decision scrutiny for these: send it "
            "for decision."
        )
    return None


@rules_out
def route_allows_going_straight_to_decision(record, user, inputs):
    if route_for(record).scrutiny_required:
        return _(
            "The council's route requires an overview and scrutiny committee "
            "to consider it first: send it to scrutiny."
        )
    return None


@needs_inputs
def approving_decision_chosen(record, user, inputs):
    decision = inputs.get("decision")
    if decision is None:
        return _("Select the published decision record that approves it.")
    problem = decision.approval_problem(record)
    if problem:
        return problem
    route = route_for(record)
    committee = decision.meeting.committee
    if not route.may_approve(committee):
        return _(
            "Under the council's route, only %(approvers)s may approve it: "
            "this decision was taken by %(committee)s."
        ) % {"approvers": route.approvers_text(), "committee": committee.name}
    return None


def not_own_work(record, user, inputs):
    if user is not None and user.pk in record.authors():
        return _("You wrote this, so you cannot approve it: another person must.")
    return None


def review_is_due(record, user, inputs):
    if record.next_review_due is None:
        return _("No review is due: it has no review date.")
    if record.next_review_due > timezone.localdate():
        return _("No review is due until %(date)s.") % {
            "date": record.next_review_due.strftime("%-d %B %Y")
        }
    return None


@needs_inputs
def reported_to_committee(record, user, inputs):
    if inputs.get("meeting") is None and inputs.get("decision") is None:
        return _("Select the meeting or decision the review was reported to.")
    meeting = inputs.get("meeting")
    if meeting is not None and meeting.organisation_id != record.organisation_id:
        return _("Select a meeting of this council.")
    if meeting is not None and meeting.starts_at > timezone.now():
        return _(
            "That meeting has not happened yet (it is on %(date)s): close the "
            "review once it has been reported."
        ) % {"date": format_day(meeting_day(meeting))}
    decision = inputs.get("decision")
    if decision is not None and decision.organisation_id != record.organisation_id:
        return _("Select a decision of this council.")
    return None


def approval_in_force(record, user, inputs):
    """Nothing is done to an approval while its decision is called in."""
    return record.paused_problem()


@needs_inputs
def reason_given(record, user, inputs):
    if not str(inputs.get("comment", "")).strip():
        return _("Say why.")
    return None


# --- effects ------------------------------------------------------------------


def set_scrutiny_meeting(record, user, inputs):
    record.scrutiny_meeting = inputs["meeting"]
    record.scrutiny_outcome = ""
    record.scrutiny_comments = ""


def skip_scrutiny(record, user, inputs):
    record.scrutiny_meeting = None
    record.scrutiny_outcome = ""
    record.scrutiny_comments = ""


def set_scrutiny_outcome(record, user, inputs):
    record.scrutiny_outcome = inputs["outcome"]
    record.scrutiny_comments = inputs.get("committee_comments", "")


def outcome_target(record, inputs):
    if inputs["outcome"] == ScrutinyOutcome.REFERRED_BACK:
        return LifecycleStatus.DRAFT
    return LifecycleStatus.APPROVAL


def stamp_approval(record, user, inputs):
    """Link the decision, dated the day it was taken (not the day the clerk
    recorded it); the first review falls due the review period after that.

    The decision's row is locked first, so an approval and a call-in of the
    same decision happen one after the other: an approval never slips past a
    call-in recorded at the same moment.
    """
    decision = (
        type(inputs["decision"])
        ._default_manager.select_for_update()
        .get(pk=inputs["decision"].pk)
    )
    if decision.status in ("called-in", "referred-back"):
        raise TransitionRefused(
            [_("The decision has been called in: it cannot approve anything yet.")]
        )
    record.approving_decision = decision
    record.approved_on = decision.decision_date
    record.next_review_due = add_months(decision.decision_date, record.review_months)


def keep_approved_version(record, user, inputs):
    """Store the content as approved: members can always read it."""
    ApprovedVersion.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        version=record.version,
        approved_on=record.approved_on,
        decision_id=record.approving_decision_id,
        data=record.snapshot(),
    )


def supersede_replaced(record, user, inputs):
    """Approving a replacement supersedes the record it replaces, on the
    date of the decision that approved the replacement."""
    replaced = getattr(record, "replaces", None)
    if replaced is not None and replaced.status in (
        LifecycleStatus.APPROVED,
        LifecycleStatus.REVIEW,
    ):
        record.lifecycle.perform(
            replaced,
            "supersede",
            user,
            inputs={"happened_on": record.approved_on, "decision": inputs["decision"]},
            comment=_("Replaced by %(title)s") % {"title": record},
            as_system=True,
        )


def withdraw_approval(record, user, inputs):
    """The approving decision was referred back: the record awaits approval
    again (its approved text stays on file, marked withdrawn)."""
    ApprovedVersion.objects.filter(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        decision_id=record.approving_decision_id,
        withdrawn_on__isnull=True,
    ).update(withdrawn_on=inputs["happened_on"])
    record.approving_decision = None
    record.approved_on = None
    record.next_review_due = None


def reinstate_replaced(record, user, inputs):
    """Withdrawing a replacement's approval reinstates the record it would
    have superseded."""
    replaced = getattr(record, "replaces", None)
    if replaced is not None and replaced.status == LifecycleStatus.SUPERSEDED:
        record.lifecycle.perform(
            replaced,
            "reinstate",
            user,
            inputs={"happened_on": inputs["happened_on"]},
            comment=_("%(title)s was not approved after all") % {"title": record},
            as_system=True,
        )


def status_before_superseded(record, inputs):
    last = (
        Event.objects.for_record(record)
        .filter(transition="supersede")
        .order_by("-recorded_at", "-pk")
        .first()
    )
    return last.from_status if last is not None else LifecycleStatus.APPROVED


def set_next_review(record, user, inputs):
    """The next review falls due one review period after the one just held
    was due, keeping the six-monthly cadence however late it was closed."""
    base = record.next_review_due or timezone.localdate()
    record.next_review_due = add_months(base, record.review_months)


# --- when each step happened (see `Transition.happened`) -------------------------


def when_sent(record, inputs):
    """The date the person gave; else the meeting's date if it has been
    held (business recorded after the event), else today."""
    if inputs.get("sent_on"):
        return inputs["sent_on"]
    return min(timezone.localdate(), meeting_day(inputs["meeting"]))


def when_scrutinised(record, inputs):
    return meeting_day(record.scrutiny_meeting)


def when_decided(record, inputs):
    return inputs["decision"].decision_date


def when_reported(record, inputs):
    if inputs.get("meeting") is not None:
        return meeting_day(inputs["meeting"])
    return inputs["decision"].decision_date


# --- who may take each transition (see permissions.ACTIONS) ---------------------

SUBMIT = "lifecycle_submit"
RECORD_SCRUTINY = "lifecycle_record_scrutiny"
APPROVE = "lifecycle_approve"
OPEN_REVIEW = "lifecycle_open_review"
CLOSE_REVIEW = "lifecycle_close_review"
CLOSE = "lifecycle_close"
SUPERSEDE = "lifecycle_supersede"


def transitions(forms):
    S = LifecycleStatus
    return [
        Transition(
            name="submit",
            label=_("Send to scrutiny"),
            sources=frozenset({S.DRAFT}),
            target=S.SCRUTINY,
            permission=SUBMIT,
            description=_(
                "The draft goes to an overview and scrutiny committee meeting. "
                "It cannot be edited while it is with scrutiny."
            ),
            requirements=(route_uses_scrutiny, scrutiny_meeting_chosen),
            effects=(set_scrutiny_meeting,),
            form_class=forms.get("submit"),
            happened=when_sent,
        ),
        Transition(
            name="send_for_decision",
            label=_("Send for decision"),
            sources=frozenset({S.DRAFT}),
            target=S.APPROVAL,
            permission=SUBMIT,
            description=_(
                "The draft goes straight to the decision maker, without "
                "pre-decision scrutiny. It cannot be edited while it awaits "
                "the decision."
            ),
            requirements=(route_allows_going_straight_to_decision,),
            effects=(skip_scrutiny,),
            form_class=forms.get("send_for_decision"),
        ),
        Transition(
            name="record_scrutiny",
            label=_("Record the scrutiny outcome"),
            sources=frozenset({S.SCRUTINY}),
            target=outcome_target,
            permission=RECORD_SCRUTINY,
            description=_(
                "Record what the scrutiny committee said. Endorsed, it goes "
                "for approval; referred back, it returns to its officers as a "
                "draft."
            ),
            requirements=(scrutiny_meeting_has_met,),
            effects=(set_scrutiny_outcome,),
            form_class=forms.get("record_scrutiny"),
            happened=when_scrutinised,
        ),
        Transition(
            name="approve",
            label=_("Record the approval"),
            sources=frozenset({S.APPROVAL}),
            target=S.APPROVED,
            permission=APPROVE,
            description=_(
                "Record the published decision that approves it. The text is "
                "kept as approved; it shows as subject to call-in until the "
                "decision takes effect; a record it replaces is superseded."
            ),
            requirements=(approving_decision_chosen, not_own_work),
            effects=(stamp_approval,),
            after_save=(keep_approved_version, supersede_replaced),
            form_class=forms.get("approve"),
            happened=when_decided,
        ),
        Transition(
            name="reject",
            label=_("Send back without approval"),
            sources=frozenset({S.APPROVAL}),
            target=S.DRAFT,
            permission=APPROVE,
            description=_(
                "The decision maker rejected or deferred it: it returns to its "
                "officers as a draft. Say why in the comment."
            ),
            requirements=(reason_given,),
            form_class=forms.get("reject"),
        ),
        Transition(
            name="open_review",
            label=_("Open the six-monthly review"),
            sources=frozenset({S.APPROVED}),
            target=S.REVIEW,
            permission=OPEN_REVIEW,
            description=_("Start the review that is due."),
            requirements=(review_is_due, approval_in_force),
            form_class=forms.get("open_review"),
        ),
        Transition(
            name="close_review",
            label=_("Close the review"),
            sources=frozenset({S.REVIEW}),
            target=S.APPROVED,
            permission=CLOSE_REVIEW,
            description=_(
                "The review has been reported to a committee. The next review "
                "falls due after the review period."
            ),
            requirements=(reported_to_committee,),
            effects=(set_next_review,),
            form_class=forms.get("close_review"),
            happened=when_reported,
        ),
        Transition(
            name="close",
            label=_("Close"),
            sources=frozenset({S.APPROVED, S.REVIEW}),
            target=S.CLOSED,
            permission=CLOSE,
            description=_(
                "It has ended and is not being replaced. It stays readable. "
                "Say why in the comment."
            ),
            requirements=(reason_given, approval_in_force),
            form_class=forms.get("close"),
        ),
        Transition(
            name="supersede",
            label=_("Superseded"),
            sources=frozenset({S.APPROVED, S.REVIEW}),
            target=S.SUPERSEDED,
            permission=SUPERSEDE,
            description=_("Happens by itself when its replacement is approved."),
        ),
        Transition(
            name="reinstate",
            label=_("Reinstated"),
            sources=frozenset({S.SUPERSEDED}),
            target=status_before_superseded,
            permission=SUPERSEDE,
            description=_(
                "Happens by itself when the approval of its replacement is "
                "withdrawn (the decision was called in and referred back)."
            ),
        ),
        Transition(
            name="pause_approval",
            label=_("Approval paused: the decision was called in"),
            sources=frozenset({S.APPROVED, S.REVIEW}),
            target=lambda record, inputs: record.status,
            permission=SUPERSEDE,
            description=_(
                "Happens by itself when the approving decision is called in."
            ),
        ),
        Transition(
            name="confirm_approval",
            label=_("Approval in force: no further action on the call-in"),
            sources=frozenset({S.APPROVED, S.REVIEW}),
            target=lambda record, inputs: record.status,
            permission=SUPERSEDE,
            description=_(
                "Happens by itself when the call-in of the approving decision "
                "ends with no further action."
            ),
        ),
        Transition(
            name="withdraw_approval",
            label=_("Approval withdrawn: the decision was referred back"),
            sources=frozenset({S.APPROVED, S.REVIEW}),
            target=S.APPROVAL,
            permission=SUPERSEDE,
            description=_(
                "Happens by itself when the call-in of the approving decision "
                "ends with the decision referred back to the decision maker: "
                "it awaits approval again."
            ),
            effects=(withdraw_approval,),
            after_save=(reinstate_replaced,),
        ),
    ]


def lifecycle_workflow(forms, after_save=None, *, only=None, requirements=None):
    """The lifecycle bound to a record type's input forms (by transition name).

    `after_save` adds effects of the record type's own to transitions by
    name (e.g. a workplan opens a round of progress updates with its review);
    `requirements` adds requirements of its own by name; `only` keeps the
    named transitions and drops the rest (a step a record type does not take
    is then not reachable by URL either).
    """
    extra = after_save or {}
    needs = requirements or {}
    table = [
        replace(
            t,
            requirements=t.requirements + tuple(needs.get(t.name, ())),
            after_save=t.after_save + tuple(extra.get(t.name, ())),
        )
        for t in transitions(forms)
        if only is None or t.name in only
    ]
    return Workflow(transitions=table)


# --- rows the lifecycle writes ----------------------------------------------------


class ApprovedVersion(models.Model):
    """A record's content as approved, kept unchanged for members to read."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    version = models.PositiveIntegerField()
    #: The date of the approving decision.
    approved_on = models.DateField()
    decision_id = models.PositiveBigIntegerField(null=True, blank=True)
    #: Set when the decision was called in and referred back: the text was
    #: never in force.
    withdrawn_on = models.DateField(null=True, blank=True)
    data = models.JSONField()

    class Meta:
        app_label = "governance"
        ordering = ["-approved_on", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-approved_on"])]

    def __str__(self):
        return (
            f"approved version {self.version} of {self.content_type} {self.object_id}"
        )

    @classmethod
    def latest_for(cls, record):
        """The text last approved and not withdrawn (None if none)."""
        return cls.objects.filter(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            withdrawn_on__isnull=True,
        ).first()


class MinorAmendment(models.Model):
    """A change to approved content under delegated powers, shown to members."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    #: The date the change was authorised (when it happened)...
    made_on = models.DateField(gettext_lazy("date of the amendment"))
    #: ...and when it was recorded here.
    at = models.DateTimeField(default=timezone.now)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("authorising officer"),
    )
    reason = models.TextField(gettext_lazy("reason"))
    fields_changed = models.JSONField(default=list)

    class Meta:
        app_label = "governance"
        ordering = ["-made_on", "-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]

    def __str__(self):
        return f"minor amendment of {self.content_type} {self.object_id}"

    @classmethod
    def for_record(cls, record):
        return cls.objects.filter(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
        ).select_related("made_by", "authorised_by")
