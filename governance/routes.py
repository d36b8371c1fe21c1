"""Each council's route for its strategies and workplans: whether pre-decision
scrutiny is required, optional or not used, and which bodies may approve.

Councils run the same business through different constitutions: one sends
its strategy to an overview and scrutiny committee before Cabinet, another
takes it straight to Cabinet, a third has its workplan approved by a Finance
Committee. A council keeps one `Route` per record type; without one, the
default applies (scrutiny required; Cabinet or any decision-making committee
approves), which is how most councils' constitutions read.

The lifecycle asks the route (`route_for(record)`) whenever a draft is sent
on or approved (`lifecycle.py`: `route_uses_scrutiny`,
`route_allows_going_straight_to_decision`, `approving_decision_chosen`), so
the route is enforced wherever a step is taken, not only on the page.
"""

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from .versioned import VersionedModel


class RecordType(models.TextChoices):
    """The records that go through the lifecycle on a route of their own.
    (A workplan's items go with their workplan.)"""

    STRATEGY = "strategy", gettext_lazy("Strategies")
    WORKPLAN = "workplan", gettext_lazy("Annual workplans")


class Scrutiny(models.TextChoices):
    REQUIRED = "required", gettext_lazy("Required: every draft goes to scrutiny first")
    OPTIONAL = (
        "optional",
        gettext_lazy("Optional: the officer chooses whether it goes to scrutiny first"),
    )
    NOT_USED = (
        "not-used",
        gettext_lazy("Not used: drafts go straight to the decision maker"),
    )


class Route(VersionedModel):
    """How one council takes one type of record from draft to approval."""

    organisation = models.ForeignKey(
        "governance.Organisation", on_delete=models.CASCADE, related_name="routes"
    )
    record_type = models.CharField(
        gettext_lazy("record type"), max_length=12, choices=RecordType
    )
    scrutiny = models.CharField(
        gettext_lazy("pre-decision scrutiny"),
        max_length=12,
        choices=Scrutiny,
        default=Scrutiny.REQUIRED,
    )
    approving_committees = models.ManyToManyField(
        "decisions.Committee",
        related_name="+",
        verbose_name=gettext_lazy("who may approve"),
    )

    history = HistoricalRecords(m2m_fields=[approving_committees])

    class Meta:
        app_label = "governance"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "record_type"], name="one_route_per_record_type"
            )
        ]

    def __str__(self):
        return f"{self.organisation}: route for {self.get_record_type_display()}"

    # --- what the lifecycle asks ---------------------------------------------------

    @property
    def scrutiny_required(self):
        return self.scrutiny == Scrutiny.REQUIRED

    @property
    def scrutiny_used(self):
        return self.scrutiny != Scrutiny.NOT_USED

    def approvers(self):
        """The committees whose decisions may approve (a queryset)."""
        from decisions.choices import CommitteeKind
        from decisions.models import Committee

        if self.pk is None:
            return Committee.objects.filter(
                organisation_id=self.organisation_id,
                kind__in=[CommitteeKind.EXECUTIVE, CommitteeKind.DECISION_MAKING],
            ).order_by("name")
        return self.approving_committees.order_by("name")

    def may_approve(self, committee):
        if self.pk is None:
            return committee.takes_decisions
        return any(c.pk == committee.pk for c in self._approvers_cached())

    def _approvers_cached(self):
        if not hasattr(self, "_approvers"):
            self._approvers = list(self.approvers())
        return self._approvers

    def approvers_text(self):
        """E.g. "Cabinet or Finance Committee"; for the default route,
        "Cabinet or a decision-making committee"."""
        if self.pk is None:
            return _("Cabinet or a decision-making committee")
        names = [committee.name for committee in self._approvers_cached()]
        if not names:
            return _("nobody")
        if len(names) == 1:
            return names[0]
        return _("%(names)s or %(last)s") % {
            "names": ", ".join(names[:-1]),
            "last": names[-1],
        }

    def summary(self):
        """The route in a sentence, for confirmation pages and settings."""
        what = self.get_record_type_display().lower()
        approvers = self.approvers_text()
        if self.scrutiny == Scrutiny.REQUIRED:
            text = _(
                "The council's route for %(what)s: an overview and scrutiny "
                "committee considers every draft first; then %(approvers)s approves."
            )
        elif self.scrutiny == Scrutiny.OPTIONAL:
            text = _(
                "The council's route for %(what)s: pre-decision scrutiny is "
                "optional; %(approvers)s approves."
            )
        else:
            text = _(
                "The council's route for %(what)s: drafts go straight to the "
                "decision maker, without pre-decision scrutiny; %(approvers)s "
                "approves."
            )
        return text % {"what": what, "approvers": approvers}


def record_type_of(record):
    """The route a lifecycle record follows: a workplan item follows its
    workplan's."""
    label = record._meta.model_name
    if label == "workplanitem":
        return RecordType.WORKPLAN
    return RecordType(label)


def route_for(record):
    """The council's route for `record` (the default, unsaved, if it has
    not set one). Cached on the record for the request."""
    cached = getattr(record, "_route", None)
    if cached is None:
        cached = route_of(record.organisation_id, record_type_of(record))
        record._route = cached
    return cached


def route_of(organisation_id, record_type):
    route = Route.objects.filter(
        organisation_id=organisation_id, record_type=record_type
    ).first()
    return route or Route(organisation_id=organisation_id, record_type=record_type)


def routes_of(organisation_id):
    """The council's route for each record type, in `RecordType` order (the
    default where it has not set one), in two queries."""
    saved = {
        route.record_type: route
        for route in Route.objects.filter(
            organisation_id=organisation_id
        ).prefetch_related("approving_committees")
    }
    routes = []
    for record_type in RecordType:
        route = saved.get(record_type)
        if route is None:
            route = Route(organisation_id=organisation_id, record_type=record_type)
        else:
            route._approvers = sorted(
                route.approving_committees.all(), key=lambda c: c.name
            )
        routes.append(route)
    return routes
