"""Committees, meetings, reports, decision records and the call-in rules.

The call-in deadline of a decision is computed by `call_in.py` from the rule
in force on the day of publication (`CallInRule`), the council's bank-holiday
region and its closure days; it is stored when the decision is published,
never typed. A decision's path (draft, published, called in, effective) is
the table in `decision_path.py`.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from governance.choices import CountedFrom, DayKind, Role, TakesEffect
from governance.models import Organisation, Post
from governance.numbering import ListNumbering
from governance.permissions import can, roles_of
from governance.querysets import MemberReadableQuerySet, OrganisationScopedQuerySet
from governance.text_search import search_index, search_vector
from governance.versioned import VersionedModel

from . import call_in
from .choices import (
    CallInOutcome,
    CommitteeKind,
    DecisionStatus,
    ExemptScope,
    MeetingStatus,
    UrgencyRoute,
)
from .exempt import ExemptInformation


class CommitteeQuerySet(OrganisationScopedQuerySet):
    def public_filter(self):
        """Every committee of the council is public, with its members."""
        return models.Q()


class Committee(VersionedModel):
    """A council body that meets: Cabinet, a scrutiny committee, a finance committee."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="committees",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=CommitteeKind)
    decisions_subject_to_call_in = models.BooleanField(
        _("its decisions can be called in"),
        default=True,
        help_text=_(
            "Clear this for a body whose decisions are not subject to call-in: "
            "a decision-making committee under the committee system, full "
            "council, a regulatory committee."
        ),
    )
    contact_officer = models.CharField(
        _("contact officer"),
        max_length=300,
        blank=True,
        help_text=_(
            "The democratic services officer for the committee, with a phone "
            "number or email address, for example Jo Smith, 01632 960000."
        ),
    )
    purpose = models.TextField(
        _("purpose"),
        blank=True,
        help_text=_(
            "What the committee is for, as its terms of reference say: for "
            "example, scrutinises the decisions of Cabinet on ICT and digital "
            "services."
        ),
    )
    #: For full-text search (docs/search.md).
    search_vector = search_vector(name="A", purpose="B")

    history = HistoricalRecords(excluded_fields=["search_vector"])
    objects = CommitteeQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "name"]
        indexes = [search_index("committee")]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="committee_name_unique_per_organisation",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def decisions_can_be_called_in(self):
        """Whether its decisions are subject to call-in (its own setting and
        its council's)."""
        return (
            self.decisions_subject_to_call_in
            and self.organisation.decisions_subject_to_call_in
        )

    @property
    def takes_decisions(self):
        """Cabinet, or a committee where the council runs the committee system."""
        return self.kind in (CommitteeKind.EXECUTIVE, CommitteeKind.DECISION_MAKING)

    def members_problem(self, count):
        """Why this committee cannot have `count` members (or None): a
        decision-making committee approves, so it must have members."""
        if self.kind == CommitteeKind.DECISION_MAKING and count == 0:
            return _(
                "A decision-making committee approves business, so it must "
                "have members: add at least one councillor"
            )
        return None


class CommitteeMemberQuerySet(OrganisationScopedQuerySet):
    organisation_lookup = "committee__organisation"

    def public_filter(self):
        """Who sits on a committee is public."""
        return models.Q()


class CommitteeMember(models.Model):
    """A councillor on a committee, with their role on it (Chair, Vice-chair,
    Member). Councillors are named people, who need not have an account;
    `membership` links one who has (a member of the same council)."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice-chair", _("Vice-chair")
        MEMBER = "member", _("Member")

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(
        _("role on the committee"), max_length=12, choices=Role, default=Role.MEMBER
    )
    membership = models.ForeignKey(
        "governance.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="committee_places",
        verbose_name=_("their account, if they have one"),
    )

    history = HistoricalRecords()
    objects = CommitteeMemberQuerySet.as_manager()

    class Meta:
        ordering = ["committee", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "name"],
                name="committee_member_once_per_committee",
                violation_error_message=_("This councillor is already listed."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"


class CallInRuleQuerySet(OrganisationScopedQuerySet):
    def in_force_on(self, organisation, day):
        """The organisation's rule that applied on `day` (None if none did)."""
        rule = (
            self.filter(organisation=organisation, applies_from__lte=day)
            .order_by("-applies_from")
            .first()
        )
        if rule is not None and isinstance(organisation, models.Model):
            rule.organisation = organisation  # known: not read again
        return rule


