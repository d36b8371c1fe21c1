"""The demo data: two fictional councils, their committees and a user per role.

Built through the models' ordinary save paths so the demo records carry
history like any other. Running it again updates in place: one copy only.
Later features add their own records to `build_demo()`.
"""

import secrets
from dataclasses import dataclass
from datetime import time

from django.contrib.auth import get_user_model
from django.db import transaction

from decisions.choices import CommitteeKind
from decisions.models import Committee

from .choices import BankHolidayRegion, DayKind, Role
from .history import save_with_reason
from .models import Membership, Organisation

REASON = "Demo data"

COUNCILS = [
    {
        "slug": "ashcombe",
        "name": "Ashcombe Borough Council",
        "bank_holiday_region": BankHolidayRegion.ENGLAND_AND_WALES,
        "call_in_days": 5,
        "call_in_day_kind": DayKind.WORKING,
        "call_in_first_day_counts": True,
        "call_in_cut_off": None,
    },
    {
        "slug": "fenmoor",
        "name": "Fenmoor District Council",
        "bank_holiday_region": BankHolidayRegion.ENGLAND_AND_WALES,
        "call_in_days": 5,
        "call_in_day_kind": DayKind.WORKING,
        "call_in_first_day_counts": False,
        "call_in_cut_off": time(17, 0),
    },
]

COMMITTEES = [
    ("Cabinet", CommitteeKind.EXECUTIVE),
    ("Overview and Scrutiny Committee", CommitteeKind.SCRUTINY),
    ("Finance and Performance Committee", CommitteeKind.OTHER),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    council: str
    role: Role
    job_title: str
    is_staff: bool = False


USERS = [
    DemoUser(
        "admin",
        "Alex",
        "Mercer",
        "ashcombe",
        Role.ADMINISTRATOR,
        "Systems Administrator",
        is_staff=True,
    ),
    DemoUser(
        "clerk",
        "Joanna",
        "Pryce",
        "ashcombe",
        Role.CLERK,
        "Democratic Services Officer",
    ),
    DemoUser(
        "officer",
        "Daniel",
        "Okafor",
        "ashcombe",
        Role.OFFICER,
        "Head of ICT and Digital",
    ),
    DemoUser(
        "member",
        "Councillor Helen",
        "Marsh",
        "ashcombe",
        Role.MEMBER,
        "Cabinet Member for Resources",
    ),
    DemoUser(
        "other-officer",
        "Sam",
        "Whitlock",
        "fenmoor",
        Role.OFFICER,
        "ICT Service Manager",
    ),
]


def generate_password():
    return secrets.token_urlsafe(12)


@transaction.atomic
def build_demo(password):
    """Create or update the demo councils, committees and users.

    Returns the list of (username, role label, council name) signed in with
    `password`.
    """
    councils = {}
    for spec in COUNCILS:
        spec = dict(spec)
        slug = spec.pop("slug")
        council = Organisation.objects.filter(slug=slug).first() or Organisation(
            slug=slug
        )
        changed = council.pk is None or any(
            getattr(council, field) != value for field, value in spec.items()
        )
        for field, value in spec.items():
            setattr(council, field, value)
        if changed:
            save_with_reason(council, user=None, reason=REASON)
        councils[slug] = council

        for name, kind in COMMITTEES:
            committee = Committee.objects.filter(
                organisation=council, name=name
            ).first()
            if committee is None or committee.kind != kind:
                committee = committee or Committee(organisation=council, name=name)
                committee.kind = kind
                save_with_reason(committee, user=None, reason=REASON)

    User = get_user_model()
    logins = []
    for spec in USERS:
        user = User.objects.filter(username=spec.username).first() or User(
            username=spec.username
        )
        user.first_name = spec.first_name
        user.last_name = spec.last_name
        user.email = f"{spec.username}@{spec.council}.example"
        user.is_staff = spec.is_staff
        user.is_superuser = spec.is_staff
        user.is_active = True
        user.set_password(password)
        user.save()

        council = councils[spec.council]
        membership = Membership.objects.filter(
            user=user, organisation=council
        ).first() or Membership(user=user, organisation=council)
        if membership.pk is None or (membership.role, membership.job_title) != (
            spec.role,
            spec.job_title,
        ):
            membership.role = spec.role
            membership.job_title = spec.job_title
            save_with_reason(membership, user=None, reason=REASON)
        logins.append((spec.username, spec.role.label, council.name))
    return logins
