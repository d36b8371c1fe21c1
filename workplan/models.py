"""Annual workplans and their items, milestones and departments.

A workplan delivers one strategy for one financial year. Workplans and their
items go through the shared lifecycle (`governance/lifecycle.py`).
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from governance.lifecycle import ADOPTED, LifecycleRecord, LifecycleStatus
from governance.models import Membership, Organisation
from governance.querysets import MemberReadableQuerySet, OrganisationScopedQuerySet
from governance.text_search import search_index, search_vector
from governance.versioned import VersionedModel
from strategy.models import Strategy, Theme

from .choices import NOT_STATED, Confidence, DeliveryStatus, Rag, WorkType

READABLE_BY_MEMBERS = ADOPTED | {LifecycleStatus.CLOSED}
#: An item of an approved plan that is not approved itself: one added by
#: variation, on its own way through scrutiny and approval.
AWAITING_APPROVAL = models.Q(workplan__status__in=READABLE_BY_MEMBERS) & ~models.Q(
    status__in=READABLE_BY_MEMBERS
)


#: Delivery statuses never flagged overdue: done, dropped, or not stated (an
#: imported item whose spreadsheet did not say: it may well be done).
NEVER_OVERDUE = frozenset(
    {DeliveryStatus.COMPLETE, DeliveryStatus.CANCELLED, DeliveryStatus.NOT_STATED}
)
#: Lifecycle states of an item no longer chased: its plan has ended.
ENDED = frozenset({LifecycleStatus.SUPERSEDED, LifecycleStatus.CLOSED})


def overdue_condition(today):
    """The overdue rule as a query condition (`WorkplanItem.is_overdue` is
    the same rule on one row): the target date has passed (a target of today
    is not overdue yet) and the item is neither finished nor ended. An item
    with no target date (or only words, such as "ongoing") is never overdue."""
    return (
        models.Q(target_date__lt=today)
        & ~models.Q(delivery_status__in=NEVER_OVERDUE)
        & ~models.Q(status__in=ENDED)
    )


class WorkplanQuerySet(MemberReadableQuerySet):
    def member_filter(self):
        """Members read approved (reviewed, superseded, closed) workplans."""
        return models.Q(status__in=READABLE_BY_MEMBERS)

    def public_filter(self):
        """The public read what members read, where the council publishes
        its strategies and workplans."""
        return self.member_filter() & self.publishes_strategies_filter()


class ItemQuerySet(MemberReadableQuerySet):
    def member_filter(self):
        """Members read the approved items of workplans they may read: an
        item added to an approved plan by variation is not theirs to read
        until it has been approved itself."""
        return models.Q(workplan__status__in=READABLE_BY_MEMBERS) & models.Q(
            status__in=READABLE_BY_MEMBERS
        )

    def public_filter(self):
        """The public read what members read, where the council publishes
        its workplans."""
        return self.member_filter() & self.publishes_strategies_filter()

    def in_the_plan(self):
        """The items that stand with their workplan as it is: every item of
        a draft plan (they go to committee with it), only the approved items
        of an approved one. The workplan's papers of record print these."""
        return self.exclude(AWAITING_APPROVAL)

    def awaiting_approval(self):
        """Items added to an approved plan by variation and not yet
        approved themselves."""
        return self.filter(AWAITING_APPROVAL)

    def overdue(self, today=None):
        """Items past their target date and not finished (`overdue_condition`)."""
        return self.filter(overdue_condition(today or timezone.localdate()))

    def with_added_on(self):
        """Each item with `added_on`: the date the variation adding it to
        an approved plan was agreed (None for an item approved with its plan,
        or one whose addition is still awaiting agreement). One subquery."""
        agreed = Variation.objects.filter(
            item=models.OuterRef("pk"),
            kind=Variation.Kind.ADDED,
            agreed_on__isnull=False,
        ).order_by("agreed_on", "pk")
        return self.annotate(added_on=models.Subquery(agreed.values("agreed_on")[:1]))