class CallInRule(VersionedModel):
    """How a council counts its call-in period, from a given date onwards.

    Councils change their constitutions; a decision is judged by the rule in
    force on the day it was published, so old deadlines never move.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="call_in_rules",
        verbose_name=_("organisation"),
    )
    applies_from = models.DateField(
        _("applies to decisions published on or after"),
    )
    days = models.PositiveSmallIntegerField(
        _("call-in period (days)"),
        default=5,
        help_text=_("How many days members have to call in a published decision."),
    )
    day_kind = models.CharField(
        _("days counted as"), max_length=10, choices=DayKind, default=DayKind.WORKING
    )
    counted_from = models.CharField(
        _("counted from"),
        max_length=12,
        choices=CountedFrom,
        default=CountedFrom.PUBLICATION,
    )
    first_day_counts = models.BooleanField(
        _("that first day counts as day one"), default=False
    )
    cut_off = models.TimeField(
        _("cut-off time on the last day"),
        null=True,
        blank=True,
        help_text=_("Leave blank for the end of the day (midnight)."),
    )
    takes_effect = models.CharField(
        _("the decision takes effect on"),
        max_length=20,
        choices=TakesEffect,
        default=TakesEffect.NEXT_DAY,
    )

    history = HistoricalRecords()
    objects = CallInRuleQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "-applies_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "applies_from"],
                name="call_in_rule_one_per_start_date",
            ),
            models.CheckConstraint(
                condition=models.Q(days__gte=1, days__lte=60),
                name="call_in_rule_days_between_1_and_60",
            ),
        ]

    def __str__(self):
        return f"{self.organisation}: from {self.applies_from:%d %B %Y}"

    def as_rule(self, closure_days=frozenset(), bank_holidays_worked=frozenset()):
        """This rule as the pure `call_in.Rule` the calculation takes."""
        return call_in.Rule(
            days=self.days,
            day_kind=self.day_kind,
            counted_from=self.counted_from,
            first_day_counts=self.first_day_counts,
            cut_off=self.cut_off,
            takes_effect=self.takes_effect,
            region=self.organisation.bank_holiday_region,
            closure_days=frozenset(closure_days),
            bank_holidays_worked=frozenset(bank_holidays_worked),
        )

    @property
    def text(self):
        return call_in.describe_rule(self.as_rule())

    def is_applied(self):
        """Whether a published decision's deadline was worked out from it:
        then it can no longer be corrected, only withdrawn from a date by a
        later rule."""
        return DecisionRecord.objects.filter(call_in_rule=self).exists()

    def decisions_it_would_alter(self):
        """Published decisions that would fall under this rule, from its
        `applies_from`, although another rule gave them their deadline: a
        rule may not be dated before them (their deadline would no longer be
        the one the rule in force on their day gives)."""
        local_day = TruncDate("published_at", tzinfo=call_in.LONDON)
        later = CallInRule.objects.filter(
            organisation=self.organisation_id, applies_from__gt=self.applies_from
        ).exclude(pk=self.pk)
        decisions = (
            DecisionRecord.objects.filter(
                organisation=self.organisation_id, call_in_rule__isnull=False
            )
            .exclude(call_in_rule=self.pk)
            .annotate(published_on=local_day)
            .filter(published_on__gte=self.applies_from)
        )
        # Those a later rule governs are untouched by this one.
        first_later = later.order_by("applies_from").first()
        if first_later is not None:
            decisions = decisions.filter(published_on__lt=first_later.applies_from)
        return decisions.order_by("published_at")


class BankHolidayWorked(models.Model):
    """A bank holiday on which the council works as usual (its offices are
    open), so it counts as a working day for call-in after all."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="bank_holidays_worked",
        verbose_name=_("organisation"),
    )
    date = models.DateField(_("date"))

    history = HistoricalRecords()
    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "date"],
                name="bank_holiday_worked_once_per_date",
            ),
        ]

    def __str__(self):
        return f"{self.date:%d %B %Y}: worked"

    @classmethod
    def could_be_worked(cls, organisation, today):
        """[(date, name)] of the weekday bank holidays of the council's region
        this year and next (earlier ones this year too, for a clerk catching
        up) that it does not yet work."""
        region = organisation.bank_holiday_region
        years = (today.year, today.year + 1)
        worked = set(
            cls.objects.filter(
                organisation=organisation, date__year__in=years
            ).values_list("date", flat=True)
        )
        return [
            (day, name)
            for year in years
            for day, name in sorted(call_in.bank_holidays(region, year).items())
            if day.weekday() < 5 and day not in worked
        ]

    @property
    def name(self):
        """The bank holiday's name, e.g. "Spring Bank Holiday"."""
        return call_in.bank_holidays(
            self.organisation.bank_holiday_region, self.date.year
        ).get(self.date, "")


class ClosureDay(models.Model):
    """A day the council's offices are closed (e.g. a Christmas shutdown).

    Closure days are not working days when a call-in period is counted.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="closure_days",
        verbose_name=_("organisation"),
    )
    date = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=200)

    history = HistoricalRecords()
    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "date"], name="closure_day_once_per_date"
            ),
        ]

    def __str__(self):
        return f"{self.date:%d %B %Y}: {self.description}"

    @classmethod
    def days_to_add(cls, organisation, first, last):
        """The days from `first` to `last` (inclusive) that are not yet the
        council's closure days."""
        closed = set(
            cls.objects.filter(
                organisation=organisation, date__range=(first, last)
            ).values_list("date", flat=True)
        )
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        return [day for day in days if day not in closed]


class MeetingQuerySet(OrganisationScopedQuerySet):
    organisation_lookup = "committee__organisation"

    def upcoming_first(self, now=None):
        """Meetings to come, soonest first, then past ones, the most recent
        first: the order people look for them in."""
        now = now or timezone.now()
        upcoming = models.Q(starts_at__gte=now)
        return self.order_by(
            models.Case(models.When(upcoming, then=0), default=1),
            models.Case(models.When(upcoming, then=models.F("starts_at"))).asc(),
            models.F("starts_at").desc(),
            "pk",
        )

    def public_filter(self):
        """The public see a meeting once its agenda is published."""
        return models.Q(agenda_published=True)


