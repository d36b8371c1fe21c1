"""The record of every status change, with two times.

Every status step of every record — a strategy sent to scrutiny, a
workplan approved, a decision published, called in or corrected — is one
`Event` row. Each says *when it happened* (`happened_on`, and `happened_at`
where the moment is known: a publication, a call-in received) separately
from *when and by whom it was recorded* (`recorded_at`, `recorded_by`): a
clerk loading a council's 2007 decisions today records business that
happened in 2007. Pages, feeds and papers print when it happened; the
history shows both.

Rows are written only by the workflow engine (`transitions.Workflow`) and,
for corrections of a published record, by `record_event()`.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

#: status value -> label, for every workflow's statuses (each registers its
#: choices with `register_statuses`).
_STATUS_LABELS = {}


def register_statuses(choices):
    """Make `choices` (a TextChoices) the labels of their values in events."""
    for value, label in choices.choices:
        _STATUS_LABELS.setdefault(value, label)


def status_label(value):
    return str(_STATUS_LABELS.get(value, value))


#: transition name -> what an event of it says, where the new status alone
#: would not (a step that keeps the status, e.g. a correction).
_EVENT_LABELS = {}


def register_event_labels(labels):
    _EVENT_LABELS.update(labels)


class EventQuerySet(models.QuerySet):
    def for_record(self, record):
        return self.filter(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
        ).select_related("recorded_by")

    def last_happened_on(self, record, exclude=()):
        """The date of the record's latest event (None if it has none),
        leaving out events of the transitions named in `exclude`."""
        return (
            self.filter(
                content_type=ContentType.objects.get_for_model(record),
                object_id=record.pk,
            )
            .exclude(transition__in=exclude)
            .aggregate(last=models.Max("happened_on"))
            .get("last")
        )


class Event(models.Model):
    """One status step of one record: what happened, when, and who recorded it."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    transition = models.CharField(max_length=40)
    from_status = models.CharField(max_length=16)
    to_status = models.CharField(max_length=16)
    #: When it happened: the meeting's date for a scrutiny outcome, the
    #: decision's date for an approval, the publication date for publishing.
    happened_on = models.DateField(gettext_lazy("happened on"))
    #: The moment it happened, where that is known (a publication, a call-in
    #: received); otherwise empty.
    happened_at = models.DateTimeField(null=True, blank=True)
    #: When, and by whom, it was written down here.
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(blank=True)
    #: The meeting or decision the step was taken at or by.
    link_content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    link_object_id = models.PositiveBigIntegerField(null=True, blank=True)
    link = GenericForeignKey("link_content_type", "link_object_id")

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["happened_on", "recorded_at", "pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "happened_on"]),
        ]

    def __str__(self):
        return f"{self.transition}: {self.from_status} → {self.to_status}"

    @property
    def label(self):
        """What happened, in a few words: "Approved", "Corrected"."""
        return str(_EVENT_LABELS.get(self.transition) or self.to_status_label)

    @property
    def to_status_label(self):
        return status_label(self.to_status)

    @property
    def from_status_label(self):
        return status_label(self.from_status)

    @property
    def recorded_later(self):
        """Whether it was recorded on a later day than it happened."""
        return timezone.localdate(self.recorded_at) != self.happened_on


def record_event(
    record,
    transition,
    *,
    from_status,
    to_status,
    happened_on,
    happened_at=None,
    user=None,
    comment="",
    link=None,
):
    """Write one event row for `record`, and tell the record's followers
    (`notifications.event_recorded`, in the same transaction)."""
    from .notifications import event_recorded

    event = Event.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        transition=transition,
        from_status=from_status,
        to_status=to_status,
        happened_on=happened_on,
        happened_at=happened_at,
        recorded_by=user if user is not None and user.is_authenticated else None,
        comment=comment,
        link_content_type=(
            ContentType.objects.get_for_model(link) if link is not None else None
        ),
        link_object_id=link.pk if link is not None else None,
    )
    event_recorded(event, record)
    return event
