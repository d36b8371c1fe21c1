"""Who may do what to a strategy, a workplan, an item or a review, and in
which state: one policy per record type, answering role *and* state.

`permissions.py` answers "which rows may this person reach" and the roles of
committee business; this module answers, for the records that go through the
lifecycle, "may this person take this action on this record *now*?":

* content actions (edit a draft, amend an approved strategy, vary an approved
  workplan, update progress, keep milestones...) are rules here: the roles
  that may take them and the states of the record they may be taken in;
* lifecycle steps (submit, send for decision, record the scrutiny outcome,
  approve...) are answered by the record type's workflow, which knows the
  council's route (`routes.py`) and every requirement.

Views (`PolicyMixin` below), buttons (`allows()` in templates' context),
home panels and the access matrix's expectations all ask the same policy,
so a page never offers what its URL refuses, and the other way round.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import Role
from .lifecycle import LifecycleStatus
from .permissions import role_in

S = LifecycleStatus
OFFICERS = frozenset({Role.OFFICER})
#: States in which an approved record changes by amendment or variation.
APPROVED_STATES = frozenset({S.APPROVED, S.REVIEW})
#: States in which delivery is still reported (not superseded or closed).
LIVE_STATES = frozenset({S.DRAFT, S.SCRUTINY, S.APPROVAL, S.APPROVED, S.REVIEW})


class Refused(Exception):
    """An action refused: `status` 403 (the role) or 409 (the state)."""

    def __init__(self, status, message):
        self.status = status
        self.message = str(message)
        super().__init__(self.message)


@dataclass(frozen=True)
class Rule:
    """An action: the roles that may take it, and the states of the record
    (`Policy.state_of`) it may be taken in (None: any; e.g. "create", taken
    on the council rather than a record)."""

    roles: frozenset
    states: frozenset | None
    #: Why not, in the wrong state: a sentence with %(record)s and %(status)s.
    refusal: str = gettext_lazy("This cannot be done while it is %(status)s.")
    #: Further checks on the record: each returns a sentence or None.
    checks: tuple = ()


def approval_not_paused(record):
    return record.paused_problem()


def not_being_replaced(strategy):
    if strategy.replacements.exists():
        return _("A replacement is already being prepared.")
    return None


@dataclass
class Policy:
    """The rules of one record type, and its workflow for lifecycle steps."""

    name: str
    rules: dict
    #: Dotted path of the record type's `Workflow` (loaded when first asked,
    #: so the policy can be imported by the modules the workflow imports).
    workflow_path: str | None = None
    #: The record whose status the rules read (an item: its workplan).
    state_of: Callable = lambda record: record
    #: The row holding that status, locked when the rules are asked again
    #: inside a save (`PolicyMixin.policy_refusal_now`).
    state_row: Callable = lambda record: record
    _workflow: object = field(default=None, init=False, repr=False)

    @property
    def workflow(self):
        if self._workflow is None and self.workflow_path:
            self._workflow = import_string(self.workflow_path)
        return self._workflow

    def problem(self, user, action, record):
        """Why `user` may not take `action` on `record` now, as a `Refused`
        (403: the role; 409: the state or a requirement), or None."""
        rule = self.rules.get(action)
        if rule is None:
            if self.workflow is None or action not in self.workflow:
                raise LookupError(f"{self.name} has no action {action!r}")
            status, problems = self.workflow.problems(record, action, user)
            return Refused(status, " ".join(problems)) if problems else None
        if role_in(user, record) not in rule.roles:
            return Refused(403, _("Your role does not allow this."))
        if rule.states is not None:
            subject = self.state_of(record)
            if subject.status not in rule.states:
                return Refused(
                    409,
                    rule.refusal
                    % {"record": subject, "status": subject.status_label.lower()},
                )
        for check in rule.checks:
            message = check(record)
            if message:
                return Refused(409, message)
        return None

    def allows(self, user, action, record):
        return self.problem(user, action, record) is None


STRATEGY = Policy(
    "strategy",
    {
        "create": Rule(OFFICERS, None),
        # Its content, themes, objectives and risks.
        "edit": Rule(
            OFFICERS,
            frozenset({S.DRAFT}),
            gettext_lazy(
                "“%(record)s” is %(status)s. Its content can be changed only "
                "while it is a draft; once approved, by a minor amendment under "
                "delegated powers, or by preparing a replacement."
            ),
        ),
        "amend": Rule(
            OFFICERS,
            APPROVED_STATES,
            gettext_lazy(
                "“%(record)s” is %(status)s: only an approved strategy is "
                "amended under delegated powers."
            ),
            (approval_not_paused,),
        ),
        "prepare_replacement": Rule(
            OFFICERS,
            APPROVED_STATES,
            gettext_lazy(
                "“%(record)s” is %(status)s: only an approved strategy is replaced."
            ),
            (approval_not_paused, not_being_replaced),
        ),
    },
    "strategy.lifecycle.STRATEGY_LIFECYCLE",
)

WORKPLAN = Policy(
    "workplan",
    {
        "create": Rule(OFFICERS, None),
        # Adding, moving and importing items; its own title.
        "edit": Rule(
            OFFICERS,
            frozenset({S.DRAFT}),
            gettext_lazy(
                "%(record)s is %(status)s. Its items can be added and changed "
                "only while it is a draft; once approved, by a recorded variation."
            ),
        ),
        # Adding, changing or removing items of the approved plan.
        "vary": Rule(
            OFFICERS,
            APPROVED_STATES,
            gettext_lazy(
                "%(record)s is %(status)s: only an approved workplan is varied."
            ),
        ),
        "update_progress": Rule(
            OFFICERS,
            LIVE_STATES,
            gettext_lazy("%(record)s is %(status)s: its progress is no longer kept."),
        ),
    },
    "workplan.lifecycle.WORKPLAN_LIFECYCLE",
)

ITEM = Policy(
    "item",
    {
        "edit": WORKPLAN.rules["edit"],
        "vary": WORKPLAN.rules["vary"],
        # Status, RAG and percentage complete; milestones.
        "update_progress": WORKPLAN.rules["update_progress"],
    },
    "workplan.lifecycle.ITEM_LIFECYCLE",
    state_of=lambda item: item.workplan,
    state_row=lambda item: item.workplan,
)


class _ReviewState:
    """A review's own open/closed status, read like a lifecycle status."""

    def __init__(self, review):
        self.status = review.status
        self.status_label = review.get_status_display()
        self.review = review

    def __str__(self):
        return str(self.review)