class Meeting(VersionedModel):
    """A meeting of a committee, with its ordered agenda."""

    committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("committee"),
    )
    starts_at = models.DateTimeField(_("date and time"))
    venue = models.CharField(_("venue"), max_length=200)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=MeetingStatus,
        default=MeetingStatus.SCHEDULED,
    )
    agenda_published = models.BooleanField(
        _("agenda published"),
        default=False,
        help_text=_("Members can read the reports once the agenda is published."),
    )
    #: For full-text search (docs/search.md): a meeting is found by its venue.
    search_vector = search_vector(venue="B")

    history = HistoricalRecords(excluded_fields=["search_vector"])
    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["committee", "starts_at"]),
            search_index("meeting"),
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{self.committee.name}, {local:%-d %B %Y}"

    def get_absolute_url(self):
        return reverse("decisions:meeting_detail", args=[self.pk])

    @property
    def organisation(self):
        return self.committee.organisation

    @property
    def organisation_id(self):
        return self.committee.organisation_id

    @property
    def status_choice(self):
        return MeetingStatus(self.status)

    def clean(self):
        if (
            self.status == MeetingStatus.HELD
            and self.starts_at is not None
            and self.starts_at > timezone.now()
        ):
            local = timezone.localtime(self.starts_at, call_in.LONDON)
            raise ValidationError(
                {
                    "status": _(
                        "A meeting cannot be marked held before it starts "
                        "(%(date)s at %(time)s)."
                    )
                    % {
                        "date": call_in.format_date(local.date()),
                        "time": local.strftime("%H:%M"),
                    }
                }
            )

    def agenda_pack_readable_by(self, user):
        """Members read the agenda pack once the agenda is published; the
        council's officers, clerks and administrators before then too."""
        return self.agenda_published or can(user, "read_unpublished_business", self)

    @property
    def has_been_held(self):
        """Whether it has taken place: it has started and was not cancelled
        (clerks mark it held after the event, sometimes not at all)."""
        return (
            self.status != MeetingStatus.CANCELLED and self.starts_at <= timezone.now()
        )

    def scrutiny_problem(self, record):
        """Why this meeting cannot receive `record` for scrutiny (or None)."""
        if self.committee.organisation_id != record.organisation_id:
            return _("Select a meeting of this council.")
        if self.committee.kind != CommitteeKind.SCRUTINY:
            return _("Select a meeting of an overview and scrutiny committee.")
        if self.status == MeetingStatus.CANCELLED:
            return _("That meeting has been cancelled: choose another.")
        return None


class ReportQuerySet(MemberReadableQuerySet):
    def member_filter(self):
        """Members read the reports on published agendas."""
        return models.Q(
            pk__in=AgendaItem.objects.filter(meeting__agenda_published=True).values(
                "report_id"
            )
        )

    def not_exempt_filter(self):
        """A Q object: reports whose content may be published: not exempt
        information, or released by a clerk (`exempt.py`). A report whose
        annexes only are exempt is public; its annexes are not (the public's
        papers and pages leave them out while `annexes_withheld`)."""
        return ~(Report.withheld_q() & models.Q(exempt_scope=ExemptScope.REPORT))

    def withheld(self):
        """Reports with exempt information withheld now (the whole report or
        its annexes)."""
        return self.filter(Report.withheld_q())

    def public_filter(self):
        """The public read the reports on published agendas that are not
        exempt."""
        return self.member_filter() & self.not_exempt_filter()

    def forward_plan_filter(self):
        """A Q object: key decisions the council has given notice of on its
        forward plan (public before the agenda is, by title and date). A key
        decision to be taken on exempt information is still listed, as the
        2012 executive arrangements regulations require, under its public
        title with the notice of why it is not for publication."""
        return models.Q(key_decision=True, forward_plan_notice_on__isnull=False)

    def public_forward_plan(self, organisation):
        """The key-decision reports on `organisation`'s public forward plan
        (`forward_plan.forward_plan` leaves out those already decided)."""
        return self.for_organisation(organisation).filter(self.forward_plan_filter())