class VariationQuerySet(OrganisationScopedQuerySet):
    organisation_lookup = "workplan__organisation"

    def visible_to(self, user):
        """The variations of items the person may read (members do not
        hear of an item added by variation until it is approved)."""
        return self.filter(item__in=WorkplanItem.objects.visible_to(user))

    def public_filter(self):
        """The variations of items the public may read."""
        return models.Q(
            item__in=WorkplanItem.objects.filter(WorkplanItem.objects.public_filter())
        )

    def awaiting_agreement(self):
        """Variations adding an item to an approved plan, not yet agreed:
        the item enters the plan when its variation is agreed."""
        return self.filter(
            kind=Variation.Kind.ADDED,
            agreed_on__isnull=True,
            workplan__status__in=READABLE_BY_MEMBERS,
        ).exclude(item__status__in=READABLE_BY_MEMBERS)


class Department(VersionedModel):
    """A council department that drives or benefits from workplan items."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField(_("name"), max_length=200)

    history = HistoricalRecords()
    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="department_name_unique"
            ),
        ]

    def __str__(self):
        return self.name


class Workplan(LifecycleRecord):
    """The annual plan for one strategy and one financial year (e.g. 2022–23)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="workplans"
    )
    strategy = models.ForeignKey(
        Strategy,
        on_delete=models.PROTECT,
        related_name="workplans",
        verbose_name=_("strategy"),
    )
    financial_year = models.PositiveSmallIntegerField(
        _("financial year starting"),
        help_text=_("The year the financial year starts: 2022 for 2022–23."),
    )
    #: Blank: the workplan is called by its year (`default_title`).
    title = models.CharField(_("title"), max_length=200, blank=True)

    history = HistoricalRecords()
    objects = WorkplanQuerySet.as_manager()

    class Meta:
        ordering = ["-financial_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "financial_year"],
                name="workplan_one_per_strategy_and_year",
            ),
        ]

    def __str__(self):
        """The workplan's own title, printed on its page and papers."""
        return self.title or self.default_title

    @property
    def default_title(self):
        """What a workplan is called when it has no title of its own."""
        return _("ICT workplan %(year)s") % {"year": self.year_label}

    def get_absolute_url(self):
        return reverse("workplan:workplan_detail", args=[self.pk])

    @property
    def is_approved(self):
        """Approved (and perhaps since reviewed, superseded or closed): what
        members may read."""
        return self.status in READABLE_BY_MEMBERS

    @property
    def year_label(self):
        return f"{self.financial_year}–{str(self.financial_year + 1)[-2:]}"

    @property
    def lifecycle(self):
        from .lifecycle import WORKPLAN_LIFECYCLE

        return WORKPLAN_LIFECYCLE

    def snapshot(self):
        items = self.items.select_related("theme").order_by(
            "theme__position", "position"
        )
        return {
            "fields": {
                "financial_year": {"label": "Financial year", "value": self.year_label},
                "strategy": {"label": "Strategy", "value": str(self.strategy)},
            },
            "items": [
                {
                    "title": f"{item.reference} {item.title}",
                    "description": item.description,
                    "theme": item.theme.title if item.theme else "",
                    "category": item.category,
                    "target_date": str(item.target_date or ""),
                }
                for item in items
            ],
        }


class FutureWorks:
    """The section of future works at the end of a workplan's page, in the
    place of a theme (it has a title and is never a theme)."""

    title = _("Future works")


FUTURE_WORKS = FutureWorks()


