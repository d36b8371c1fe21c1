"""Organisations (councils) and the roles people hold in them."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import BankHolidayRegion, DayKind, Role
from .querysets import OrganisationScopedQuerySet


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The organisations in which `user` holds any role."""
        from .permissions import roles_of

        return self.filter(pk__in=roles_of(user).keys())


class Organisation(models.Model):
    """A council. Every governed record belongs to exactly one organisation.

    The call-in rule fields describe how the council counts the period in
    which a published executive decision can be called in; `decisions`
    computes deadlines from them and never lets a clerk type one.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name for addresses"), max_length=60, unique=True)
    bank_holiday_region = models.CharField(
        _("bank-holiday region"),
        max_length=20,
        choices=BankHolidayRegion,
        default=BankHolidayRegion.ENGLAND_AND_WALES,
    )
    call_in_days = models.PositiveSmallIntegerField(
        _("call-in period (days)"),
        default=5,
        help_text=_("How many days members have to call in a published decision."),
    )
    call_in_day_kind = models.CharField(
        _("days counted as"),
        max_length=10,
        choices=DayKind,
        default=DayKind.WORKING,
    )
    call_in_first_day_counts = models.BooleanField(
        _("the day of publication counts as day one"), default=True
    )
    call_in_cut_off = models.TimeField(
        _("cut-off time on the last day"),
        null=True,
        blank=True,
        help_text=_("Leave blank for the end of the day (midnight)."),
    )

    history = HistoricalRecords()
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(call_in_days__gte=1, call_in_days__lte=60),
                name="organisation_call_in_days_between_1_and_60",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("governance:organisation_detail", args=[self.slug])

    @property
    def call_in_rule_text(self):
        """The rule as a clerk would say it, e.g. "5 working days, ..."."""
        counts = (
            _("the day of publication counts as day one")
            if self.call_in_first_day_counts
            else _("counted from the day after publication")
        )
        cut_off = (
            self.call_in_cut_off.strftime("%H:%M").lstrip("0")
            if self.call_in_cut_off
            else _("midnight")
        )
        return _("%(days)s %(kind)s, %(counts)s, ending at %(cut_off)s") % {
            "days": self.call_in_days,
            "kind": self.get_call_in_day_kind_display(),
            "counts": counts,
            "cut_off": cut_off,
        }


class Membership(models.Model):
    """One person's role in one organisation.

    A person may belong to several organisations (a shared ICT service is
    common) and chooses which one they are working in; within one
    organisation they hold exactly one role.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role)
    job_title = models.CharField(_("job title or office"), max_length=200, blank=True)

    history = HistoricalRecords()
    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                name="membership_one_role_per_person_per_organisation",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()}, {self.organisation}"