class Report(ExemptInformation):
    """A committee paper: what the committee is asked to decide, and why."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("title"), max_length=300)
    #: The director or head of service whose report it is (`Post`).
    report_of = models.ForeignKey(
        Post,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("report of"),
        help_text=_("The director or head of service whose report it is."),
    )
    #: Who to contact about the report: its author's post (`Post`).
    contact = models.ForeignKey(
        Post,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("contact officer"),
        help_text=_("Usually the report's author: printed with their contact details."),
    )
    purpose = models.TextField(_("purpose of the report"))
    summary = models.TextField(_("summary"), blank=True)
    reasons = models.TextField(_("reasons for the recommendations"), blank=True)
    other_options = models.TextField(_("other options considered"), blank=True)
    wards_affected = models.CharField(
        _("wards affected"), max_length=300, blank=True, default="All wards"
    )
    groups_affected = models.CharField(_("groups affected"), max_length=300, blank=True)
    budget_and_policy_framework = models.TextField(
        _("budget and policy framework"), blank=True
    )
    key_decision = models.BooleanField(_("key decision"), default=False)
    urgent_decision = models.BooleanField(_("urgent decision"), default=False)
    background_papers = models.TextField(_("background papers"), blank=True)
    annexes = models.TextField(_("annexes"), blank=True)
    #: Exempt information (`exempt.py`): the whole report, or only the
    #: annexes it carries (the report itself is then public).
    exempt_scope = models.CharField(
        _("what is exempt"),
        max_length=8,
        choices=ExemptScope,
        default=ExemptScope.REPORT,
    )
    exempt_title_publishable = models.BooleanField(
        _("the title may be published"),
        default=False,
        help_text=_("Otherwise the public agenda shows a neutral title in its place."),
    )
    forward_plan_notice_on = models.DateField(
        _("first published on the forward plan"),
        null=True,
        blank=True,
        help_text=_("For key decisions: the date notice was first given."),
    )
    urgency_route = models.CharField(
        _("urgency route"),
        max_length=20,
        choices=UrgencyRoute,
        blank=True,
        default=UrgencyRoute.NONE,
    )
    urgency_reason = models.TextField(_("reason for urgency"), blank=True)
    #: The strategy, workplan or review the report presents (its paper
    #: carries that record as annexes); see `report_subjects.py`.
    subject_content_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    subject_object_id = models.PositiveBigIntegerField(null=True, blank=True)
    #: Incremented on every save: an edit form carries the version it loaded.
    version = models.PositiveIntegerField(default=1, editable=False)
    #: What the report form gathered under the council's headings
    #: ({ReportHeading: text}), kept by `report_template.save_texts` when
    #: the report is saved; None when nothing was asked.
    heading_texts = None
    #: For full-text search (docs/search.md).
    search_vector = search_vector(
        title="A",
        purpose="B",
        summary="B",
        reasons="C",
        other_options="C",
        budget_and_policy_framework="C",
    )

    history = HistoricalRecords(excluded_fields=["search_vector"])
    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        indexes = [search_index("report")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(exempt=True, exempt_reason=""),
                name="report_exempt_needs_reason",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.pk is not None:
            self.version += 1
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("decisions:report_detail", args=[self.pk])

    @property
    def content_withheld(self):
        """Whether the report's own content is withheld from the public."""
        return self.withheld and self.exempt_scope == ExemptScope.REPORT

    @property
    def annexes_withheld(self):
        """Whether its annexes are withheld from the public (so they are
        whenever the whole report is)."""
        return self.withheld

    @property
    def public_title(self):
        """The title the public sees while the content is withheld: its own
        only if the clerk marked it publishable."""
        if self.content_withheld and not self.exempt_title_publishable:
            return str(_("Exempt item"))
        return self.title

    @property
    def public_notice(self):
        """ "Not for publication: exempt under paragraph N" while its content
        is withheld, or ""."""
        return str(self.exempt_notice) if self.content_withheld else ""

    def published_agenda_item(self):
        """Its item on the first published agenda it is on (or None)."""
        return (
            self.agenda_items.filter(meeting__agenda_published=True)
            .select_related("meeting__committee")
            .order_by("meeting__starts_at")
            .first()
        )

    def change_refusal(self, user):
        """Why `user` may not change this report now (None if they may).

        Officers write reports about their council's records; once a report
        is on a published agenda, democratic services (clerks and
        administrators) own it: what was sent is theirs to supplement.
        """
        if not can(user, "write_report", self):
            return _("Your role does not allow this.")
        if can(user, "manage_committee_business", self):
            return None
        item = self.published_agenda_item()
        if item is not None:
            return _(
                "This report is on the published agenda of %(meeting)s, so only "
                "democratic services can change it now. Ask the clerk to the "
                "committee to make the change."
            ) % {"meeting": item.meeting}
        return None

    def implications(self):
        """(heading, text) for each implication the report prints, in its
        council's order (`report_template.py`)."""
        from .report_template import implications_of

        return implications_of(self)

    def sections(self):
        """(heading, text) of the extra sections the report fills in
        (consultation undertaken, council plan …), in its council's order."""
        from .report_template import sections_of

        return sections_of(self)


class ReportTemplate(VersionedModel):
    """How a council's reports print what their authors left unfilled. Its
    headings are `ReportHeading` rows; see `report_template.py`."""

    class Unfilled(models.TextChoices):
        NOT_STATED = "not-stated", _("Print them, marked “Not stated”")
        OMIT = "omit", _("Leave them out")

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="report_template",
        verbose_name=_("organisation"),
    )
    unfilled_implications = models.CharField(
        _("implications the author has not filled in"),
        max_length=12,
        choices=Unfilled,
        default=Unfilled.NOT_STATED,
    )

    history = HistoricalRecords()
    objects = OrganisationScopedQuerySet.as_manager()

    def __str__(self):
        return f"Report template of {self.organisation}"

    @property
    def omits_unfilled(self):
        return self.unfilled_implications == self.Unfilled.OMIT


class ReportHeadingQuerySet(OrganisationScopedQuerySet):
    def in_use(self):
        return self.filter(retired=False)


