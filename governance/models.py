"""Organisations (councils) and the roles people hold in them."""

from datetime import time

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import (
    BankHolidayRegion,
    DemocraticSettingsManagers,
    Nation,
    PostKind,
    Role,
    TakesEffectWithoutCallIn,
)
from .data_changes import DataChange  # noqa: F401
from .diff_store import StoredDiff  # noqa: F401
from .events import Event  # noqa: F401
from .feed_keys import FeedKey  # noqa: F401
from .hosts import validate_public_host
from .lifecycle import ApprovedVersion, MinorAmendment  # noqa: F401
from .notifications import (  # noqa: F401
    Change,
    Follow,
    Notification,
    ReminderOptOut,
)
from .paper_store import PaperJob, StoredPaper  # noqa: F401
from .querysets import OrganisationScopedQuerySet
from .routes import Route  # noqa: F401
from .submissions import SubmissionToken  # noqa: F401
from .versioned import VersionedModel
from .visits import Visit  # noqa: F401


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The organisations in which `user` holds any role."""
        from .permissions import roles_of

        return self.filter(pk__in=roles_of(user).keys())


class Organisation(VersionedModel):
    """A council. Every governed record belongs to exactly one organisation.

    Its call-in rules (dated, so a change of constitution never moves an old
    deadline) and closure days live in `decisions` (`CallInRule`,
    `ClosureDay`); the bank-holiday region here says which bank holidays
    are not working days.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name for addresses"), max_length=60, unique=True)
    bank_holiday_region = models.CharField(
        _("bank-holiday region"),
        max_length=20,
        choices=BankHolidayRegion,
        default=BankHolidayRegion.ENGLAND_AND_WALES,
    )
    #: Which access-to-information law applies (the paragraphs a report may
    #: be exempt under: `decisions/exempt.py`). Not the bank-holiday region:
    #: Wales numbers its Schedule 12A paragraphs differently from England.
    nation = models.CharField(
        _("nation"),
        max_length=20,
        choices=Nation,
        default=Nation.ENGLAND,
        help_text=_(
            "Decides which schedule of exempt information the council's "
            "reports and decisions may be withheld under."
        ),
    )
    #: Everyone in the council must have a second factor, not only its
    #: administrators and clerks (see `governance/second_factor.py`).
    second_factor_required_for_all = models.BooleanField(
        _("second factor for everyone"),
        default=False,
        help_text=_(
            "Administrators and clerks must always use an authenticator app "
            "to sign in. Select this to ask officers and members too."
        ),
    )
    #: False where the council's decision makers are not subject to call-in
    #: (the committee system); a committee may say so for itself too.
    decisions_subject_to_call_in = models.BooleanField(
        _("decisions can be called in"),
        default=True,
        help_text=_(
            "Clear this if the council runs the committee system, or another "
            "arrangement under which its decisions are not subject to call-in."
        ),
    )
    takes_effect_without_call_in = models.CharField(
        _("a decision not subject to call-in takes effect on"),
        max_length=12,
        choices=TakesEffectWithoutCallIn,
        default=TakesEffectWithoutCallIn.PUBLICATION,
    )
    #: The time of day stored for a decision whose publication is recorded
    #: with its date only (a clerk catching up who does not know the hour);
    #: such a record has `published_time_known` False and shows the date only.
    default_publication_time = models.TimeField(
        _("time of day decisions are usually published"),
        default=time(9, 0),
        help_text=_(
            "Used when a clerk records a past publication without its time. "
            "Pages and papers then show the date only. For example, 9am or 16:00."
        ),
    )
    #: Who may change committees, call-in rules and closure days (the
    #: `manage_democratic_settings` action of `permissions.py`).
    democratic_settings_managed_by = models.CharField(
        _("who may change committees, call-in rules and closure days"),
        max_length=30,
        choices=DemocraticSettingsManagers,
        default=DemocraticSettingsManagers.CLERKS_AND_ADMINISTRATORS,
    )
    #: Whether the public site shows its approved strategies, workplans and
    #: closed progress reports (its committee business is always public).
    publishes_strategies = models.BooleanField(
        _("publish strategies and workplans"),
        default=False,
        help_text=_(
            "Select this to show the public your approved strategies, their "
            "workplans and the progress reports made to committee. Meetings, "
            "reports and decisions are published whatever you choose."
        ),
    )
    #: The council's own host name for its public site (`public/hosts.py`):
    #: a request for this host is answered with the public site at the root.
    public_host = models.CharField(
        _("public site's own address"),
        max_length=253,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_public_host],
        help_text=_(
            "A host name of your council's, such as "
            "democracy.example-council.gov.uk, that shows this public site "
            "at its root. Ask whoever runs this service to point the name "
            "here and add it to the allowed hosts first. Leave empty to use "
            "only the address under /public/."
        ),
    )
    history = HistoricalRecords()
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("governance:organisation_detail", args=[self.slug])

    def democratic_settings_roles(self):
        """The roles that may change its committees, call-in rules and
        closure days, as the council has chosen."""
        if (
            self.democratic_settings_managed_by
            == DemocraticSettingsManagers.ADMINISTRATORS
        ):
            return frozenset({Role.ADMINISTRATOR})
        return frozenset({Role.CLERK, Role.ADMINISTRATOR})