#: A review round: officers give their items' updates while it is open.
REVIEW = Policy(
    "review",
    {
        # Who gives updates in the council's review rounds (asked of the
        # council, for the home page).
        "give_updates": Rule(OFFICERS, None),
        "update": Rule(
            OFFICERS,
            frozenset({"open"}),
            gettext_lazy(
                "This review has been closed: its updates can no longer be changed."
            ),
        ),
    },
    state_of=_ReviewState,
)


# --- in views ---------------------------------------------------------------------


class PolicyMixin:
    """A page that takes one action on one record: the record is reached
    through `visible_to()` (another council's, or a draft a member may not
    see: 404), then the policy decides (403 for the role; 409 for the state,
    shown on a page that says why, and nothing changes).

    Subclasses set `policy`, `policy_action` (or `get_policy_action()`) and
    `policy_model` with `policy_lookup` (the URL keyword of its pk), or
    override `get_policy_record()`. The record is `self.record`.
    """

    policy = None
    policy_action = None
    policy_model = None
    policy_lookup = "pk"
    policy_related = ()

    def get_policy_record(self):
        records = self.policy_model.objects.visible_to(self.request.user)
        if self.policy_related:
            records = records.select_related(*self.policy_related)
        return get_object_or_404(records, pk=self.kwargs[self.policy_lookup])

    def get_policy_action(self):
        return self.policy_action

    def dispatch(self, request, *args, **kwargs):
        # (Anonymous people never get here: `LoginRequiredMiddleware`.)
        self.record = self.get_policy_record()
        refusal = self.policy.problem(
            request.user, self.get_policy_action(), self.record
        )
        if refusal is not None:
            return refuse(request, refusal, self.record)
        return super().dispatch(request, *args, **kwargs)

    def policy_refusal_now(self):
        """The policy asked again just before saving, inside the save's
        transaction, with the row whose status it reads locked and read
        afresh: a response if it now refuses (nothing saved), else None.
        A step taken meanwhile (sent to scrutiny, the review closed) waits
        for this save, or this save sees it."""
        row = self.policy.state_row(self.record)
        row.refresh_from_db(
            from_queryset=type(row)._default_manager.select_for_update(no_key=True)
        )
        refusal = self.policy.problem(
            self.request.user, self.get_policy_action(), self.record
        )
        return refuse(self.request, refusal, self.record) if refusal else None


def refuse(request, refusal, record):
    if refusal.status == 403:
        raise PermissionDenied(refusal.message)
    return render(
        request,
        "governance/not_now.html",
        {"object": record, "message": refusal.message},
        status=refusal.status,
    )


class PolicyCreateMixin:
    """A page that starts a record in the council the person is working in
    ("create" in `policy`): their role there decides (403 otherwise)."""

    policy = None

    def dispatch(self, request, *args, **kwargs):
        organisation = getattr(request, "organisation", None)
        if organisation is None or not self.policy.allows(
            request.user, "create", organisation
        ):
            raise PermissionDenied(_("Your role does not allow this."))
        return super().dispatch(request, *args, **kwargs)
