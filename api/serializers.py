"""What each record of the API holds: one serializer per record type.

Every field names its model field (so its description, type and choices
come from the model: the schema and the data dictionary are generated from
these classes and cannot drift from them). Every record carries `id` (its
stable identifier, never reused) and `links`: its own API address and the
page a person reads it on.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from decisions.choices import CommitteeKind, DecisionStatus
from decisions.models import (
    AgendaItem,
    Committee,
    CommitteeMember,
    DecisionRecord,
    Meeting,
    Recommendation,
    Report,
    Resolution,
)
from governance.lifecycle import LifecycleStatus
from governance.models import Organisation
from strategy.models import Objective, Strategy, Theme
from workplan.models import ProgressUpdate, Review, Workplan, WorkplanItem

#: The public site's page of each record type (`public/urls.py`), by the
#: API's own name for it: a theme is read on its strategy's page, an item
#: on its workplan's.
PUBLIC_PAGES = {
    "decision": "public:decision_detail",
    "meeting": "public:meeting_detail",
    "report": "public:report_detail",
    "strategy": "public:strategy_detail",
    "workplan": "public:workplan_detail",
    "review": "public:review_detail",
}


class LinksSerializer(serializers.Serializer):
    self = serializers.URLField(help_text=_("This record's address in the API."))
    page = serializers.URLField(
        allow_null=True,
        help_text=_(
            "The page people read the record on: the council's public site "
            "(or, with a staff token, the record's page in the service); "
            "null where there is none."
        ),
    )


def absolute(request, path):
    return request.build_absolute_uri(path) if request is not None else path


def api_url(request, name, council, pk):
    return absolute(request, reverse(f"api:{name}", args=[council.slug, pk]))


def page_url(context, name, pk, staff_page):
    """The page for whoever is asking (see `LinksSerializer`): the public
    site's page `name` of record `pk`, or with a staff token `staff_page`
    (the service's)."""
    request = context.get("request")
    if context.get("staff"):
        return absolute(request, staff_page())
    path = reverse(PUBLIC_PAGES[name], args=[context["council"].slug, pk])
    return absolute(request, path)


class Linked(serializers.ModelSerializer):
    """A record with `links`; `name` is its API name (`api:<name>-detail`)."""

    name = None
    #: The kind of page that shows it, where not its own (`PUBLIC_PAGES`).
    page_name = None
    links = serializers.SerializerMethodField(help_text=_("Where to find it."))

    @extend_schema_field(LinksSerializer)
    def get_links(self, record):
        return {
            "self": api_url(
                self.context.get("request"),
                f"{self.name}-detail",
                self.context["council"],
                record.pk,
            ),
            "page": page_url(
                self.context,
                self.page_name or self.name,
                self.page_pk(record),
                lambda: self.page_of(record).get_absolute_url(),
            ),
        }

    def page_pk(self, record):
        """The id of the record whose public page shows `record`."""
        return record.pk

    def page_of(self, record):
        """The record whose page in the service shows `record`."""
        return record


class CouncilLinksSerializer(serializers.Serializer):
    self = serializers.URLField(help_text=_("The council in the API."))
    decisions = serializers.URLField(help_text=_("Its decision records."))
    meetings = serializers.URLField(help_text=_("Its meetings and their agendas."))
    reports = serializers.URLField(help_text=_("Its committee reports."))
    committees = serializers.URLField(help_text=_("Its committees and members."))
    forward_plan = serializers.URLField(help_text=_("Its forward plan."))
    strategies = serializers.URLField(help_text=_("Its strategies."))
    themes = serializers.URLField(help_text=_("Its strategies' themes."))
    workplans = serializers.URLField(help_text=_("Its workplans."))
    reviews = serializers.URLField(help_text=_("Its workplans' review rounds."))


class Reference(serializers.Serializer):
    """Another record named by this one: its id and API address."""

    id = serializers.IntegerField(help_text=_("The record's identifier."))
    url = serializers.URLField(help_text=_("Its address in the API."))


def reference(context, name, pk):
    if pk is None:
        return None
    return {
        "id": pk,
        "url": api_url(
            context.get("request"), f"{name}-detail", context["council"], pk
        ),
    }


class CouncilSerializer(serializers.ModelSerializer):
    links = serializers.SerializerMethodField(
        help_text=_("Its address in the API and those of its collections.")
    )

    class Meta:
        model = Organisation
        fields = ["slug", "name", "links"]

    @extend_schema_field(CouncilLinksSerializer)
    def get_links(self, council):
        from .views import COLLECTIONS

        request = self.context.get("request")
        links = {
            "self": absolute(
                request, reverse("api:council-detail", args=[council.slug])
            )
        }
        for key, name in COLLECTIONS:
            links[key] = absolute(request, reverse(f"api:{name}", args=[council.slug]))
        return links


class CommitteeSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(
        choices=CommitteeKind.choices, help_text=_("What the committee is for.")
    )

    class Meta:
        model = Committee
        fields = ["id", "name", "kind"]


class CommitteeMemberSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(
        choices=CommitteeMember.Role.choices,
        help_text=_("Their role on the committee."),
    )

    class Meta:
        model = CommitteeMember
        fields = ["name", "role"]


class CommitteeRecordSerializer(Linked):
    """A committee with its members (`committees/`)."""

    name = "committee"
    kind = serializers.ChoiceField(
        choices=CommitteeKind.choices, help_text=_("What the committee is for.")
    )
    members = CommitteeMemberSerializer(
        many=True, help_text=_("The councillors on it, with their roles.")
    )

    class Meta:
        model = Committee
        fields = [
            "id",
            "name",
            "kind",
            "purpose",
            "contact_officer",
            "decisions_subject_to_call_in",
            "members",
            "links",
        ]

    @extend_schema_field(LinksSerializer)
    def get_links(self, committee):
        council = self.context["council"]
        request = self.context.get("request")
        if self.context.get("staff"):
            page = reverse(
                "decisions:committee_detail", args=[council.slug, committee.pk]
            )
        else:
            page = (
                reverse("public:committee_list", args=[council.slug])
                + f"#committee-{committee.pk}"
            )
        return {
            "self": api_url(request, "committee-detail", council, committee.pk),
            "page": absolute(request, page),
        }


# --- decisions -------------------------------------------------------------------


class ResolutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Resolution
        fields = ["position", "text"]


class DecisionSerializer(Linked):
    name = "decision"
    status = serializers.ChoiceField(
        source="status_now",
        choices=DecisionStatus.choices,
        help_text=_(
            "Where the decision is now: a published decision whose call-in "
            "period has ended without call-in is effective."
        ),
    )
    committee = CommitteeSerializer(
        source="meeting.committee", help_text=_("The body that took the decision.")
    )
    meeting = serializers.SerializerMethodField(
        help_text=_("The meeting the decision was taken at.")
    )
    report = serializers.SerializerMethodField(
        help_text=_("The report the decision was taken on (null if none).")
    )
    resolutions = ResolutionSerializer(
        many=True, help_text=_("What was resolved, numbered.")
    )

    class Meta:
        model = DecisionRecord
        fields = [
            "id",
            "title",
            "decision_date",
            "status",
            "committee",
            "meeting",
            "report",
            "record",
            "reasons",
            "alternatives_rejected",
            "conflicts_of_interest",
            "dispensations",
            "key_decision",
            "urgent",
            "urgency_reason",
            "subject_to_call_in",
            "published_at",
            "call_in_last_day",
            "call_in_deadline",
            "takes_effect_on",
            "called_in_at",
            "call_in_outcome",
            "resolutions",
            "links",
        ]

    @extend_schema_field(Reference)
    def get_meeting(self, decision):
        return reference(self.context, "meeting", decision.meeting_id)

    @extend_schema_field(Reference(allow_null=True))
    def get_report(self, decision):
        return reference(self.context, "report", decision.report_id)


# --- meetings and reports --------------------------------------------------------


class AgendaItemSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField(
        help_text=_(
            "The item's title. While its report is exempt information "
            "withheld from the public, the public get the title the council "
            'publishes for it ("Exempt item" unless the title itself may '
            "be published)."
        )
    )
    notice = serializers.SerializerMethodField(
        help_text=_(
            "While its report is withheld as exempt information, why: "
            '"Not for publication: exempt under paragraph N"; otherwise '
            "empty. A withheld item has no report (null) for the public."
        )
    )
    report = serializers.SerializerMethodField(
        help_text=_("The report taken under the item (null if none, or not public).")
    )

    class Meta:
        model = AgendaItem
        fields = ["position", "title", "notice", "report"]

    @extend_schema_field(serializers.CharField())
    def get_title(self, item):
        return item.title if self.context.get("staff") else item.public_title

    @extend_schema_field(serializers.CharField())
    def get_notice(self, item):
        return item.public_notice

    @extend_schema_field(Reference(allow_null=True))
    def get_report(self, item):
        if not item.report_readable:
            return None
        return reference(self.context, "report", item.report_id)


class MeetingSerializer(Linked):
    name = "meeting"
    committee = CommitteeSerializer(help_text=_("The committee that meets."))
    agenda = AgendaItemSerializer(
        source="readable_items",
        many=True,
        help_text=_("The items of its published agenda, in order."),
    )

    class Meta:
        model = Meeting
        fields = [
            "id",
            "committee",
            "starts_at",
            "venue",
            "status",
            "agenda_published",
            "agenda",
            "links",
        ]


class RecommendationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Recommendation
        fields = ["position", "text"]


class ReportSerializer(Linked):
    name = "report"
    recommendations = RecommendationSerializer(
        many=True, help_text=_("What the committee is asked to decide, numbered.")
    )

    class Meta:
        model = Report
        fields = [
            "id",
            "title",
            "purpose",
            "summary",
            "reasons",
            "other_options",
            "wards_affected",
            "groups_affected",
            "key_decision",
            "urgent_decision",
            "forward_plan_notice_on",
            "urgency_route",
            "recommendations",
            "links",
        ]


class ForwardPlanMeetingSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("The meeting's identifier."))
    url = serializers.URLField(
        help_text=_("Its address in the API (null until its agenda is published)."),
        allow_null=True,
    )
    committee = serializers.CharField(help_text=_("The body that takes the decision."))
    starts_at = serializers.DateTimeField(help_text=_("When it meets."))