class WorkplanItem(LifecycleRecord):
    """One deliverable of a workplan."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="workplan_items"
    )
    workplan = models.ForeignKey(
        Workplan, on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveIntegerField(_("order"), default=0)
    reference = models.CharField(_("reference"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    theme = models.ForeignKey(
        Theme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workplan_items",
        verbose_name=_("theme"),
    )
    # Blank: "not stated" (an imported spreadsheet that did not say).
    category = models.CharField(
        _("confidence category"), max_length=2, choices=Confidence, blank=True
    )
    work_type = models.CharField(
        _("work type"), max_length=12, choices=WorkType, blank=True
    )
    departments = models.ManyToManyField(
        Department, blank=True, related_name="items", verbose_name=_("departments")
    )
    lead_officer = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead officer"),
    )
    #: A lead named in an imported spreadsheet who has no account here.
    lead_name = models.CharField(_("lead (named)"), max_length=200, blank=True)
    sponsor = models.CharField(
        _("sponsor or executive board"), max_length=200, blank=True
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    #: The dates as the council's spreadsheet wrote them, where that was not
    #: a plain date ("2020/21", "Q3 2022/23", "June 2023", "ongoing"): shown
    #: instead of the date, which holds the period's last day (or nothing).
    start_as_written = models.CharField(
        _("start as written"), max_length=60, blank=True
    )
    target_as_written = models.CharField(
        _("target as written"), max_length=60, blank=True
    )
    budget = models.DecimalField(
        _("budget (£)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    delivery_status = models.CharField(
        _("delivery status"),
        max_length=12,
        choices=DeliveryStatus,
        default=DeliveryStatus.NOT_STARTED,
    )
    #: The council's own words for the item's status, kept verbatim
    #: ("went live in 2020", "currently on track"); `delivery_status` is
    #: mapped from it where the words are clear.
    status_as_reported = models.TextField(_("status as reported"), blank=True)
    rag = models.CharField(_("RAG status"), max_length=5, choices=Rag, blank=True)
    rag_reason = models.TextField(_("reason for the RAG status"), blank=True)
    #: Empty: not stated (never read as 0 %).
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"),
        default=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    #: For full-text search (docs/search.md).
    search_vector = search_vector(
        title="A",
        reference="A",
        description="B",
        status_as_reported="C",
        rag_reason="C",
    )

    history = HistoricalRecords(
        m2m_fields=[departments], excluded_fields=["search_vector"]
    )
    objects = ItemQuerySet.as_manager()

    class Meta:
        # By id, not by the workplan's own ordering (which would join it).
        ordering = ["workplan_id", "position", "pk"]
        indexes = [
            models.Index(fields=["workplan", "position", "id"]),
            # The item list: grouped by theme, in plan order (see views.py).
            # It carries what `visible_to` reads of an item, so that a page's
            # rows, deep pages included, are found from the index alone.
            models.Index(
                fields=["workplan", "theme", "position", "id"],
                include=["organisation", "status"],
                name="workplan_item_list_idx",
            ),
            # The same where the council lists future works last (the view's
            # `in_future_works`, the same expression, comes first).
            models.Index(
                models.F("workplan"),
                models.ExpressionWrapper(
                    models.Q(category=Confidence.FUTURE_WORKS),
                    output_field=models.BooleanField(),
                ),
                models.F("theme"),
                models.F("position"),
                models.F("id"),
                # `category` too: PostgreSQL reads an expression's columns
                # from the index only if the index holds them.
                include=["organisation", "status", "category"],
                name="workplan_item_fw_list_idx",
            ),
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["workplan", "target_date"]),
            models.Index(fields=["workplan", "rag"]),
            search_index("workplan_item"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["workplan", "reference"],
                name="workplan_item_reference_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(percent_complete__lte=100),
                name="workplan_item_percent_at_most_100",
            ),
            models.CheckConstraint(
                condition=models.Q(target_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(target_date__gte=models.F("start_date")),
                name="workplan_item_target_not_before_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(rag="red", rag_reason=""),
                name="workplan_item_red_needs_reason",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def section(self):
        """What the item is listed under on its workplan's page: its theme,
        or `FUTURE_WORKS` where the council lists future works in their own
        section (the page's query annotates `in_future_works`)."""
        if getattr(self, "in_future_works", False):
            return FUTURE_WORKS
        return self.theme

    def get_absolute_url(self):
        return reverse("workplan:item_detail", args=[self.pk])

    @property
    def lifecycle(self):
        from .lifecycle import ITEM_LIFECYCLE

        return ITEM_LIFECYCLE

    @property
    def is_approved(self):
        """Approved (and perhaps since reviewed, superseded or closed): what
        members may read. An item added to an approved plan by variation is
        not, until it has been approved itself."""
        return self.status in READABLE_BY_MEMBERS

    @property
    def category_choice(self):
        return Confidence(self.category) if self.category else None

    @property
    def category_short(self):
        return self.category_choice.short if self.category else NOT_STATED

    @property
    def work_type_label(self):
        return self.get_work_type_display() if self.work_type else NOT_STATED

    @property
    def delivery_status_label(self):
        """As `get_delivery_status_display()`, for lists: Django's hashes
        every label of the choices (a translation each) on every call."""
        try:
            return str(DeliveryStatus(self.delivery_status).label)
        except ValueError:
            return self.delivery_status

    @property
    def percent_label(self):
        """ "40% complete", or "" when the percentage was not stated."""
        if self.percent_complete is None:
            return ""
        return _("%(percent)s%% complete") % {"percent": self.percent_complete}

    @property
    def lead_label(self):
        """The lead officer's name, or the lead named by an import."""
        if self.lead_officer_id:
            user = self.lead_officer.user
            return user.get_full_name() or user.get_username()
        return self.lead_name

    def is_overdue(self, today=None):
        """Past its target date and not finished: `overdue_condition` on
        this row, with no query."""
        today = today or timezone.localdate()
        return (
            self.target_date is not None
            and self.target_date < today
            and self.delivery_status not in NEVER_OVERDUE
            and self.status not in ENDED
        )

    @property
    def overdue(self):
        """`is_overdue()` today (for templates)."""
        return self.is_overdue()

    @property
    def target_label(self):
        """The target as the plan states it: the council's words where it
        gave words ("Q3 2022/23"), else the date ("31 March 2026")."""
        if self.target_as_written:
            return self.target_as_written
        return format_date(self.target_date, "j F Y") if self.target_date else ""

    @property
    def delivery_choice(self):
        return DeliveryStatus(self.delivery_status)

    @property
    def rag_choice(self):
        return Rag(self.rag) if self.rag else None

    def authors(self):
        authors = super().authors()
        if self.lead_officer_id:
            authors.add(self.lead_officer.user_id)
        return authors

    @classmethod
    def approved_by(cls, decision):
        """Items approved with their workplan follow it (`withdraw_items`);
        only those approved on their own (by a decision naming the variation
        that added them) follow the call-in themselves."""
        return (
            super().approved_by(decision).exclude(workplan__approving_decision=decision)
        )

    def snapshot(self):
        return {
            "fields": {
                name: {
                    "label": str(self._meta.get_field(name).verbose_name),
                    "value": ""
                    if getattr(self, name) is None
                    else str(getattr(self, name)),
                }
                for name in [
                    "reference",
                    "title",
                    "description",
                    "category",
                    "work_type",
                    "start_date",
                    "target_date",
                    "budget",
                ]
            }
        }


class Milestone(models.Model):
    """A dated step of a workplan item."""

    item = models.ForeignKey(
        WorkplanItem, on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("milestone"), max_length=300)
    due = models.DateField(_("due"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "due", "pk"]

    def __str__(self):
        return self.title


class ReviewQuerySet(MemberReadableQuerySet):
    organisation_lookup = "workplan__organisation"

    def member_filter(self):
        """Members read the closed reviews of workplans they may read: a
        review is published when it has been reported to a committee (an
        open round is work in progress; its progress report a draft)."""
        return models.Q(workplan__status__in=READABLE_BY_MEMBERS) & models.Q(
            status=Review.Status.CLOSED
        )

    def public_filter(self):
        """The public read the closed reviews (progress reports made to
        committee) members read, where the council publishes its workplans."""
        return self.member_filter() & self.publishes_strategies_filter()


class ItemTally(models.Model):
    """How many items of a workplan share a theme, category, RAG status and
    status: the workplan dashboard's figures without counting every item.

    Kept by PostgreSQL triggers on the items table, in the transaction that
    changes the items (`workplan.tally`), so every way of writing an item
    (the ORM, `QuerySet.update()`, bulk inserts, raw SQL) keeps it right.
    No foreign key constraints: an item's deletion updates its row here
    after Django may have deleted the workplan or theme in the same
    transaction. The fields are named as the item's, so `ItemQuerySet`'s
    `visible_to()` and `in_the_plan()` filter it as they filter items.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    workplan = models.ForeignKey(
        Workplan, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    theme = models.ForeignKey(
        Theme,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    category = models.CharField(max_length=2)
    rag = models.CharField(max_length=5)
    status = models.CharField(max_length=20)
    items = models.IntegerField()

    objects = ItemQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "workplan",
                    "theme",
                    "category",
                    "rag",
                    "status",
                    "organisation",
                ],
                name="workplan_item_tally_unique",
                nulls_distinct=False,
            )
        ]

    def __str__(self):
        return f"{self.workplan_id}/{self.theme_id}/{self.category}/{self.rag}"


class ProgressUpdateQuerySet(OrganisationScopedQuerySet):
    organisation_lookup = "review__workplan__organisation"

    def public_filter(self):
        """The updates of public reviews, on items the public may read."""
        return models.Q(
            review__in=Review.objects.filter(Review.objects.public_filter()),
            item__status__in=READABLE_BY_MEMBERS,
        )


class Review(models.Model):
    """A six-monthly review round of a workplan: one progress update per item.

    Opened and closed by the workplan's lifecycle (open review / close
    review); closing records the meeting or decision it was reported to.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    workplan = models.ForeignKey(
        Workplan, on_delete=models.CASCADE, related_name="reviews"
    )
    number = models.PositiveSmallIntegerField(_("review"))
    due = models.DateField(_("due"))
    status = models.CharField(max_length=8, choices=Status, default=Status.OPEN)
    #: When it started and when it was reported to committee (the meeting's
    #: or decision's date)...
    opened_on = models.DateField(_("started on"))
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    #: ...and when each was recorded here.
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    meeting = models.ForeignKey(
        "decisions.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported to"),
    )
    decision = models.ForeignKey(
        "decisions.DecisionRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["workplan", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["workplan", "number"], name="review_number_unique"
            ),
            models.UniqueConstraint(
                fields=["workplan"],
                condition=models.Q(status="open"),
                name="review_one_open_per_workplan",
            ),
        ]

    def __str__(self):
        return _("Review %(number)s of %(workplan)s") % {
            "number": self.number,
            "workplan": self.workplan,
        }

    def get_absolute_url(self):
        return reverse("workplan:review_detail", args=[self.pk])

    @property
    def organisation(self):
        return self.workplan.organisation

    @property
    def organisation_id(self):
        return self.workplan.organisation_id

    @property
    def is_open(self):
        return self.status == self.Status.OPEN


