"""The reminders of updates due in an open review that have been sent (see
`workplan.notices.reminders_due`)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReminderSent(models.Model):
    """A reminder of an item's update due in an open review: sent once per
    kind (a week before, on the day)."""

    class Kind(models.TextChoices):
        WEEK_BEFORE = "week", _("A week before")
        ON_THE_DAY = "day", _("On the day")

    review = models.ForeignKey(
        "workplan.Review", on_delete=models.CASCADE, related_name="+"
    )
    item = models.ForeignKey(
        "workplan.WorkplanItem", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=4, choices=Kind)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "workplan"
        constraints = [
            models.UniqueConstraint(
                fields=["review", "item", "kind"],
                name="reminder_once_per_item_and_kind",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.item} in {self.review}"
