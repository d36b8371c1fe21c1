"""Choices used across the governance records: value and label in one place."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a person may do within one organisation (docs/product.md, "Who uses it")."""

    OFFICER = "officer", _("Officer")
    MEMBER = "member", _("Member (councillor)")
    CLERK = "clerk", _("Clerk (democratic services)")
    ADMINISTRATOR = "administrator", _("Administrator")


class BankHolidayRegion(models.TextChoices):
    """The UK bank-holiday calendar an organisation follows."""

    ENGLAND_AND_WALES = "england-and-wales", _("England and Wales")
    SCOTLAND = "scotland", _("Scotland")
    NORTHERN_IRELAND = "northern-ireland", _("Northern Ireland")


class Nation(models.TextChoices):
    """The UK nation whose access-to-information law the council follows
    (which schedule of exempt information applies: `decisions/exempt.py`)."""

    ENGLAND = "england", _("England")
    WALES = "wales", _("Wales")
    SCOTLAND = "scotland", _("Scotland")
    NORTHERN_IRELAND = "northern-ireland", _("Northern Ireland")


class DayKind(models.TextChoices):
    """How the days of a period are counted."""

    WORKING = "working", _("working days")
    CALENDAR = "calendar", _("calendar days")


class CountedFrom(models.TextChoices):
    """Where a call-in period starts counting."""

    PUBLICATION = "publication", _("the date of publication")
    DECISION = "decision", _("the date of the decision")


class TakesEffect(models.TextChoices):
    """When a decision takes effect once its call-in period has ended."""

    NEXT_DAY = "next-day", _("the next day")
    NEXT_WORKING_DAY = "next-working-day", _("the next working day")
    AT_CUT_OFF = "at-cut-off", _("at the cut-off on the last day")
    LAST_DAY = "last-day", _("on the last day")


class DemocraticSettingsManagers(models.TextChoices):
    """Who may change a council's committees, call-in rules and closure days."""

    CLERKS_AND_ADMINISTRATORS = (
        "clerks-and-administrators",
        _("Clerks (democratic services) and administrators"),
    )
    ADMINISTRATORS = "administrators", _("Administrators only")


class TakesEffectWithoutCallIn(models.TextChoices):
    """When a decision that is not subject to call-in takes effect."""

    DECISION = "decision", _("the date of the decision")
    PUBLICATION = "publication", _("the date the decision is published")


class PostKind(models.TextChoices):
    """The kinds of post a council names on its papers (`Post`)."""

    CABINET_PORTFOLIO = "cabinet-portfolio", _("Cabinet portfolio")
    DIRECTOR = "director", _("Director")
    HEAD_OF_SERVICE = "head-of-service", _("Head of service")
    REPORT_CONTACT = "report-contact", _("Report contact")
