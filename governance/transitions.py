"""One engine for every status change: a table of transitions and one `perform()`.

A workflow is a list of `Transition`s (data: name, from which states, to
which state, who may take it, what it needs, what it does). `perform()` is
the only code that changes a status:

1. inside `transaction.atomic()` it locks the row (`select_for_update`);
2. re-checks, on the locked row, the person's role, the state and each
   requirement, so a stale page or a race cannot slip through;
3. applies the effects and works out when the step *happened* (the
   meeting's date for a scrutiny outcome, the decision's date for an
   approval; see `Transition.happened`), refusing a step dated in the future
   or before the record's previous step;
4. sets the new status and saves through the history path with the person
   and the reason;
5. writes an `events.Event` row: what, when it happened, when and by whom
   it was recorded, the comment and the meeting or decision it was taken at.

A refusal raises `TransitionRefused` and nothing is saved. The decision
record path (`decisions/decision_path.py`) uses it; the strategy lifecycle
uses it too, with its own table.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .events import Event, record_event
from .history import save_with_reason
from .permissions import can


class TransitionRefused(Exception):
    """A transition was refused; nothing was changed.

    `status` is the HTTP status a view answers with: 403 when the person's
    role may not take it, 409 when the record's state or a missing
    requirement stands in the way.
    """

    def __init__(self, problems, *, status=409):
        if isinstance(problems, str | Promise):
            problems = [problems]
        self.problems = [str(problem) for problem in problems]
        self.status = status
        super().__init__("; ".join(self.problems))


#: A requirement looks at the (locked) record, the person and the inputs and
#: returns a sentence saying what is missing, or None when it is met.
Requirement = Callable[[object, object, dict], str | None]
#: An effect changes the (locked) record before it is saved:
#: effect(record, user, inputs).
Effect = Callable[[object, object, dict], None]


def needs_inputs(requirement):
    """Mark a requirement that judges the person's inputs (e.g. the meeting
    they choose): it is not checked before the form is filled in."""
    requirement.needs_inputs = True
    return requirement


def rules_out(requirement):
    """Mark a requirement that, unmet, rules the step out for the record as
    it stands (e.g. a call-in after the deadline) rather than naming
    something to do first: the record's page then neither offers the step
    nor explains it (see `Workflow.offer()`)."""
    requirement.rules_out = True
    return requirement


@dataclass(frozen=True)
class Transition:
    name: str
    #: Button and page title, e.g. "Publish the decision".
    label: str
    sources: frozenset
    #: The new status, or a function of (record, inputs), e.g. for an outcome.
    target: str | Callable[[object, dict], str]
    #: The `permissions.ACTIONS` entry naming who may take it.
    permission: str
    #: What happens, in a sentence, for the confirmation page.
    description: str
    requirements: tuple = ()
    effects: tuple = ()
    #: Effects that need the saved record (e.g. a snapshot, other rows),
    #: run after the save inside the same transaction.
    after_save: tuple = ()
    #: A form for the inputs the transition needs (None: a comment only).
    form_class: type | None = None
    #: When the step happened, as a function of the (changed, unsaved)
    #: record and the inputs: a date, or an aware datetime where the moment
    #: is known. None: the date the person gave (`inputs["happened_on"]`),
    #: else today.
    happened: Callable[[object, dict], datetime.date] | None = None

    def target_for(self, obj, inputs):
        return self.target(obj, inputs) if callable(self.target) else self.target

    def when(self, obj, inputs):
        """(date, moment or None) the step happened."""
        value = self.happened(obj, inputs) if self.happened else None
        if value is None:
            value = inputs.get("happened_on") or timezone.localdate()
        if isinstance(value, datetime.datetime):
            return timezone.localdate(value), value
        return value, None


def format_day(day):
    return f"{day.day} {day:%B %Y}"


def time_problem(obj, happened_on, provisional=frozenset()):
    """Why a step of `obj` cannot be dated `happened_on` (or None): not in
    the future, and not before the record's previous step (other than the
    `provisional` steps the system took, which a step recorded late may
    precede)."""
    if happened_on > timezone.localdate():
        return _("It cannot be recorded as happening in the future (%(date)s).") % {
            "date": format_day(happened_on)
        }
    last = Event.objects.last_happened_on(obj, exclude=provisional)
    if last is not None and happened_on < last:
        return _(
            "This would be dated %(date)s, before the record's last recorded "
            "step on %(last)s: record the steps in the order they happened."
        ) % {"date": format_day(happened_on), "last": format_day(last)}
    return None


def link_of(transition, obj, inputs):
    """The meeting or decision a step was taken at or by (or None)."""
    return inputs.get("decision") or inputs.get("meeting")


@dataclass
class Workflow:
    """A named set of transitions over one model's `status` field."""

    transitions: list
    status_field: str = "status"
    #: `link(transition, obj, inputs)`: the meeting or decision an event
    #: links to.
    link: Callable = link_of
    #: Steps the system takes on its own (e.g. marking a decision effective
    #: when its call-in period ends) that a step recorded later may precede.
    provisional_steps: frozenset = frozenset()
    _by_name: dict = field(init=False, repr=False)

    def __post_init__(self):
        self._by_name = {t.name: t for t in self.transitions}

    def __getitem__(self, name):
        return self._by_name[name]

    def __contains__(self, name):
        return name in self._by_name

    def problems(self, obj, name, user, inputs=None, *, as_system=False):
        """Why `user` may not take `name` on `obj` now: (status, [sentences]).

        `as_system` is for scheduled commands acting on nobody's behalf (e.g.
        marking a decision effective when its call-in period ends): it skips
        the role check only.
        """
        transition = self[name]
        if not as_system and not can(user, transition.permission, obj):
            return 403, ["Your role does not allow you to do this."]
        status = getattr(obj, self.status_field)
        if status not in transition.sources:
            label = obj.get_status_display()
            return 409, [f"This cannot be done while the record is “{label}”."]
        missing = self.unmet(obj, transition, user, inputs)
        return (409, missing) if missing else (None, [])

    def unmet(self, obj, transition, user, inputs=None):
        """What `transition`'s requirements find missing, as sentences."""
        return [
            message
            for _requirement, message in self._unmet(obj, transition, user, inputs)
        ]

    def _unmet(self, obj, transition, user, inputs=None):
        """[(requirement, sentence)] for each requirement not met. Without
        inputs (the confirmation page before it is filled in, the record's
        page), the requirements that judge what the person will choose are
        skipped."""
        preview = inputs is None
        inputs = inputs or {}
        return [
            (requirement, str(message))
            for requirement in transition.requirements
            if not (preview and getattr(requirement, "needs_inputs", False))
            and (message := requirement(obj, user, inputs))
        ]

    def permitted(self, obj, user):
        """Transitions `user`'s role may take from the record's state."""
        status = getattr(obj, self.status_field)
        return [
            t
            for t in self.transitions
            if can(user, t.permission, obj) and status in t.sources
        ]

    def offer(self, obj, user):
        """What a record's page offers `user`: (the steps they can take now,
        [(step, [what is missing])] for those their role may take from this
        state but not yet, e.g. a review not yet due, which the page explains
        instead of offering; a step a `rules_out` requirement rules out is in
        neither).

        A step is offered when the role may take it, the record is in a state
        it leaves from and every requirement that can be judged before the
        form is filled in is met: exactly the steps whose confirmation page
        answers without a problem, and the only ones `perform()` can take, so
        a page offers every step that can be taken and no other.
        """
        offered, blocked = [], []
        for transition in self.permitted(obj, user):
            unmet = self._unmet(obj, transition, user)
            if not unmet:
                offered.append(transition)
            elif not any(getattr(r, "rules_out", False) for r, _message in unmet):
                blocked.append((transition, [message for _r, message in unmet]))
        return offered, blocked

    def available(self, obj, user):
        """The steps `user` can take now (see `offer()`)."""
        return self.offer(obj, user)[0]

    def perform(self, obj, name, user, *, inputs=None, comment="", as_system=False):
        """Take transition `name` on `obj` as `user`; return the saved record.

        Raises `TransitionRefused` (and changes nothing) on any problem.
        """
        transition = self[name]
        # Requirements may judge the comment too (e.g. "say why").
        inputs = {**(inputs or {}), "comment": comment}
        with transaction.atomic():
            locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
            status, problems = self.problems(
                locked, name, user, inputs, as_system=as_system
            )
            if problems:
                raise TransitionRefused(problems, status=status)
            from_status = getattr(locked, self.status_field)
            for effect in transition.effects:
                effect(locked, user, inputs)
            happened_on, happened_at = transition.when(locked, inputs)
            problem = time_problem(locked, happened_on, self.provisional_steps)
            if problem:
                raise TransitionRefused([problem])
            inputs["happened_on"] = happened_on
            to_status = transition.target_for(locked, inputs)
            setattr(locked, self.status_field, to_status)
            reason = transition.label + (f": {comment}" if comment else "")
            save_with_reason(locked, user=user, reason=reason)
            for effect in transition.after_save:
                effect(locked, user, inputs)
            record_event(
                locked,
                transition.name,
                from_status=from_status,
                to_status=to_status,
                happened_on=happened_on,
                happened_at=happened_at,
                user=user,
                comment=comment,
                link=self.link(transition, locked, inputs),
            )
        return locked