class ForwardPlanEntrySerializer(serializers.Serializer):
    """One key decision on the forward plan (`decisions.forward_plan`)."""

    report = serializers.SerializerMethodField(
        help_text=_("The report of the key decision to be taken.")
    )
    title = serializers.SerializerMethodField(
        help_text=_(
            "What is to be decided. While the report is exempt information "
            "withheld from the public, the public get the title the council "
            'publishes for it ("Exempt item" unless the title itself may be '
            "published)."
        )
    )
    notice = serializers.SerializerMethodField(
        help_text=_(
            "While the report is withheld as exempt information, why: "
            '"Not for publication: exempt under paragraph N" (the decision '
            "may be taken in private); otherwise empty."
        )
    )
    notice_given_on = serializers.DateField(
        source="report.forward_plan_notice_on",
        allow_null=True,
        help_text=_("When notice was first given on the forward plan."),
    )
    meeting = serializers.SerializerMethodField(
        help_text=_("The meeting expected to take it (null until placed).")
    )
    clear_days_notice = serializers.IntegerField(
        source="clear_days",
        allow_null=True,
        help_text=_("Clear days between the notice and the meeting."),
    )
    short_notice = serializers.BooleanField(
        help_text=_("Fewer than 28 clear days' notice (or none yet).")
    )

    @extend_schema_field(serializers.CharField())
    def get_title(self, entry):
        report = entry.report
        return report.title if self.context.get("staff") else report.public_title

    @extend_schema_field(serializers.CharField())
    def get_notice(self, entry):
        return entry.report.public_notice

    @extend_schema_field(Reference(allow_null=True))
    def get_report(self, entry):
        if not entry.report.report_readable:
            return None
        return reference(self.context, "report", entry.report.pk)

    @extend_schema_field(ForwardPlanMeetingSerializer(allow_null=True))
    def get_meeting(self, entry):
        meeting = entry.meeting
        if meeting is None:
            return None
        return {
            "id": meeting.pk,
            "url": reference(self.context, "meeting", meeting.pk)["url"]
            if meeting.pk in self.context["readable_meetings"]
            else None,
            "committee": meeting.committee.name,
            "starts_at": serializers.DateTimeField().to_representation(
                meeting.starts_at
            ),
        }


