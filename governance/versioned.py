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
