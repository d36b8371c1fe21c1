"""ICT strategies: their themes, objectives and risks.

A strategy moves through the shared lifecycle (`governance/lifecycle.py`,
bound in `strategy/lifecycle.py`). Its content is edited only while it is a
draft; once approved it changes only by a minor amendment under delegated
powers, or by a replacement that goes through the lifecycle again.
"""

import uuid

from django.db import models
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from governance.lifecycle import ADOPTED, LifecycleRecord, LifecycleStatus
from governance.models import Membership, Organisation, Post
from governance.querysets import MemberReadableQuerySet, OrganisationScopedQuerySet
from governance.text_search import search_index, search_vector
from governance.versioned import VersionedModel

from .choices import ReviewFrequency, RiskLevel

#: What members may read: the council's adopted strategies, current or past.
READABLE_BY_MEMBERS = ADOPTED | {LifecycleStatus.CLOSED}


class StrategyQuerySet(MemberReadableQuerySet):
    def member_filter(self):
        """Members read approved, reviewed, superseded and closed strategies."""
        return models.Q(status__in=READABLE_BY_MEMBERS)

    def public_filter(self):
        """The public read what members read, where the council publishes
        its strategies (`Organisation.publishes_strategies`)."""
        return self.member_filter() & self.publishes_strategies_filter()

    def in_line_of(self, strategy):
        """The versions of `strategy`'s line (itself included), first first."""
        return self.filter(line=strategy.line).order_by("version_number")