class ReportHeading(VersionedModel):
    """One heading of a council's report template: an implication (a row
    of the implications table) or a section of its own (consultation
    undertaken, council plan, abbreviations). Renamed, reordered or retired
    by the council; a retired heading is not offered on reports, but a
    report that has text under it keeps and prints it."""

    class Kind(models.TextChoices):
        IMPLICATION = "implication", _("An implication")
        SECTION = "section", _("A section of the report")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="report_headings",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(
        _("what it is"),
        max_length=12,
        choices=Kind,
        default=Kind.IMPLICATION,
        help_text=_(
            "Implications are printed together in the implications table; "
            "a section is printed under its own heading."
        ),
    )
    name = models.CharField(_("heading"), max_length=200)
    guidance = models.CharField(
        _("guidance for authors"),
        max_length=300,
        blank=True,
        help_text=_("Shown under the heading on the report form."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    retired = models.BooleanField(
        _("no longer used"),
        default=False,
        help_text=_(
            "Reports that already have text under it keep it; new reports "
            "are not asked for it."
        ),
    )
    #: For the standard implications every council starts with (e.g.
    #: "financial"): which one it is, whatever the council calls it.
    standard = models.CharField(max_length=40, blank=True, editable=False)

    history = HistoricalRecords()
    objects = ReportHeadingQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "kind", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="report_heading_name_unique_per_organisation",
                violation_error_message=_("There is already a heading with this name."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_implication(self):
        return self.kind == self.Kind.IMPLICATION


class ReportText(models.Model):
    """What a report says under one of its council's headings."""

    report = models.ForeignKey("Report", on_delete=models.CASCADE, related_name="texts")
    heading = models.ForeignKey(
        ReportHeading, on_delete=models.PROTECT, related_name="texts"
    )
    text = models.TextField(_("text"), blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "heading"], name="report_text_once_per_heading"
            ),
        ]

    def __str__(self):
        return f"{self.report}: {self.heading}"


class Recommendation(models.Model):
    """One numbered recommendation of a report."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="recommendations"
    )
    position = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("recommendation"))
    #: For full-text search (docs/search.md): found as its report.
    search_vector = search_vector(text="B")

    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["report", "position"]
        indexes = [search_index("recommendation")]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "position"],
                name="recommendation_number_unique_per_report",
                # Numbers follow the order: renumbering swaps them in one
                # transaction.
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.text[:60]}"


class AgendaItemQuerySet(MemberReadableQuerySet):
    organisation_lookup = "meeting__committee__organisation"

    def member_filter(self):
        """Members read the items of published agendas (before publication
        a member sees that there is a meeting, not what is on it)."""
        return models.Q(meeting__agenda_published=True)

    def public_agenda(self, organisation):
        """The items of `organisation`'s published agendas as the public's
        agenda lists them: every item, those whose report is withheld too,
        each to be printed with `public_title` and `public_notice` (never
        `title`). Only for an agenda's list (the public meeting page and the
        API's meeting): search, feeds and the API's lists start from
        `public()`, which leaves withheld items out."""
        return self.for_organisation(organisation).filter(
            meeting__agenda_published=True
        )

    def public_filter(self):
        """The public read the items of published agendas, except those
        whose report is not public (exempt)."""
        return models.Q(meeting__agenda_published=True) & (
            models.Q(report__isnull=True)
            | models.Q(report__in=Report.objects.filter(Report.objects.public_filter()))
        )


class AgendaItem(models.Model):
    """One numbered item on a meeting's agenda, usually a report."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items"
    )
    position = models.PositiveSmallIntegerField(_("item number"))
    title = models.CharField(_("title"), max_length=300)
    report = models.ForeignKey(
        Report,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("report"),
    )
    #: For full-text search: a meeting is found by its agenda.
    search_vector = search_vector(title="A")

    history = HistoricalRecords(excluded_fields=["search_vector"])
    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "position"]
        indexes = [search_index("agenda_item")]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"],
                name="agenda_item_number_unique",
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.title}"

    @property
    def withheld(self):
        """Whether its report's content is withheld from the public."""
        return self.report is not None and self.report.content_withheld

    @property
    def public_title(self):
        """Its title as the public agenda prints it: a neutral one while its
        report is withheld, unless the clerk marked the title publishable."""
        if self.withheld and not self.report.exempt_title_publishable:
            return str(_("Exempt item"))
        return self.title

    @property
    def public_notice(self):
        """ "Not for publication: exempt under paragraph N", or ""."""
        return str(self.report.exempt_notice) if self.withheld else ""


def clear_days_notice(notice_on, meeting_day):
    """Clear days between a notice and a meeting: neither day itself counts."""
    return (meeting_day - notice_on).days - 1


KEY_DECISION_NOTICE_DAYS = 28


class DecisionRecordQuerySet(OrganisationScopedQuerySet):
    def visible_to(self, user):
        """Clerks and administrators see drafts; everyone else published records."""
        roles = roles_of(user)
        drafting = [
            org
            for org, role in roles.items()
            if role in (Role.CLERK, Role.ADMINISTRATOR)
        ]
        others = [org for org in roles if org not in drafting]
        return self.filter(
            models.Q(organisation__in=drafting)
            | (
                models.Q(organisation__in=others)
                & ~models.Q(status=DecisionStatus.DRAFT)
            )
        )

    def public_filter(self):
        """The public read published decision records (never drafts)."""
        return ~models.Q(status=DecisionStatus.DRAFT) & models.Q(
            published_at__isnull=False
        )

    def effective_now(self, now=None):
        """Published records whose call-in period has ended without call-in."""
        now = now or timezone.now()
        return self.filter(status=DecisionStatus.PUBLISHED, takes_effect_at__lte=now)

    def with_status(self, status, now=None):
        """Records whose status, as it stands now, is `status`.

        "Published" records whose call-in period has ended count as effective:
        the stored status may lag until `update_decision_status` runs, but
        nothing shown or filtered is ever stale.
        """
        now = now or timezone.now()
        lapsed = models.Q(status=DecisionStatus.PUBLISHED, takes_effect_at__lte=now)
        if status == DecisionStatus.EFFECTIVE:
            return self.filter(models.Q(status=DecisionStatus.EFFECTIVE) | lapsed)
        if status == DecisionStatus.PUBLISHED:
            return self.filter(status=DecisionStatus.PUBLISHED).exclude(lapsed)
        return self.filter(status=status)


