"""The demo data: two fictional councils and a user per role.

Built through the models' ordinary save paths so the demo records carry
history like any other. Running it again updates in place: one copy only.
Each app adds its own records in its `demo.py`, whose `build(demo)` is
called in the order of INSTALLED_APPS with the `Demo` built here; then its
`finish(demo)`, if it has one.
"""

import secrets
from dataclasses import dataclass
from datetime import date
from importlib import import_module

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from .choices import BankHolidayRegion, Role
from .history import save_with_reason
from .models import Membership, Organisation

REASON = "Demo data"

COUNCILS = [
    {
        "slug": "ashcombe",
        "name": "Ashcombe Borough Council",
        "bank_holiday_region": BankHolidayRegion.ENGLAND_AND_WALES,
    },
    {
        "slug": "fenmoor",
        "name": "Fenmoor District Council",
        "bank_holiday_region": BankHolidayRegion.ENGLAND_AND_WALES,
    },
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


@dataclass
class Demo:
    """What the demo has built so far, for the apps' `demo.build()`."""

    councils: dict
    users: dict
    logins: list
    #: The day the demo is built for: every date in it is relative to this
    #: day (None until `decisions/demo.py` settles it: the day given, else
    #: the day the demo was first loaded).
    today: date | None = None


@transaction.atomic
def build_demo(password, today=None):
    """Create or update the demo councils and users, then each app's records.

    `today` is the day the demo is built for (default: the day it was first
    loaded, today on a fresh database); it must not be in the future, as the
    product refuses to record business that has not happened. Returns the
    list of (username, role label, council name) signed in with `password`.
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

    User = get_user_model()
    logins = []
    users = {}
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
        users[spec.username] = user

    demo = Demo(councils=councils, users=users, logins=logins, today=today)
    for app_config in apps.get_app_configs():
        if app_config.name == "governance":
            continue
        if module_has_submodule(app_config.module, "demo"):
            import_module(f"{app_config.name}.demo").build(demo)
    # Then each app's `finish(demo)`, if it has one, once every record is built.
    for app_config in apps.get_app_configs():
        if app_config.name != "governance" and module_has_submodule(
            app_config.module, "demo"
        ):
            finish = getattr(import_module(f"{app_config.name}.demo"), "finish", None)
            if finish is not None:
                finish(demo)
    return logins