# --- strategies ------------------------------------------------------------------


class ThemeInStrategySerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text=_("The theme in the API."))

    class Meta:
        model = Theme
        fields = ["id", "position", "title", "url"]

    @extend_schema_field(serializers.URLField())
    def get_url(self, theme):
        return reference(self.context, "theme", theme.pk)["url"]


class LifecycleFields(Linked):
    status = serializers.ChoiceField(
        choices=LifecycleStatus.choices,
        help_text=_("Where the record is in its lifecycle."),
    )


class StrategySerializer(LifecycleFields):
    name = "strategy"
    themes = ThemeInStrategySerializer(many=True, help_text=_("Its themes, in order."))
    replaces = serializers.SerializerMethodField(
        help_text=_("The strategy this version replaces (null for a first version).")
    )

    class Meta:
        model = Strategy
        fields = [
            "id",
            "title",
            "status",
            "version_number",
            "replaces",
            "period_start_year",
            "period_end_year",
            "vision",
            "summary",
            "body",
            "budget",
            "approved_on",
            "next_review_due",
            "themes",
            "links",
        ]

    @extend_schema_field(Reference(allow_null=True))
    def get_replaces(self, strategy):
        return reference(self.context, "strategy", strategy.replaces_id)


class ObjectiveSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objective
        fields = ["position", "text"]