class Strategy(LifecycleRecord):
    """A council's ICT (digital) strategy for a period of years."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="strategies",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("title"), max_length=200)
    period_start_year = models.PositiveSmallIntegerField(_("first year"))
    period_end_year = models.PositiveSmallIntegerField(_("last year"))
    vision = models.TextField(_("vision"), blank=True)
    summary = models.TextField(
        _("strategy on a page"),
        blank=True,
        help_text=_("The one-page summary members and residents read first."),
    )
    body = models.TextField(
        _("the strategy in full"),
        blank=True,
        help_text=_("Its sections: context, where we are, where we want to be."),
    )
    budget = models.DecimalField(
        _("budget (£)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    budget_implications = models.TextField(
        _("budget and resource implications"), blank=True
    )
    consultation = models.TextField(_("consultation undertaken"), blank=True)
    #: The cabinet portfolio responsible (`Post`): its holder is printed.
    cabinet_member = models.ForeignKey(
        Post,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible cabinet member"),
        help_text=_("The cabinet portfolio, from the council's list of posts."),
    )
    #: The director responsible (`Post`).
    director = models.ForeignKey(
        Post,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible director"),
        help_text=_("From the council's list of posts."),
    )
    lead_officer = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead officer"),
    )
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replacements",
        verbose_name=_("the strategy it replaces"),
        editable=False,
    )
    #: Which version of its line this is: 1 for a new strategy, one more than
    #: the strategy it replaces for a replacement (see `save()`). Not to be
    #: confused with `version`, the counter that guards against lost edits.
    version_number = models.PositiveIntegerField(
        _("version"), default=1, editable=False
    )
    #: The line of versions it belongs to: a replacement takes the line of the
    #: strategy it replaces, so a strategy and all its replacements share it.
    line = models.UUIDField(default=uuid.uuid4, editable=False)
    #: For full-text search (docs/search.md); its themes, objectives and
    #: risks have their own.
    search_vector = search_vector(
        title="A",
        summary="B",
        vision="B",
        body="C",
        budget_implications="C",
        consultation="C",
    )

    history = HistoricalRecords(excluded_fields=["search_vector"])
    objects = StrategyQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start_year", "title"]
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        indexes = [
            models.Index(fields=["organisation", "status"]),
            search_index("strategy"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end_year__gte=models.F("period_start_year")),
                name="strategy_period_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(version_number__gte=1),
                name="strategy_version_number_from_one",
            ),
            models.UniqueConstraint(
                fields=["line", "version_number"],
                name="strategy_version_number_unique_in_line",
                violation_error_message=_(
                    "This strategy already has a version with this number."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        """A new replacement follows the strategy it replaces: same line, the
        next version number."""
        if self._state.adding and self.replaces_id is not None:
            self.line = self.replaces.line
            self.version_number = self.replaces.version_number + 1
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("strategy:strategy_detail", args=[self.pk])

    @property
    def version_label(self):
        return _("Version %(number)s") % {"number": self.version_number}

    @property
    def period(self):
        return f"{self.period_start_year}–{self.period_end_year}"

    @property
    def lifecycle(self):
        from .lifecycle import STRATEGY_LIFECYCLE

        return STRATEGY_LIFECYCLE

    def authors(self):
        authors = super().authors()
        if self.lead_officer_id:
            authors.add(self.lead_officer.user_id)
        return authors

    #: Content fields, in reading order (for snapshots, diffs and amendments).
    CONTENT_FIELDS = [
        "title",
        "period_start_year",
        "period_end_year",
        "vision",
        "summary",
        "body",
        "budget",
        "budget_implications",
        "consultation",
    ]

    def snapshot(self):
        """The content as plain data: kept when approved, compared later.

        Uses the themes and risks already prefetched on this instance, if any
        (so call it on a freshly loaded strategy after changing them).
        """
        prefetch_related_objects([self], "themes__objectives", "risks")
        themes = self.themes.all()
        return {
            "fields": {
                name: {
                    "label": str(self._meta.get_field(name).verbose_name),
                    "value": ""
                    if getattr(self, name) is None
                    else str(getattr(self, name)),
                }
                for name in self.CONTENT_FIELDS
            },
            "themes": [
                {
                    "title": theme.title,
                    "description": theme.description,
                    "objectives": [o.text for o in theme.objectives.all()],
                }
                for theme in themes
            ],
            "risks": [
                {
                    "description": risk.description,
                    "likelihood": risk.get_likelihood_display(),
                    "impact": risk.get_impact_display(),
                    "mitigation": risk.mitigation,
                    "owner": risk.owner,
                }
                for risk in self.risks.all()
            ],
        }


class ThemeQuerySet(OrganisationScopedQuerySet):
    organisation_lookup = "strategy__organisation"

    def public_filter(self):
        """The themes of public strategies."""
        return models.Q(
            strategy__in=Strategy.objects.filter(Strategy.objects.public_filter())
        )


class Theme(VersionedModel):
    """An ordered part of a strategy; workplan items align to themes."""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="themes"
    )
    position = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    corporate_priority = models.CharField(
        _("corporate-plan priority"), max_length=200, blank=True
    )
    search_vector = search_vector(title="A", description="B", corporate_priority="C")

    history = HistoricalRecords(excluded_fields=["search_vector"])
    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = ["strategy", "position"]
        indexes = [search_index("theme")]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "position"],
                name="theme_position_unique_per_strategy",
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self):
        return self.title


class Objective(models.Model):
    """An ordered objective within a theme."""

    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, related_name="objectives"
    )
    position = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("objective"))
    search_vector = search_vector(text="B")

    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["theme", "position"]
        indexes = [search_index("objective")]
        constraints = [
            models.UniqueConstraint(
                fields=["theme", "position"],
                name="objective_position_unique_per_theme",
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self):
        return self.text[:80]


class Risk(models.Model):
    """A risk to delivering the strategy, with its mitigation and owner, in
    the order the strategy lists them (`position`: 1, 2, 3...)."""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="risks"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    description = models.TextField(_("risk"))
    likelihood = models.CharField(_("likelihood"), max_length=8, choices=RiskLevel)
    impact = models.CharField(_("impact"), max_length=8, choices=RiskLevel)
    mitigation = models.TextField(_("mitigation"), blank=True)
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    review_frequency = models.CharField(
        _("reviewed"),
        max_length=12,
        choices=ReviewFrequency,
        default=ReviewFrequency.QUARTERLY,
    )
    search_vector = search_vector(description="B", mitigation="C", owner="C")

    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["strategy", "position", "pk"]
        indexes = [search_index("risk")]

    def __str__(self):
        return self.description[:80]
