"""The demo data: two fictional councils and a user per role.

Built through the models' ordinary save paths so the demo records carry
history like any other. Running it again updates in place: one copy only.
Each app adds its own records in its `demo.py`, whose `build(demo)` is
called in the order of INSTALLED_APPS with the `Demo` built here; then its
`finish(demo)`, if it has one.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime
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
        # Its public site shows its strategies and workplans too.
        "publishes_strategies": True,
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


#: The financial year the strategy and workplan story is written for: its
#: current workplan is "ICT workplan 2022–23". The demo moves the whole story
#: by whole years so that this workplan is the one of the financial year
#: containing the day it is loaded for (`story_years`).
STORY_YEAR = 2022

#: A year of the story as written (2015 to 2029; the 2007 strategy of the
#: committee business stays where it is), with an optional short second year
#: ("2022–23", "2018/19"); or the year in an item reference ("ICT-22-07").
_STORY_YEAR_TEXT = re.compile(
    r"\b(?P<year>20(?:1[5-9]|2\d))(?:(?P<sep>[–/])(?P<short>\d\d)(?!\d))?\b"
    r"|\bICT-(?P<ref>\d\d)-"
)


def financial_year_start(day):
    """The year the UK financial year containing `day` began (1 April)."""
    return day.year if day.month >= 4 else day.year - 1


@dataclass(frozen=True)
class StoryYears:
    """The strategy and workplan story moved to a day: `plan` is the year
    the current workplan's financial year begins (the one containing the
    day); every year of the story as written moves by `shift`."""

    plan: int

    @property
    def shift(self):
        return self.plan - STORY_YEAR

    def year(self, year):
        return year + self.shift

    def day(self, day):
        """`day` of the story as written, moved by whole years (29 February
        becomes the 28th in a year that has none)."""
        year = day.year + self.shift
        try:
            return day.replace(year=year)
        except ValueError:
            return day.replace(year=year, day=28)

    def text(self, text):
        """`text` with the story's years moved ("ICT workplan 2022–23" for
        2022 becomes "ICT workplan 2026–27" for 2026)."""

        def moved(match):
            if match["ref"]:
                return f"ICT-{(int(match['ref']) + self.shift) % 100:02d}-"
            year = str(int(match["year"]) + self.shift)
            if match["short"] is None:
                return year
            short = (int(match["short"]) + self.shift) % 100
            return f"{year}{match['sep']}{short:02d}"

        return _STORY_YEAR_TEXT.sub(moved, text)

    def move(self, value):
        """Every text, date and time in `value` (nested dicts, lists and
        tuples) moved by `shift` years; anything else as it is."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, datetime):
            return datetime.combine(self.day(value.date()), value.timetz())
        if isinstance(value, date):
            return self.day(value)
        if isinstance(value, dict):
            return {key: self.move(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.move(item) for item in value)
        return value


def story_years(today):
    """The story's years for a demo loaded on `today` (see `StoryYears`)."""
    return StoryYears(plan=financial_year_start(today))


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
    #: The years of the strategy and workplan story (None until
    #: `strategy/demo.py` settles them: those the story was first built
    #: with, else `story_years(today)`).
    story: "StoryYears | None" = None


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