class DecisionRecord(ExemptInformation):
    """The formal record of a decision taken at a meeting.

    Once published its content is frozen: a correction needs a reason and
    is shown on the record. The call-in deadline and the date it takes
    effect are computed at publication from the rule then in force.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("organisation"),
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("decision maker (meeting)"),
    )
    report = models.ForeignKey(
        Report,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("report"),
    )
    decision_date = models.DateField(_("date of decision"))
    title = models.CharField(_("title"), max_length=300)
    record = models.TextField(_("record of the decision"))
    reasons = models.TextField(_("reasons for the decision"))
    alternatives_rejected = models.TextField(
        _("alternative options considered and rejected"), blank=True
    )
    conflicts_of_interest = models.TextField(
        _("conflicts of interest declared"), blank=True, default="None"
    )
    dispensations = models.TextField(
        _("dispensations granted"), blank=True, default="None"
    )
    #: The exempt part of the record (`exempt.py`): shown to the council's
    #: members and staff, never to the public until released.
    exempt_part = models.TextField(
        _("exempt part of the record"),
        blank=True,
        help_text=_(
            "The part of the decision that is exempt information: it is left "
            "out of everything the public sees."
        ),
    )
    key_decision = models.BooleanField(_("key decision"), default=False)
    urgent = models.BooleanField(
        _("urgent (exempt from call-in)"),
        default=False,
        help_text=_("An urgent decision takes effect at once and cannot be called in."),
    )
    urgency_reason = models.TextField(_("reason for urgency"), blank=True)
    #: Fixed at publication from the committee's and the council's settings:
    #: False for a decision of a body whose decisions cannot be called in.
    subject_to_call_in = models.BooleanField(
        _("subject to call-in"), default=True, editable=False
    )

    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DecisionStatus,
        default=DecisionStatus.DRAFT,
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    #: False when the publication was recorded with its date only: pages and
    #: papers then print the date, not the council's `default_publication_time`.
    published_time_known = models.BooleanField(default=True, editable=False)
    call_in_rule = models.ForeignKey(
        CallInRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions_judged",
        verbose_name=_("call-in rule applied"),
    )
    call_in_last_day = models.DateField(
        _("last day for call-in"), null=True, blank=True
    )
    call_in_deadline = models.DateTimeField(
        _("call-in deadline"), null=True, blank=True
    )
    takes_effect_on = models.DateField(_("takes effect on"), null=True, blank=True)
    #: When it takes effect: the start of `takes_effect_on` in Europe/London,
    #: or the call-in deadline if that is later (`call_in.takes_effect_moment`).
    takes_effect_at = models.DateTimeField(null=True, blank=True, editable=False)
    #: Why a clerk set this decision's call-in deadline themselves, in place
    #: of the one its rule gave (empty: the rule's). Who and when are in its
    #: "override_deadline" event.
    deadline_override_reason = models.TextField(
        _("why the call-in deadline was changed"), blank=True
    )
    called_in_at = models.DateTimeField(_("called in"), null=True, blank=True)
    #: False when the call-in was recorded with the day it was received only
    #: (allowed when the whole of that day was inside the call-in period):
    #: `called_in_at` is then the start of that day, or the publication if
    #: later, and pages and papers print the date only.
    called_in_time_known = models.BooleanField(default=True, editable=False)
    called_in_by = models.TextField(_("called in by"), blank=True)
    call_in_outcome = models.CharField(
        _("outcome of call-in"), max_length=20, choices=CallInOutcome, blank=True
    )
    #: The scrutiny meeting that heard the call-in (its date is the outcome's).
    call_in_heard_at = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="call_ins_heard",
        verbose_name=_("meeting that heard the call-in"),
    )
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    #: Incremented on every save: an edit form carries the version it loaded.
    version = models.PositiveIntegerField(default=1, editable=False)
    #: For full-text search (docs/search.md).
    search_vector = search_vector(
        title="A", record="B", reasons="B", alternatives_rejected="C"
    )

    history = HistoricalRecords(excluded_fields=["search_vector"])
    objects = DecisionRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-decision_date", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "-decision_date"]),
            models.Index(fields=["organisation", "status"]),
            search_index("decision_record"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(published_at__isnull=True)
                | models.Q(
                    status__in=["published", "called-in", "referred-back", "effective"]
                ),
                name="decision_published_has_status",
            ),
            models.CheckConstraint(
                condition=~models.Q(urgent=True, urgency_reason=""),
                name="decision_urgent_needs_reason",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.pk is not None:
            self.version += 1
        if self.takes_effect_on is not None:
            self.takes_effect_at = call_in.takes_effect_moment(
                self.takes_effect_on,
                self.call_in_deadline if self.called_in_at is None else None,
            )
        else:
            self.takes_effect_at = None
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("decisions:decision_detail", args=[self.pk])

    def clean(self):
        if self.meeting_id and self.organisation_id:
            if self.meeting.committee.organisation_id != self.organisation_id:
                raise ValidationError(
                    {"meeting": _("Select a meeting of this council.")}
                )
            problem = self.date_problem()
            if problem:
                raise ValidationError({"decision_date": problem})
        if self.urgent and not self.urgency_reason.strip():
            raise ValidationError(
                {"urgency_reason": _("Give the reason the decision is urgent.")}
            )

    @property
    def meeting_day(self):
        return timezone.localtime(self.meeting.starts_at, call_in.LONDON).date()

    def date_problem(self):
        """Why the decision's date cannot stand (or None): a decision is
        taken at its meeting, so its date is the meeting's."""
        if self.decision_date is not None and self.decision_date != self.meeting_day:
            return _(
                "The date of the decision must be the date of its meeting, %(date)s."
            ) % {"date": call_in.format_date(self.meeting_day)}
        return None

    @property
    def public_exempt_part(self):
        """The exempt part as the public may read it: only once released."""
        return self.exempt_part if self.exempt and not self.withheld else ""

    @property
    def exempt_from_call_in(self):
        """Urgent, or taken by a body whose decisions cannot be called in."""
        return self.urgent or not self.subject_to_call_in

    # --- status, as it stands now -------------------------------------------

    def current_status(self, now=None):
        """The status now: a published record past its call-in period is effective."""
        now = now or timezone.now()
        if (
            self.status == DecisionStatus.PUBLISHED
            and self.takes_effect_at is not None
            and self.takes_effect_at <= now
        ):
            return DecisionStatus.EFFECTIVE
        return DecisionStatus(self.status)

    @property
    def status_now(self):
        return self.current_status()

    @property
    def is_published(self):
        return self.status != DecisionStatus.DRAFT

    def call_in_open(self, now=None):
        """Whether a call-in can still be made."""
        now = now or timezone.now()
        return (
            self.status == DecisionStatus.PUBLISHED
            and not self.exempt_from_call_in
            and self.call_in_deadline is not None
            and now < self.call_in_deadline
        )

    # --- the call-in period -------------------------------------------------

    def call_in_period(self, published_at=None):
        """The computed call-in period for publication at `published_at`.

        Uses the council's rule in force on the day of publication, its
        bank-holiday region and its closure days. Returns (rule row, period),
        or (None, None) when the council has no rule for that date.
        """
        published_at = published_at or self.published_at
        day = timezone.localtime(published_at, call_in.LONDON).date()
        rule = CallInRule.objects.in_force_on(self.organisation, day)
        if rule is None:
            return None, None
        since = min(day, self.decision_date)
        closures = ClosureDay.objects.filter(
            organisation=self.organisation, date__gte=since
        ).values_list("date", flat=True)
        worked = BankHolidayWorked.objects.filter(
            organisation=self.organisation, date__gte=since
        ).values_list("date", flat=True)
        period = call_in.call_in_period(
            published_at, self.decision_date, rule.as_rule(closures, worked)
        )
        return rule, period

    @property
    def deadline_overridden(self):
        return bool(self.deadline_override_reason)

    # --- what it decides ----------------------------------------------------------

    def names(self, record):
        """Whether this decision names `record` among the records it decides."""
        return self.decided_records.filter(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
        ).exists()

    def approval_problem(self, record):
        """Why this decision cannot be the approval of `record` (or None).

        It must be a published decision of the same council, taken by Cabinet
        or a decision-making committee (never a scrutiny committee), that
        names the record, and not called in or referred back.
        """
        if self.organisation_id != record.organisation_id:
            return _("Select a decision of this council.")
        if self.status == DecisionStatus.DRAFT:
            return _("The decision record has not been published.")
        if self.status in (DecisionStatus.CALLED_IN, DecisionStatus.REFERRED_BACK):
            return _("The decision has been called in: it cannot approve anything yet.")
        if not self.meeting.committee.takes_decisions:
            return _(
                "The decision was not taken by Cabinet or a decision-making "
                "committee: a scrutiny committee cannot approve."
            )
        if not self.names(record):
            return _("The decision record does not name this as a record it decides.")
        return None

    def deadline_falls_on(self, day):
        """Whether the call-in deadline comes part-way through `day` (the
        last day, with a cut-off before midnight): the only day on which the
        hour a call-in was received decides whether it was in time."""
        if self.call_in_deadline is None:
            return False
        start = datetime.combine(day, time(0), tzinfo=call_in.LONDON)
        return start < self.call_in_deadline < start + timedelta(days=1)

    # --- as a council writes them, from the values stored at publication ------

    @property
    def deadline_text(self):
        """E.g. "not later than midnight on Friday 5 October 2007"."""
        if self.call_in_deadline is None or self.call_in_last_day is None:
            return ""
        local = timezone.localtime(self.call_in_deadline, call_in.LONDON)
        if local.date() == self.call_in_last_day:
            moment = call_in.format_time(local.time())
        else:
            moment = "midnight"
        return (
            f"not later than {moment} on {call_in.format_date(self.call_in_last_day)}"
        )

    @property
    def takes_effect_text(self):
        """E.g. "Saturday 6 October 2007", or "4pm on Monday 26 September
        2022" where it takes effect at a cut-off."""
        if self.takes_effect_on is None:
            return ""
        if self.takes_effect_at is None:
            return call_in.format_date(self.takes_effect_on)
        return call_in.format_moment(self.takes_effect_at)


