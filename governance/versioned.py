"""The version every record edited by forms carries."""

from django.db import models


class VersionedModel(models.Model):
    """A record edited by forms: `version` moves on at every save, and an
    edit form carries the version it was loaded at, so a save based on an
    older one is refused (`governance.mixins.VersionedUpdateMixin`)."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            self.version += 1
            fields = kwargs.get("update_fields")
            if fields is not None and "version" not in fields:
                kwargs["update_fields"] = [*fields, "version"]
        super().save(*args, **kwargs)


def lock(record):
    """`record`'s row, locked until the transaction ends and read afresh."""
    return type(record)._default_manager.select_for_update().get(pk=record.pk)


def move_on(record):
    """Move `record`'s version on without saving its fields: a row was
    added to (or removed from, or saved in) a list its version guards, so a
    form on it loaded before is refused (`VersionedUpdateMixin`).

    As when the mixin moves a list's parent on, no history row is written
    for the parent: the rows that changed carry their own. Call it inside
    the transaction that changed the rows, after locking the parent
    (`lock`), so an edit of the parent either sees the new version or saves
    before the rows change."""
    type(record)._default_manager.filter(pk=record.pk).update(
        version=models.F("version") + 1
    )
