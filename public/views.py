"""The public site of a council: its published business, for anyone.

Every view here reaches records only through `public(organisation)` (or
`readable_by(PublicReader)`, which is the same), so a draft, an unpublished
agenda's report, exempt information or another council's record is a 404,
as if it did not exist. Pages draw the same record bodies as the pages
behind sign-in (`decisions/_decision_record.html`, `_report_body.html` …),
their links made by `url_of` (`public_url`). Every response is served by
`caching.cached_publicly`: `Cache-Control: public`, an ETag, 304.
"""

from functools import partial

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView, TemplateView

from decisions import decidable, papers
from decisions.feeds import DecisionFeed, _FeedRequest, calendar_response
from decisions.forward_plan import forward_plan
from decisions.models import (
    AgendaItem,
    Committee,
    CommitteeMember,
    DecisionRecord,
    Meeting,
    Report,
    numbering_for,
)
from governance.paper_store import serve_paper
from governance.querysets import PublicReader
from strategy.models import Strategy
from workplan.delivery import delivery_of
from workplan.models import ProgressUpdate, Review, Workplan, WorkplanItem

from . import public_papers
from .caching import cached_publicly
from .hosts import site_organisation

#: How many rows a public list shows a page.
PAGE_SIZE = 25
#: How many decisions and meetings the home page lists.
HOME_ROWS = 5


def public_url(organisation, record):
    """The address of `record` on `organisation`'s public site ("" for a
    record that has no page there)."""
    slug = organisation.slug
    names = {
        Meeting: "public:meeting_detail",
        Report: "public:report_detail",
        DecisionRecord: "public:decision_detail",
        Strategy: "public:strategy_detail",
        Workplan: "public:workplan_detail",
        Review: "public:review_detail",
    }
    name = names.get(type(record))
    if name is not None:
        return reverse(name, args=[slug, record.pk])
    if isinstance(record, Committee):
        return reverse("public:committee_list", args=[slug]) + f"#committee-{record.pk}"
    if isinstance(record, WorkplanItem):
        return reverse("public:workplan_detail", args=[slug, record.workplan_id])
    return ""


def sign_in_url(request):
    """Where the "Sign in" link goes: the service's own host from a
    council's host (`public/hosts.py`)."""
    url = reverse("login")
    if getattr(request, "public_site", None) is not None:
        return settings.SITE_URL.rstrip("/") + url
    return url


def navigation(organisation, path):
    """The public site's menu, with the current section marked."""
    slug = organisation.slug
    entries = [
        ("Home", reverse("public:home", args=[slug])),
        ("Meetings", reverse("public:meeting_list", args=[slug])),
        ("Decisions", reverse("public:decision_list", args=[slug])),
        ("Forward plan", reverse("public:forward_plan", args=[slug])),
        ("Committees", reverse("public:committee_list", args=[slug])),
    ]
    if organisation.publishes_strategies:
        entries.append(("Strategies", reverse("public:strategy_list", args=[slug])))
    home = entries[0][1]
    current = max(
        (
            url
            for _label, url in entries
            if (path == url if url == home else path.startswith(url))
        ),
        key=len,
        default=None,
    )
    return [
        {"label": label, "url": url, "active": url == current} for label, url in entries
    ]


@method_decorator(login_not_required, name="dispatch")
class PublicMixin:
    """A page of the public site of the council named in the address.

    Sets `self.organisation`; `public(model)` is the queryset of what the
    public may read of `model`. The page is served from `cached_publicly`.
    """

    http_method_names = ["get", "head"]
    #: The page of one record of this model (`<pk>` in the address): its
    #: ETag follows that record's own mark, not the whole site's.
    record_model = None

    def dispatch(self, request, *args, slug, **kwargs):
        self.organisation = site_organisation(request, slug)
        record = (
            (self.record_model, kwargs["pk"]) if self.record_model is not None else None
        )
        return cached_publicly(
            request,
            self.organisation,
            lambda: super(PublicMixin, self).dispatch(request, *args, **kwargs),
            record=record,
        )

    def public(self, model):
        return model.objects.public(self.organisation)

    def url_of(self, record):
        return public_url(self.organisation, record)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            organisation=self.organisation,
            # The layout brands the page with the council, whoever reads it.
            current_organisation=self.organisation,
            public=True,
            public_nav=navigation(self.organisation, self.request.path),
            url_of=partial(public_url, self.organisation),
            sign_in_url=sign_in_url(self.request),
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        # Rendered now: the layout must not reach the person's session.
        return response.render() if hasattr(response, "render") else response


def upcoming_meetings(queryset, now):
    return (
        queryset.filter(starts_at__gte=now)
        .select_related("committee")
        .order_by("starts_at", "pk")
    )


def latest_decisions(queryset):
    return queryset.select_related("meeting__committee").order_by(
        "-published_at", "-pk"
    )


class HomeView(PublicMixin, TemplateView):
    template_name = "public/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["decisions"] = list(
            latest_decisions(self.public(DecisionRecord))[:HOME_ROWS]
        )
        context["meetings"] = list(
            upcoming_meetings(self.public(Meeting), timezone.now())[:HOME_ROWS]
        )
        return context