class ThemeSerializer(Linked):
    name = "theme"
    page_name = "strategy"
    strategy = serializers.SerializerMethodField(help_text=_("Its strategy."))
    objectives = ObjectiveSerializer(
        many=True, help_text=_("Its objectives, in order.")
    )

    class Meta:
        model = Theme
        fields = [
            "id",
            "strategy",
            "position",
            "title",
            "description",
            "corporate_priority",
            "objectives",
            "links",
        ]

    @extend_schema_field(Reference)
    def get_strategy(self, theme):
        return reference(self.context, "strategy", theme.strategy_id)

    def page_pk(self, theme):
        return theme.strategy_id

    def page_of(self, theme):
        return theme.strategy


# --- workplans -------------------------------------------------------------------


class WorkplanSerializer(LifecycleFields):
    name = "workplan"
    title = serializers.CharField(
        source="__str__", help_text=_("Its title (by default, its year's).")
    )
    year = serializers.CharField(
        source="year_label", help_text=_("The financial year, e.g. 2026–27.")
    )
    strategy = serializers.SerializerMethodField(
        help_text=_("The strategy it delivers.")
    )
    items = serializers.SerializerMethodField(help_text=_("Its items in the API."))

    class Meta:
        model = Workplan
        fields = [
            "id",
            "title",
            "year",
            "financial_year",
            "status",
            "strategy",
            "approved_on",
            "next_review_due",
            "items",
            "links",
        ]

    @extend_schema_field(Reference)
    def get_strategy(self, workplan):
        return reference(self.context, "strategy", workplan.strategy_id)

    @extend_schema_field(serializers.URLField())
    def get_items(self, workplan):
        return absolute(
            self.context.get("request"),
            reverse(
                "api:workplan-items", args=[self.context["council"].slug, workplan.pk]
            ),
        )


