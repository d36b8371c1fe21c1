"""Choices for committees and their business: value, label and tag colour."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CommitteeKind(models.TextChoices):
    """What a committee is for; approval needs an executive or decision-making body."""

    EXECUTIVE = "executive", _("Executive (Cabinet)")
    DECISION_MAKING = "decision-making", _("Decision-making committee")
    SCRUTINY = "scrutiny", _("Overview and scrutiny")
    OTHER = "other", _("Other committee")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")

    @property
    def colour(self):
        return {"scheduled": "blue", "held": "green", "cancelled": "grey"}[self.value]


class DecisionStatus(models.TextChoices):
    """Where a decision record is on its path (see `decisions/decision_path.py`)."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published, subject to call-in")
    CALLED_IN = "called-in", _("Called in")
    REFERRED_BACK = "referred-back", _("Referred back to the decision maker")
    EFFECTIVE = "effective", _("Effective")

    @property
    def colour(self):
        return {
            "draft": "grey",
            "published": "yellow",
            "called-in": "orange",
            "referred-back": "red",
            "effective": "green",
        }[self.value]


class CallInOutcome(models.TextChoices):
    NO_FURTHER_ACTION = "no-further-action", _("No further action")
    REFERRED_BACK = "referred-back", _("Referred back to the decision maker")


class UrgencyRoute(models.TextChoices):
    """How a key decision is taken without 28 clear days' notice."""

    NONE = "", _("Not needed (28 clear days' notice given)")
    GENERAL_EXCEPTION = "general-exception", _("General exception")
    SPECIAL_URGENCY = "special-urgency", _("Special urgency")


class ExemptScope(models.TextChoices):
    """What of a report is exempt information (`decisions/exempt.py`)."""

    REPORT = "report", _("The whole report")
    ANNEXES = "annexes", _("Only its annexes (the report itself is public)")