class MeetingListView(PublicMixin, ListView):
    """Meetings to come, soonest first, then past ones, latest first."""

    template_name = "public/meeting_list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return self.public(Meeting).select_related("committee").upcoming_first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["now"] = timezone.now()
        return context


class MeetingDetailView(PublicMixin, DetailView):
    record_model = Meeting
    template_name = "public/meeting_detail.html"
    context_object_name = "meeting"

    def get_queryset(self):
        return self.public(Meeting).select_related("committee")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.object
        # Every item of the agenda, a withheld one by its public title and
        # its "Not for publication" notice only (docs/exempt-information.md).
        context["agenda"] = list(
            AgendaItem.objects.public_agenda(self.organisation)
            .filter(meeting=meeting)
            .select_related("report")
            .order_by("position")
        )
        context["meeting_held"] = meeting.starts_at <= timezone.now()
        context["decisions"] = list(
            self.public(DecisionRecord)
            .filter(meeting=meeting)
            .select_related("meeting__committee")
            .order_by("pk")
        )
        return context


class ReportDetailView(PublicMixin, DetailView):
    record_model = Report
    template_name = "public/report_detail.html"
    context_object_name = "report"

    def get_queryset(self):
        return self.public(Report).select_related("report_of", "contact")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        context["recommendations"] = list(report.recommendations.all())
        context["numbering"] = numbering_for(report.organisation_id)
        context["meetings"] = list(
            self.public(AgendaItem)
            .filter(report=report)
            .select_related("meeting__committee")
            .order_by("meeting__starts_at")
        )
        return context


class DecisionListView(PublicMixin, ListView):
    template_name = "public/decision_list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return latest_decisions(self.public(DecisionRecord))


class DecisionDetailView(PublicMixin, DetailView):
    """A published decision record: its call-in status, deadline and the
    rule applied, and its body, as its page behind sign-in draws them."""

    record_model = DecisionRecord
    template_name = "public/decision_detail.html"
    context_object_name = "decision"

    def get_queryset(self):
        return (
            self.public(DecisionRecord)
            .select_related(
                "meeting__committee",
                "report",
                "call_in_rule__organisation",
                "organisation",
                "call_in_heard_at__committee",
            )
            .prefetch_related("resolutions", "decided_records__record")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        decision = self.object
        context["status"] = decision.current_status()
        context["numbering"] = numbering_for(decision.organisation_id)
        context["decided"] = decidable.mark_readable(
            list(decision.decided_records.all()), PublicReader(self.organisation)
        )
        context["report_visible"] = (
            decision.report_id is not None
            and self.public(Report).filter(pk=decision.report_id).exists()
        )
        return context


class ForwardPlanView(PublicMixin, TemplateView):
    template_name = "public/forward_plan.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reports = Report.objects.public_forward_plan(self.organisation).select_related(
            "report_of"
        )
        context["entries"] = forward_plan(reports, timezone.now())
        context["readable_report_ids"] = set(
            self.public(Report)
            .filter(pk__in=[entry.report.pk for entry in context["entries"]])
            .values_list("pk", flat=True)
        )
        return context


class CommitteeListView(PublicMixin, ListView):
    template_name = "public/committee_list.html"

    def get_queryset(self):
        return (
            self.public(Committee)
            .select_related("organisation")
            .prefetch_related(
                Prefetch(
                    "members",
                    queryset=CommitteeMember.objects.public(self.organisation),
                )
            )
            .order_by("name")
        )


class StrategiesPublishedMixin(PublicMixin):
    """Pages shown only where the council publishes its strategies."""

    def get(self, request, *args, **kwargs):
        if not self.organisation.publishes_strategies:
            raise Http404("This council does not publish its strategies here.")
        return super().get(request, *args, **kwargs)


class StrategyListView(StrategiesPublishedMixin, ListView):
    template_name = "public/strategy_list.html"

    def get_queryset(self):
        return self.public(Strategy).order_by("-period_start_year", "title")