class LatestUpdateSerializer(serializers.ModelSerializer):
    review = serializers.IntegerField(
        source="review.number", help_text=_("The review round it was given in.")
    )

    class Meta:
        model = ProgressUpdate
        fields = [
            "review",
            "as_at",
            "delivery_status",
            "rag",
            "rag_reason",
            "percent_complete",
            "commentary",
            "revised_start_date",
            "revised_target_date",
        ]


class ItemSerializer(LifecycleFields):
    name = "item"
    page_name = "workplan"
    workplan = serializers.SerializerMethodField(help_text=_("Its workplan."))
    theme = serializers.SerializerMethodField(help_text=_("The theme it serves."))
    departments = serializers.SlugRelatedField(
        many=True,
        read_only=True,
        slug_field="name",
        help_text=_("The departments it is for."),
    )
    lead = serializers.SerializerMethodField(help_text=_("Who leads it."))
    latest_update = serializers.SerializerMethodField(
        help_text=_("Its progress at the latest review it may be read in (or null).")
    )

    class Meta:
        model = WorkplanItem
        fields = [
            "id",
            "reference",
            "title",
            "description",
            "workplan",
            "theme",
            "status",
            "category",
            "work_type",
            "departments",
            "lead",
            "sponsor",
            "start_date",
            "target_date",
            "start_as_written",
            "target_as_written",
            "budget",
            "delivery_status",
            "rag",
            "rag_reason",
            "percent_complete",
            "latest_update",
            "links",
        ]

    def page_pk(self, item):
        return item.workplan_id

    @extend_schema_field(Reference)
    def get_workplan(self, item):
        return reference(self.context, "workplan", item.workplan_id)

    @extend_schema_field(Reference(allow_null=True))
    def get_theme(self, item):
        return reference(self.context, "theme", item.theme_id)

    @extend_schema_field(serializers.CharField())
    def get_lead(self, item):
        if item.lead_officer_id:
            user = item.lead_officer.user
            return user.get_full_name() or user.get_username()
        return item.lead_name

    @extend_schema_field(LatestUpdateSerializer(allow_null=True))
    def get_latest_update(self, item):
        updates = getattr(item, "readable_updates", [])
        if not updates:
            return None
        return LatestUpdateSerializer(updates[0], context=self.context).data


class ReviewUpdateSerializer(LatestUpdateSerializer):
    review = None
    item = serializers.SerializerMethodField(help_text=_("The item it is about."))

    class Meta(LatestUpdateSerializer.Meta):
        fields = ["item", *LatestUpdateSerializer.Meta.fields[1:]]

    @extend_schema_field(Reference)
    def get_item(self, update):
        return reference(self.context, "item", update.item_id)


class ReviewSerializer(Linked):
    name = "review"
    workplan = serializers.SerializerMethodField(help_text=_("The workplan reviewed."))
    meeting = serializers.SerializerMethodField(
        help_text=_("The meeting it was reported to (null if none, or not public).")
    )
    decision = serializers.SerializerMethodField(
        help_text=_("The decision it was reported to (null if none, or not public).")
    )
    updates = ReviewUpdateSerializer(
        source="readable_updates",
        many=True,
        help_text=_("Each item's progress at this review."),
    )

    class Meta:
        model = Review
        fields = [
            "id",
            "workplan",
            "number",
            "status",
            "due",
            "opened_on",
            "reported_on",
            "meeting",
            "decision",
            "updates",
            "links",
        ]

    @extend_schema_field(Reference)
    def get_workplan(self, review):
        return reference(self.context, "workplan", review.workplan_id)

    @extend_schema_field(Reference(allow_null=True))
    def get_meeting(self, review):
        if not review.meeting_readable:
            return None
        return reference(self.context, "meeting", review.meeting_id)

    @extend_schema_field(Reference(allow_null=True))
    def get_decision(self, review):
        if not review.decision_readable:
            return None
        return reference(self.context, "decision", review.decision_id)