class ResolutionQuerySet(OrganisationScopedQuerySet):
    organisation_lookup = "decision__organisation"

    def public_filter(self):
        """The resolutions of public decision records."""
        return models.Q(
            decision__in=DecisionRecord.objects.filter(
                DecisionRecord.objects.public_filter()
            )
        )


class Resolution(models.Model):
    """One numbered resolution of a decision (tracked individually later)."""

    decision = models.ForeignKey(
        DecisionRecord, on_delete=models.CASCADE, related_name="resolutions"
    )
    position = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("resolution"))
    #: For full-text search (docs/search.md): found as its decision.
    search_vector = search_vector(text="B")

    history = HistoricalRecords(excluded_fields=["search_vector"])
    objects = ResolutionQuerySet.as_manager()

    class Meta:
        ordering = ["decision", "position"]
        indexes = [search_index("resolution")]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "position"],
                name="resolution_number_unique_per_decision",
                # Numbers follow the order: renumbering swaps them in one
                # transaction.
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.text[:60]}"


class DecidedRecord(models.Model):
    """A record a decision decides (e.g. the strategy it approves).

    Generic, so that `decisions` needs to know nothing of the apps whose
    records are decided; those apps register in `decidable.py`.
    """

    decision = models.ForeignKey(
        DecisionRecord, on_delete=models.CASCADE, related_name="decided_records"
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "content_type", "object_id"],
                name="decided_record_once_per_decision",
            ),
        ]

    def __str__(self):
        return f"{self.decision} decides {self.content_type} {self.object_id}"


