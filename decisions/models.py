"""Committees (meetings, reports and decision records follow in a later issue)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from governance.models import Organisation
from governance.querysets import OrganisationScopedQuerySet

from .choices import CommitteeKind


class Committee(models.Model):
    """A council body that meets: Cabinet, a scrutiny committee, a finance committee."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="committees",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=CommitteeKind)

    history = HistoricalRecords()
    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="committee_name_unique_per_organisation",
            ),
        ]

    def __str__(self):
        return self.name
