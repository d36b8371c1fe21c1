"""Choices for workplan items: value, label and tag colour in one place."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Confidence(models.TextChoices):
    """How sure the council is of an item's scope."""

    CONFIDENT = "C", _("C – confident of scope")
    EARLY_DISCOVERY = "ED", _("ED – early discovery")
    FUTURE_WORKS = "FW", _("Future works – anticipated")

    @property
    def short(self):
        return {"C": "C", "ED": "ED", "FW": "Future works"}[self.value]


#: How an item whose category or work type was not given reads.
NOT_STATED = _("Not stated")


class WorkType(models.TextChoices):
    STATUTORY = "statutory", _("Statutory or immediate obligation")
    URGENT = "urgent", _("Urgent or remedial")
    SERVICE_PLAN = "service-plan", _("Driven by a department's service plan")


class DeliveryStatus(models.TextChoices):
    #: What an imported item's spreadsheet did not say (or said in words
    #: that map to no status): never shown as "Not started".
    NOT_STATED = "not-stated", _("Not stated")
    NOT_STARTED = "not-started", _("Not started")
    IN_PROGRESS = "in-progress", _("In progress")
    COMPLETE = "complete", _("Complete")
    ON_HOLD = "on-hold", _("On hold")
    CANCELLED = "cancelled", _("Cancelled")

    @property
    def colour(self):
        return {
            "not-stated": "grey",
            "not-started": "grey",
            "in-progress": "blue",
            "complete": "green",
            "on-hold": "yellow",
            "cancelled": "grey",
        }[self.value]


class Rag(models.TextChoices):
    RED = "red", _("Red")
    AMBER = "amber", _("Amber")
    GREEN = "green", _("Green")

    @property
    def colour(self):
        return {"red": "red", "amber": "orange", "green": "green"}[self.value]
