"""Choices for committees and their business."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CommitteeKind(models.TextChoices):
    """What a committee is for; approval needs an executive or decision-making body."""

    EXECUTIVE = "executive", _("Executive (Cabinet)")
    DECISION_MAKING = "decision-making", _("Decision-making committee")
    SCRUTINY = "scrutiny", _("Overview and scrutiny")
    OTHER = "other", _("Other committee")