class ProgressUpdate(VersionedModel):
    """An item's progress at one review: RAG, percent, commentary, dates."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="updates")
    item = models.ForeignKey(
        WorkplanItem, on_delete=models.CASCADE, related_name="updates"
    )
    delivery_status = models.CharField(
        _("delivery status"), max_length=12, choices=DeliveryStatus
    )
    rag = models.CharField(_("RAG status"), max_length=5, choices=Rag)
    rag_reason = models.TextField(_("reason for the RAG status"), blank=True)
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    commentary = models.TextField(_("commentary"))
    revised_start_date = models.DateField(
        _("revised start date"), null=True, blank=True
    )
    revised_target_date = models.DateField(
        _("revised target date"), null=True, blank=True
    )
    #: The date the position was assessed (when it happened)...
    as_at = models.DateField(_("position as at"))
    #: ...and who recorded it, when.
    by = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, related_name="+", null=True
    )
    at = models.DateTimeField(_("updated"), auto_now=True)
    #: For full-text search (docs/search.md).
    search_vector = search_vector(commentary="B", rag_reason="C")

    history = HistoricalRecords(excluded_fields=["search_vector"])
    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["review", "item"]
        indexes = [search_index("progress_update")]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "item"], name="progress_update_once_per_review"
            ),
            models.CheckConstraint(
                condition=models.Q(percent_complete__lte=100),
                name="progress_update_percent_at_most_100",
            ),
            models.CheckConstraint(
                condition=~models.Q(rag="red", rag_reason=""),
                name="progress_update_red_needs_reason",
            ),
        ]

    def __str__(self):
        return f"{self.item.reference} at {self.review}"

    @property
    def rag_choice(self):
        return Rag(self.rag)


class ProgressNote(models.Model):
    """A note on an item's progress outside a review round: the words a
    council's spreadsheet held about the item ("commentary", "notes",
    "update") become its first note when the sheet is imported."""

    item = models.ForeignKey(
        WorkplanItem, on_delete=models.CASCADE, related_name="notes"
    )
    text = models.TextField(_("note"))
    #: The date the note speaks for (for an import: the day of the import).
    written_on = models.DateField(_("written on"))
    #: Where it came from ("Imported from ict-programme.xlsx, column Commentary").
    source = models.CharField(_("source"), max_length=300, blank=True)
    by = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, related_name="+", null=True
    )
    at = models.DateTimeField(auto_now_add=True)
    search_vector = search_vector(text="B")

    class Meta:
        ordering = ["item", "written_on", "pk"]
        indexes = [search_index("progress_note")]

    def __str__(self):
        return f"{self.item.reference}: note of {self.written_on}"


class ImportUpload(models.Model):
    """A spreadsheet read for import into a workplan, kept (as its cells) in
    the database between the officer's choices and the confirmation, so
    that nothing is parsed twice and nothing waits in the session. See
    `workplan.import_mapping`."""

    workplan = models.ForeignKey(Workplan, on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=43, unique=True)
    filename = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    header_row = models.PositiveIntegerField()
    headers = models.JSONField()
    #: [[row number, [cell, …]], …] with cells as `import_mapping.encode_cell`
    #: writes them.
    rows = models.JSONField()
    #: What the reader decided ("Row 3 was taken as the header row").
    notes = models.JSONField(default=list)
    #: The officer's choice for each column, by its index: a field's key,
    #: "note" or "ignore".
    columns = models.JSONField(default=dict)
    #: The officer's reading of values the importer could not: {field key:
    #: {the value as written: the value meant}}.
    values = models.JSONField(default=dict)
    #: Whether the officer agreed to create the departments the file names
    #: that the council does not have yet.
    create_departments = models.BooleanField(default=False)
    #: Whether rows whose reference is already an item's update that item
    #: (as the check page lists) rather than being refused.
    update_existing = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["workplan", "by"])]

    def __str__(self):
        return self.filename


class SavedImportColumns(models.Model):
    """A council's choices for a spreadsheet's columns, kept so that the
    next file with the same headers is read the same way."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+"
    )
    #: A digest of the headers as compared (case and spacing made uniform).
    headers_key = models.CharField(max_length=64)
    headers = models.JSONField()
    #: {header as compared: a field's key, "note" or "ignore"}.
    columns = models.JSONField()
    by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "headers_key"],
                name="saved_import_columns_once_per_header_set",
            )
        ]

    def __str__(self):
        return ", ".join(self.headers)


