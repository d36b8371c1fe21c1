"""The cast every test shares.

Council A ("Ashdown") has one person in each role; council B ("Brackley")
has an officer. Each is built through the ordinary code paths (the same
`save_with_reason` the app uses), so their records carry history.

    anonymous      – not signed in: sees only the sign-in page and /healthz
    member         – councillor of A: reads A's approved records, edits nothing
    officer        – officer of A: drafts A's strategies and workplans
    clerk          – clerk of A: committees, meetings, decisions and papers
    administrator  – administrator of A: people, roles and A's settings; the admin
    other_council  – officer of B: must never see or touch anything of A's
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model

from decisions.choices import CommitteeKind
from decisions.models import CallInRule, Committee
from governance.choices import Role
from governance.history import save_with_reason
from governance.models import Membership, Organisation

PASSWORD = "correct-horse-battery-staple"

ROLES = ["anonymous", "member", "officer", "clerk", "administrator", "other_council"]


def make_organisation(name, slug, **fields):
    organisation = Organisation(name=name, slug=slug, **fields)
    return save_with_reason(organisation, user=None, reason="Test set-up")


def make_committee(organisation, name, kind):
    committee = Committee(organisation=organisation, name=name, kind=kind)
    return save_with_reason(committee, user=None, reason="Test set-up")


def make_call_in_rule(organisation, applies_from=date(2000, 1, 1), **fields):
    """A call-in rule; by default 5 working days counting the day of publication."""
    rule = CallInRule(organisation=organisation, applies_from=applies_from, **fields)
    return save_with_reason(rule, user=None, reason="Test set-up")


def make_person(username, organisation=None, role=None, *, staff=False):
    user = get_user_model().objects.create_user(
        username=username,
        password=PASSWORD,
        first_name=username.replace("_", " ").title(),
        last_name="Tester",
        is_staff=staff,
    )
    if organisation is not None:
        give_role(user, organisation, role)
    return user


def give_role(user, organisation, role):
    membership = Membership(user=user, organisation=organisation, role=role)
    return save_with_reason(membership, user=None, reason="Test set-up")


@dataclass
class Cast:
    council_a: Organisation
    council_b: Organisation
    member: object
    officer: object
    clerk: object
    administrator: object
    other_council: object

    def user(self, role):
        """The user playing `role` (None for anonymous)."""
        return None if role == "anonymous" else getattr(self, role)


def build_cast():
    council_a = make_organisation("Ashdown Borough Council", "ashdown")
    council_b = make_organisation("Brackley District Council", "brackley")
    for council in (council_a, council_b):
        make_committee(council, "Cabinet", CommitteeKind.EXECUTIVE)
        make_committee(
            council, "Overview and Scrutiny Committee", CommitteeKind.SCRUTINY
        )
        make_call_in_rule(council)
    return Cast(
        council_a=council_a,
        council_b=council_b,
        member=make_person("member", council_a, Role.MEMBER),
        officer=make_person("officer", council_a, Role.OFFICER),
        clerk=make_person("clerk", council_a, Role.CLERK),
        administrator=make_person(
            "administrator", council_a, Role.ADMINISTRATOR, staff=True
        ),
        other_council=make_person("other_council", council_b, Role.OFFICER),
    )
