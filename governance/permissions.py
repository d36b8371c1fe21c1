"""The access policy: who may do what, in one place.

Two questions are asked everywhere:

* which rows may this person see or change at all? — answered by the
  organisation-scoped querysets (`visible_to`, `editable_by`), built on
  `roles_of()` below;
* may this person take this action on this object now? — answered by
  `can(user, action, obj)`, whose rules are the `ACTIONS` table.

Views, exports, papers and feeds ask these and nothing else.
"""

from .choices import Role
from .principal import ROLES_ATTRIBUTE

#: Roles that write content (officers draft; clerks manage committee business;
#: administrators manage settings). Members only read.
EDITING_ROLES = frozenset({Role.OFFICER, Role.CLERK, Role.ADMINISTRATOR})
ALL_ROLES = frozenset(Role)

#: action name -> roles that may take it within the object's organisation.
#: Later features add their actions here rather than checking roles in views.
ACTIONS = {
    "view": ALL_ROLES,
    "change_organisation_settings": frozenset({Role.ADMINISTRATOR}),
    # The council's people: inviting, roles, ending memberships, sending a
    # password-reset link (`people.py`). The Django admin is for superusers
    # (the installation's operators), whatever their role.
    "manage_people": frozenset({Role.ADMINISTRATOR}),
    # The council's departments (named by workplan items).
    "manage_departments": frozenset({Role.OFFICER, Role.CLERK, Role.ADMINISTRATOR}),
    # Committees, meetings, reports and decision records (democratic services).
    "manage_committee_business": frozenset({Role.CLERK, Role.ADMINISTRATOR}),
    # Writing committee reports about the council's records: officers too,
    # until the report's agenda is published (`Report.change_refusal`).
    "write_report": EDITING_ROLES,
    # Committees, call-in rules and closure days: clerks too, unless the
    # council says administrators only (`COUNCIL_CHOOSES`).
    "manage_democratic_settings": frozenset({Role.CLERK, Role.ADMINISTRATOR}),
    # Reading committee business before its agenda is published (members
    # read the agenda pack once it is).
    "read_unpublished_business": EDITING_ROLES,
    # Reading exempt information (reports, annexes, decisions' exempt
    # parts withheld from the public: `decisions/exempt.py`): the council's
    # members and staff. Nobody else, the public included, ever reads it.
    "read_exempt_information": ALL_ROLES,
    # The lifecycle's steps of strategies, workplans and items: officers
    # send drafts on, clerks record what committees decided (`lifecycle.py`).
    # Who may change their content, in which state, is `policy.py`.
    "lifecycle_submit": frozenset({Role.OFFICER}),
    "lifecycle_record_scrutiny": frozenset({Role.CLERK}),
    "lifecycle_approve": frozenset({Role.CLERK}),
    "lifecycle_open_review": frozenset({Role.OFFICER, Role.CLERK}),
    "lifecycle_close_review": frozenset({Role.CLERK}),
    "lifecycle_close": frozenset({Role.CLERK}),
    # Agreeing a variation under delegated powers: whoever the council has
    # named (workplan's `VariationSettings`) among these roles.
    "agree_variation": EDITING_ROLES,
    # Only ever taken by the system, when a replacement is approved.
    "lifecycle_supersede": frozenset(),
    # Only ever taken by the system (`update_decision_status`): a published
    # decision whose call-in period has ended already reads as effective.
    "decision_mark_effective": frozenset(),
}

#: Actions whose roles each council narrows in its settings: action -> a
#: function of the council giving the roles that may take it there.
COUNCIL_CHOOSES = {
    "manage_democratic_settings": lambda council: council.democratic_settings_roles(),
}

#: Set by `roles_of`, or by `principal.load_principal` with the user.
_CACHE_ATTRIBUTE = ROLES_ATTRIBUTE


class UnknownAction(LookupError):
    """`can()` was asked about an action missing from `ACTIONS` (a bug)."""


def roles_of(user):
    """Map organisation id -> role for `user`; empty for anonymous users.

    Loaded with one query and cached on the user object for the request.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return {}
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        from .models import Membership

        cached = dict(
            Membership.objects.current()
            .filter(user=user)
            .values_list("organisation_id", "role")
        )
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def forget_roles(user):
    """Drop the cached roles (after a membership changes in the same request)."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def organisation_id_of(obj):
    """The id of the organisation a governed object belongs to."""
    from .models import Organisation

    if isinstance(obj, Organisation):
        return obj.pk
    return obj.organisation_id


def role_in(user, obj):
    """The role `user` holds in `obj`'s organisation, or None."""
    return roles_of(user).get(organisation_id_of(obj))


def can(user, action, obj=None):
    """May `user` take `action` on `obj`?

    With `obj`, the user's role in the object's organisation decides. Without
    one, the question is whether they may take the action anywhere (e.g. "use
    the admin at all").
    """
    try:
        allowed = ACTIONS[action]
    except KeyError:
        raise UnknownAction(action) from None
    if obj is None:
        return any(role in allowed for role in roles_of(user).values())
    role = role_in(user, obj)
    if role in allowed and action in COUNCIL_CHOOSES:
        return role in COUNCIL_CHOOSES[action](council_of(obj))
    return role in allowed


def council_of(obj):
    """The organisation a governed object belongs to."""
    from .models import Organisation

    return obj if isinstance(obj, Organisation) else obj.organisation