class ConsideredPaperQuerySet(MemberReadableQuerySet):
    def member_filter(self):
        """Members read what was sent once the meeting's agenda is published
        (as they read the agenda itself): not while it is withdrawn."""
        return models.Q(meeting__agenda_published=True)

    def public_filter(self):
        """The public read the reports as sent of published agendas that are
        public themselves. Agenda packs as sent may hold exempt items: the
        public's pack is built from public records (`public/papers.py`)."""
        return models.Q(
            meeting__agenda_published=True,
            kind=ConsideredPaper.Kind.REPORT,
            report__in=Report.objects.filter(Report.objects.public_filter()),
        )

    def listed(self):
        """For lists: with the meeting and committee, without the paper."""
        return self.select_related("meeting__committee").defer("html", "pdf")


class ConsideredPaper(models.Model):
    """A paper as it was sent for a meeting: an agenda pack (the original,
    or a numbered supplement) or one report with its annexes.

    Its HTML is kept when the agenda, or a supplement, is published
    (`considered.py`); its PDF is rendered from that HTML once and kept
    with it. Neither ever changes, and the row is never deleted: later
    changes to the records it prints make new papers for later meetings.
    """

    class Kind(models.TextChoices):
        AGENDA_PACK = "agenda-pack", _("Agenda pack")
        REPORT = "report", _("Report")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="considered_papers"
    )
    kind = models.CharField(max_length=20, choices=Kind)
    #: 0: sent when the agenda was published; n: in supplementary pack n.
    supplement = models.PositiveSmallIntegerField(default=0)
    report = models.ForeignKey(
        Report,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="considered_papers",
    )
    #: The report's agenda item number at the meeting.
    item_number = models.PositiveSmallIntegerField(null=True, blank=True)
    #: What the report presented (a strategy, workplan or review), so that
    #: record's page can list the papers that put it to committee.
    subject_content_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    subject_object_id = models.PositiveBigIntegerField(null=True, blank=True)
    title = models.CharField(max_length=400)
    filename = models.CharField(max_length=200)
    html = models.TextField()
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The PDF, once rendered (by the worker or on the first download).
    pdf = models.BinaryField(null=True, blank=True)
    etag = models.CharField(max_length=64, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    objects = ConsideredPaperQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "supplement", "kind", "item_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "supplement"],
                condition=models.Q(kind="agenda-pack"),
                name="considered_pack_once_per_supplement",
            ),
            models.UniqueConstraint(
                fields=["meeting", "supplement", "report"],
                condition=models.Q(kind="report"),
                name="considered_report_once_per_supplement",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="agenda-pack", report__isnull=True)
                | models.Q(kind="report", report__isnull=False),
                name="considered_report_names_its_report",
            ),
        ]
        indexes = [models.Index(fields=["subject_content_type", "subject_object_id"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A paper as considered is never changed.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.meeting.get_absolute_url()

    @property
    def is_pack(self):
        return self.kind == self.Kind.AGENDA_PACK

    @property
    def label(self):
        """ "As considered by Cabinet, 14 March 2022" (before the meeting:
        "As sent to Cabinet for ..."), naming a supplement."""
        meeting = self.meeting
        day = f"{timezone.localtime(meeting.starts_at):%-d %B %Y}"
        if meeting.starts_at <= timezone.now():
            text = _("As considered by %(committee)s, %(day)s")
        else:
            text = _("As sent to %(committee)s for %(day)s")
        text = text % {"committee": meeting.committee.name, "day": day}
        if self.supplement:
            text += " " + _("(supplementary agenda pack %(number)s)") % {
                "number": self.supplement
            }
        return text

    @property
    def pack_name(self):
        if self.supplement:
            return _("Supplementary agenda pack %(number)s") % {
                "number": self.supplement
            }
        return _("Agenda pack")

    def keep_rendering(self, pdf, pages):
        """Keep the PDF rendered from the kept HTML; the first rendering
        kept wins (a second is never written). Returns the row as kept."""
        import hashlib

        type(self).objects.filter(pk=self.pk, rendered_at__isnull=True).update(
            pdf=pdf,
            etag=hashlib.sha256(pdf).hexdigest()[:32],
            pages=pages,
            size=len(pdf),
            rendered_at=timezone.now(),
        )
        return type(self).objects.get(pk=self.pk)


class NumberingSettings(VersionedModel):
    """How the council numbers a report's recommendations and a decision's
    resolutions, on pages and papers: 1, 2, 3 or (a), (b), (c). A council
    that never chose numbers them 1, 2, 3 (`numbering_for`)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="numbering_settings"
    )
    recommendations = models.CharField(
        _("number recommendations and resolutions"),
        max_length=12,
        choices=ListNumbering,
        default=ListNumbering.NUMBERS,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("how recommendations are numbered")
        verbose_name_plural = _("how recommendations are numbered")

    def __str__(self):
        return f"How recommendations are numbered: {self.organisation}"


def numbering_for(organisation_id):
    """The council's style of numbering recommendations and resolutions."""
    style = (
        NumberingSettings.objects.filter(organisation_id=organisation_id)
        .values_list("recommendations", flat=True)
        .first()
    )
    return style or ListNumbering.NUMBERS