class StrategyDetailView(StrategiesPublishedMixin, DetailView):
    """An approved strategy with its delivery headline (`workplan.delivery`)."""

    record_model = Strategy
    template_name = "public/strategy_detail.html"
    context_object_name = "strategy"

    def get_queryset(self):
        return self.public(Strategy).select_related(
            "cabinet_member", "director", "approving_decision__meeting__committee"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        strategy = self.object
        context["themes"] = list(strategy.themes.prefetch_related("objectives"))
        context["deliveries"] = delivery_of(strategy, PublicReader(self.organisation))
        return context


class WorkplanDetailView(StrategiesPublishedMixin, DetailView):
    record_model = Workplan
    template_name = "public/workplan_detail.html"
    context_object_name = "workplan"

    def get_queryset(self):
        return self.public(Workplan).select_related(
            "strategy", "approving_decision__meeting__committee"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        workplan = self.object
        context["items"] = list(
            self.public(WorkplanItem)
            .in_the_plan()
            .filter(workplan=workplan)
            .select_related("theme")
            .order_by("theme__position", "position", "pk")
        )
        context["reviews"] = list(
            self.public(Review)
            .filter(workplan=workplan)
            .select_related("meeting__committee")
            .order_by("number")
        )
        return context


class ReviewDetailView(StrategiesPublishedMixin, DetailView):
    """A progress report made to committee (a closed review round)."""

    record_model = Review
    template_name = "public/review_detail.html"
    context_object_name = "review"

    def get_queryset(self):
        return self.public(Review).select_related(
            "workplan__strategy", "meeting__committee", "decision"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        updates = {
            update.item_id: update
            for update in self.public(ProgressUpdate).filter(review=self.object)
        }
        items = (
            self.public(WorkplanItem)
            .in_the_plan()
            .filter(workplan=self.object.workplan_id)
            .order_by("position", "pk")
        )
        context["rows"] = [(item, updates.get(item.pk)) for item in items]
        return context


class AccessibilityView(PublicMixin, TemplateView):
    template_name = "public/accessibility.html"


class SitemapView(PublicMixin, TemplateView):
    """Every public page of the council (sitemaps.org protocol)."""

    template_name = "public/sitemap.xml"
    content_type = "application/xml; charset=utf-8"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        slug = self.organisation.slug
        pages = [
            reverse(f"public:{name}", args=[slug])
            for name in (
                "home",
                "meeting_list",
                "decision_list",
                "forward_plan",
                "committee_list",
                "accessibility",
            )
        ]
        records = [
            *self.public(Meeting).order_by("pk"),
            *self.public(Report).order_by("pk").only("pk"),
            *self.public(DecisionRecord).order_by("pk").only("pk"),
        ]
        if self.organisation.publishes_strategies:
            pages.append(reverse("public:strategy_list", args=[slug]))
            records += [
                *self.public(Strategy).order_by("pk").only("pk"),
                *self.public(Workplan).order_by("pk").only("pk"),
                *self.public(Review).order_by("pk").only("pk"),
            ]
        pages += [public_url(self.organisation, record) for record in records]
        context["urls"] = [self.request.build_absolute_uri(page) for page in pages]
        return context


# --- feeds -----------------------------------------------------------------------


class PublicDecisionFeed(DecisionFeed):
    """The Atom feed of the council's published decisions, for anyone."""

    def __call__(self, request, *args, slug, **kwargs):
        # Django's `Feed.__call__`, not `DecisionFeed`'s (which marks the
        # response private): this feed is the same for everyone.
        organisation = site_organisation(request, slug)
        request.public_organisation = organisation
        return cached_publicly(
            request,
            organisation,
            lambda: Feed.__call__(self, request, *args, **kwargs),
        )

    def get_object(self, request, *args, **kwargs):
        organisation = request.public_organisation
        return _FeedRequest(
            request=request, user=PublicReader(organisation), organisation=organisation
        )

    def link(self, obj):
        return reverse("public:decision_list", args=[obj.organisation.slug])

    def feed_url(self, obj):
        return reverse("public:decision_feed", args=[obj.organisation.slug])

    def item_link(self, item):
        return public_url(item.organisation, item)


decision_feed = login_not_required(PublicDecisionFeed())


@login_not_required
def meeting_calendar(request, slug):
    """The council's public meetings and call-in deadlines (iCalendar)."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    organisation = site_organisation(request, slug)
    return cached_publicly(
        request,
        organisation,
        lambda: calendar_response(
            request,
            PublicReader(organisation),
            organisation,
            url_of=partial(public_url, organisation),
        ),
    )


# --- papers ------------------------------------------------------------------------


@login_not_required
def decision_paper(request, slug, pk):
    """The published decision record as a PDF (a paper of record)."""
    organisation = site_organisation(request, slug)
    decision = get_object_or_404(
        DecisionRecord.objects.public(organisation).select_related(
            "organisation", "meeting__committee", "report"
        ),
        pk=pk,
    )
    # While its exempt part is withheld the public get their own version.
    kind = (
        papers.PUBLIC_DECISION_RECORD if decision.withheld else papers.DECISION_RECORD
    )
    return public_papers.served_publicly(serve_paper(request, kind, decision))


@login_not_required
def report_paper(request, slug, pk):
    """A public report's paper: the one sent to its meeting, as it was sent
    (or, for a meeting published before papers were kept, the paper of
    record)."""
    organisation = site_organisation(request, slug)
    report = get_object_or_404(
        Report.objects.public(organisation)
        .select_related("organisation", "report_of", "contact")
        .prefetch_related("agenda_items__meeting__committee"),
        pk=pk,
    )
    return public_papers.report_paper(request, report)


@login_not_required
def agenda_pack(request, slug, pk):
    """The public agenda pack of a published agenda: built from its public
    items (`decisions.papers.PUBLIC_AGENDA_PACK`)."""
    organisation = site_organisation(request, slug)
    meeting = get_object_or_404(
        Meeting.objects.public(organisation).select_related("committee__organisation"),
        pk=pk,
    )
    return public_papers.agenda_pack(request, meeting)