class Variation(models.Model):
    """A change to an approved workplan's deliverables, reported to members
    at the next review: an item added, removed, re-scoped or re-scheduled."""

    class Kind(models.TextChoices):
        ADDED = "added", _("Item added")
        REMOVED = "removed", _("Item removed")
        RESCOPED = "rescoped", _("Item re-scoped")
        RESCHEDULED = "rescheduled", _("Item re-scheduled")

    workplan = models.ForeignKey(
        Workplan, on_delete=models.CASCADE, related_name="variations"
    )
    item = models.ForeignKey(
        WorkplanItem, on_delete=models.PROTECT, related_name="variations"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    reason = models.TextField(_("reason for the variation"))
    agreed_with = models.CharField(_("agreed with"), max_length=200)
    changes = models.JSONField(_("what changed"), default=list)
    #: When it was agreed (it happened), apart from when and by whom it was
    #: recorded (`at`, `by`). An item's addition has none until it is agreed:
    #: under delegated powers (`agreed_by`, in `agreed_capacity`) or by a
    #: decision naming the variation (`decision`); see `variations.py`.
    agreed_on = models.DateField(_("date agreed"), null=True, blank=True)
    agreed_by = models.ForeignKey(
        "auth.User",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("agreed under delegated powers by"),
    )
    agreed_capacity = models.CharField(
        _("in the capacity of"), max_length=200, blank=True
    )
    decision = models.ForeignKey(
        "decisions.DecisionRecord",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("agreed by the decision"),
    )
    at = models.DateTimeField(_("recorded"), auto_now_add=True)
    by = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, related_name="+", null=True
    )

    history = HistoricalRecords()
    objects = VariationQuerySet.as_manager()

    class Meta:
        ordering = ["workplan", "-at", "-pk"]
        constraints = [
            # Only an item's addition waits to be agreed; every other
            # variation is recorded once agreed.
            models.CheckConstraint(
                condition=models.Q(agreed_on__isnull=False) | models.Q(kind="added"),
                name="variation_agreed_on_unless_awaiting",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.item}"

    def get_absolute_url(self):
        return self.item.get_absolute_url() + "#variations"

    @property
    def organisation_id(self):
        return self.workplan.organisation_id

    @property
    def organisation(self):
        return self.workplan.organisation

    @property
    def is_agreed(self):
        return self.agreed_on is not None

    @property
    def agreement(self):
        """Who agreed it, as printed: "Daniel Okafor, Head of ICT and
        Digital, under delegated powers", the decision, or the text typed."""
        if self.decision_id is not None:
            return _("%(title)s (decision of %(date)s)") % {
                "title": self.decision.title,
                "date": self.decision.decision_date.strftime("%-d %B %Y"),
            }
        if self.agreed_by_id is not None:
            name = self.agreed_by.get_full_name() or self.agreed_by.username
            capacity = f", {self.agreed_capacity}" if self.agreed_capacity else ""
            return _("%(name)s%(capacity)s, under delegated powers") % {
                "name": name,
                "capacity": capacity,
            }
        return self.agreed_with


class VariationSettings(VersionedModel):
    """Who agrees variations to a council's approved workplans.

    A decision of Cabinet or a decision-making committee naming the
    variation may always agree it; under the council's scheme of delegation
    the people named in `delegates` (for example the head of service) may
    also agree one themselves, under delegated powers.
    """

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="variation_settings"
    )
    delegates = models.ManyToManyField(
        Membership,
        blank=True,
        related_name="delegated_variations",
        verbose_name=_("agree variations under delegated powers"),
    )

    history = HistoricalRecords(m2m_fields=[delegates])

    class Meta:
        verbose_name = _("who agrees variations")
        verbose_name_plural = _("who agrees variations")

    def __str__(self):
        return f"Who agrees variations: {self.organisation}"


class WorkplanSettings(VersionedModel):
    """How the council lays out its workplans on their pages and papers.

    Some councils list the items anticipated but not yet planned (category
    "Future works", FW) under their themes like any other; others show them
    as their own section at the end of the plan.
    """

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="workplan_settings"
    )
    future_works_last = models.BooleanField(
        _("show future works as their own section at the end"),
        default=False,
        help_text=_(
            "Items in the category “Future works” are listed after every "
            "theme, under the heading Future works, on the workplan page and "
            "its appendix."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("workplan layout")
        verbose_name_plural = _("workplan layout")

    def __str__(self):
        return f"Workplan layout: {self.organisation}"

    @classmethod
    def future_works_last_for(cls, organisation_id):
        """Whether the council shows future works as their own section."""
        return bool(
            cls.objects.filter(organisation_id=organisation_id)
            .values_list("future_works_last", flat=True)
            .first()
        )


from .reminders import ReminderSent  # noqa: E402, F401