class MembershipQuerySet(OrganisationScopedQuerySet):
    def current(self):
        """Roles people hold now (not ended)."""
        return self.filter(ended_at__isnull=True)

    def to_name_on(self, record, *fields):
        """The people a form may name on `record` in `fields` (lead officer,
        director …): those with a role now, and whoever the record already
        names, even if their role has since ended."""
        named = [getattr(record, f"{field}_id", None) for field in fields]
        return self.filter(
            models.Q(ended_at__isnull=True)
            | models.Q(pk__in=[pk for pk in named if pk is not None])
        )


class Membership(VersionedModel):
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
    #: When the person stopped holding the role (set by an administrator).
    #: The row stays, because records name the person (a strategy's lead
    #: officer); an ended membership gives no access at all.
    ended_at = models.DateTimeField(_("role ended"), null=True, blank=True)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

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


class InvitationQuerySet(OrganisationScopedQuerySet):
    def pending(self):
        """Invitations neither accepted, cancelled nor expired."""
        from django.utils import timezone

        return self.filter(
            accepted_at__isnull=True,
            cancelled_at__isnull=True,
            expires_at__gt=timezone.now(),
        )


class Invitation(models.Model):
    """An invitation, sent by e-mail, to take a role in a council.

    The link carries a random token of which only a hash is kept. Whoever
    follows it either creates their account (choosing their own password) or,
    if an account with that e-mail address exists, signs in as it and
    accepts; either way the role is given only then. An invitation is used
    once, and expires (`settings.INVITATION_VALID_DAYS`).
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("email address"))
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    role = models.CharField(_("role"), max_length=20, choices=Role)
    job_title = models.CharField(_("job title or office"), max_length=200, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    history = HistoricalRecords()
    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} – {self.get_role_display()}, {self.organisation}"

    @property
    def name(self):
        return f"{self.first_name} {self.last_name}".strip()


class PostQuerySet(OrganisationScopedQuerySet):
    def to_name_on(self, record, field, kinds):
        """The posts a form may name on `record` in `field`: the council's
        posts of `kinds` still in use, and whichever post the record names
        already (even one no longer in use, or of another kind)."""
        named = getattr(record, f"{field}_id", None)
        return self.filter(
            models.Q(kind__in=kinds, in_use=True) | models.Q(pk=named)
        ).select_related("holder__user")


class Post(VersionedModel):
    """A post a council names on its papers (a cabinet portfolio, a
    director, a head of service, a report contact), held by a named person
    who need not have an account. Records name the post; its holder is
    printed as the post is held when the paper is made (papers as sent keep
    the holder of their day)."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="posts",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind of post"), max_length=20, choices=PostKind)
    name = models.CharField(
        _("title of the post"),
        max_length=200,
        help_text=_("For example, Cabinet Member for Resources."),
    )
    holder_name = models.CharField(
        _("name of the person who holds it"),
        max_length=200,
        blank=True,
        help_text=_(
            "For example, Councillor Helen Marsh. Leave blank while the post is vacant."
        ),
    )
    holder = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="posts",
        verbose_name=_("their account, if they have one"),
    )
    contact = models.CharField(
        _("contact details"),
        max_length=300,
        blank=True,
        help_text=_(
            "Email address and telephone number, printed on the reports "
            "that name this post as the contact."
        ),
    )
    in_use = models.BooleanField(
        _("in use"),
        default=True,
        help_text=_(
            "Clear this when the council no longer has the post: records "
            "that name it keep it, but it is not offered again."
        ),
    )

    history = HistoricalRecords()
    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="post_name_unique_per_organisation",
                violation_error_message=_("There is already a post with this title."),
            ),
        ]

    def __str__(self):
        if self.holder_name:
            return f"{self.name} ({self.holder_name})"
        return self.name

    @property
    def holder_and_name(self):
        """As papers print it: "Helen Marsh, Cabinet Member for Resources"."""
        if self.holder_name:
            return f"{self.holder_name}, {self.name}"
        return self.name
