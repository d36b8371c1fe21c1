"""The open data API's views: read-only, per council, public by default.

Every queryset starts from `readable()`: the council's public records
(`public(organisation)`, `governance/querysets.py`) for everyone, or what
the token's owner may see (`visible_to(user)`) when a staff token for this
council is sent. Lists are filtered by the same FilterSets as the pages
(`DjangoFilterBackend`), paged by limit and offset, and answered as JSON or
CSV. Every response names its licence; a public one may be kept by any
cache for `PUBLIC_MAX_AGE` seconds and carries an ETag of its bytes, so an
unchanged one is answered 304.
"""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, Sum
from django.http import HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.decorators import method_decorator
from django.utils.http import quote_etag
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from drf_spectacular.utils import extend_schema
from rest_framework import generics, viewsets
from rest_framework.renderers import JSONRenderer

from decisions.filtersets import DecisionFilterSet, MeetingFilterSet, ReportFilterSet
from decisions.forward_plan import forward_plan
from decisions.models import (
    AgendaItem,
    Committee,
    CommitteeMember,
    DecisionRecord,
    Meeting,
    Report,
)
from governance.data_mark import has_record_mark, record_mark
from governance.models import Organisation
from strategy.filtersets import StrategyFilterSet
from strategy.models import Strategy, Theme
from workplan.filtersets import ItemFilterSet
from workplan.models import ProgressUpdate, Review, Workplan, WorkplanItem

from . import serializers
from .licence import LICENCE, LINK_HEADER
from .models import ApiToken
from .pagination import DEFAULT_LIMIT, MAX_LIMIT
from .renderers import CsvRenderer

#: How long a shared cache may keep a public response (seconds).
PUBLIC_MAX_AGE = 300
#: How long this server keeps a public response it rendered (seconds): a
#: change to a record's version is seen at once (it is part of the key);
#: what no version records (a decision becoming effective with time, a
#: child row added) within this time.
SERVER_CACHE_SECONDS = 60
PRIVATE = "private, no-store"


def etag_of(content):
    return quote_etag(hashlib.sha256(content).hexdigest()[:40])


class ApiView:
    """What every API view does (a mixin for DRF's generic views)."""

    @classmethod
    def as_view(cls, *args, **kwargs):
        # Open to anyone: the API is the public's (tokens are checked by
        # `ApiTokenAuthentication`, not by the sign-in session).
        return login_not_required(super().as_view(*args, **kwargs))

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code >= 400 and isinstance(
            getattr(response, "accepted_renderer", None), CsvRenderer
        ):
            # Errors are always explained in JSON.
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        response["Link"] = LINK_HEADER
        patch_vary_headers(response, ["Authorization", "Accept"])
        public = request.auth is None and response.status_code == 200
        response["Cache-Control"] = (
            f"public, max-age={PUBLIC_MAX_AGE}" if public else PRIVATE
        )
        # The public's response prints nothing of who asked: the `Vary:
        # Cookie` the session middleware adds is dropped, so a shared cache
        # may serve it to everyone (`public.middleware.SameForEveryoneMiddleware`).
        response.same_for_everyone = public
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            if hasattr(response, "render"):
                response.render()
                self.keep(response)
            etag = etag_of(response.content)
            response["ETag"] = etag
            if etag in _etags(request.headers.get("If-None-Match", "")):
                unchanged = HttpResponseNotModified()
                for header in ("ETag", "Cache-Control", "Vary", "Link"):
                    unchanged[header] = response[header]
                return unchanged
        return response

    def keep(self, response):
        """Keep a rendered public response (see `CouncilView.cached`)."""


def _etags(header):
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


class CouncilView(ApiView):
    """A view of one council's records (`<council>` in the URL: its slug)."""

    #: Set for each request by `initial()` (as here while the schema is made).
    council = None
    staff = False

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.council = get_object_or_404(Organisation, slug=kwargs["council"])
        # The FilterSets' choices are the council's (as on its pages).
        request.organisation = self.council
        #: Whether a staff token for this council was sent: the records its
        #: owner may see, not only the public's.
        self.staff = request.auth is not None and request.auth.pk == self.council.pk

    def readable(self, model):
        """`model`'s records of this council that the asker may read."""
        if self.staff:
            return model.objects.visible_to(self.request.user).for_organisation(
                self.council
            )
        return model.objects.public(self.council)

    def readable_pk(self, model, field):
        """Whether the record `field` names is readable (an annotation)."""
        return Exists(self.readable(model).filter(pk=OuterRef(field)))

    def get_serializer_context(self):
        return {
            **super().get_serializer_context(),
            "council": self.council,
            "staff": self.staff,
        }

    # --- the server's cache of public responses, per version of the records

    cache_key = None

    def cached(self, request, records, render):
        """The public response for `records` (the filtered queryset the
        response prints), from this server's cache when none of them has
        changed since it was rendered, else `render()`ed (and kept by
        `finalize_response`). The key holds the request (address and
        format) and the records' fingerprint: how many, which, and the sum
        of their versions, which moves on at every save."""
        if request.auth is not None:
            return render()
        fingerprint = self.fingerprint(records)
        self.cache_key = (
            "api:"
            + hashlib.sha256(
                repr(
                    (
                        request.get_host(),
                        request.get_full_path(),
                        request.accepted_media_type,
                        sorted(fingerprint.items()),
                    )
                ).encode()
            ).hexdigest()
        )
        kept = cache.get(self.cache_key)
        if kept is None:
            return render()
        content, content_type = kept
        return HttpResponse(content, content_type=content_type)

    def fingerprint(self, records):
        """How many records, which, and the sum of their versions."""
        fields = {"n": Count("pk"), "ids": Sum("pk")}
        if any(field.name == "version" for field in records.model._meta.fields):
            fields["versions"] = Sum("version")
        return records.order_by().aggregate(**fields)

    def keep(self, response):
        if self.cache_key is not None:
            cache.set(
                self.cache_key,
                (response.content, response["Content-Type"]),
                SERVER_CACHE_SECONDS,
            )


class CouncilViewSet(CouncilView, viewsets.ReadOnlyModelViewSet):
    def list(self, request, *args, **kwargs):
        records = self.filter_queryset(self.get_queryset())
        return self.cached(
            request, records, lambda: super(CouncilViewSet, self).list(request)
        )

    def retrieve(self, request, *args, **kwargs):
        records = self.get_queryset().filter(pk=kwargs["pk"])
        return self.cached(
            request,
            records,
            lambda: super(CouncilViewSet, self).retrieve(request, *args, **kwargs),
        )

    def fingerprint(self, records):
        """A record with a page of its own is kept per its own version and
        those of the rows it prints (`governance.data_mark.record_mark`),
        seen at once; an edit to another record leaves it in the cache."""
        model = records.model
        if self.action == "retrieve" and has_record_mark(model):
            pk = self.kwargs["pk"]
            if not str(pk).isdigit():
                return super().fingerprint(records)
            return {"record": record_mark(self.council, model, pk)}
        return super().fingerprint(records)


# --- committee business ------------------------------------------------------------


@extend_schema(tags=["Decisions"])
class DecisionViewSet(CouncilViewSet):
    """Decision records, with their resolutions: newest decision first."""

    serializer_class = serializers.DecisionSerializer
    filterset_class = DecisionFilterSet

    def get_queryset(self):
        return (
            self.readable(DecisionRecord)
            .select_related("meeting__committee")
            .prefetch_related("resolutions")
            .order_by("-decision_date", "-pk")
        )


@extend_schema(tags=["Meetings"])
class MeetingViewSet(CouncilViewSet):
    """Meetings and their agendas: those to come, soonest first, then past ones."""

    serializer_class = serializers.MeetingSerializer
    filterset_class = MeetingFilterSet

    def get_queryset(self):
        # The public get every item of a published agenda, a withheld one
        # with its public title and notice only (no report), as the public
        # meeting page lists them (docs/exempt-information.md).
        items = (
            self.readable(AgendaItem)
            if self.staff
            else AgendaItem.objects.public_agenda(self.council)
        )
        items = (
            items.select_related("report__organisation")
            .annotate(report_readable=self.readable_pk(Report, "report_id"))
            .order_by("position")
        )
        return (
            self.readable(Meeting)
            .select_related("committee")
            .prefetch_related(
                Prefetch("agenda_items", queryset=items, to_attr="readable_items")
            )
            .upcoming_first()
        )


@extend_schema(tags=["Committees"])
class CommitteeViewSet(CouncilViewSet):
    """The council's committees, with their members: by name."""

    serializer_class = serializers.CommitteeRecordSerializer

    def get_queryset(self):
        return (
            self.readable(Committee)
            .prefetch_related(
                Prefetch("members", queryset=self.readable(CommitteeMember))
            )
            .order_by("name", "pk")
        )


@extend_schema(tags=["Reports"])
class ReportViewSet(CouncilViewSet):
    """Committee reports, with their recommendations."""

    serializer_class = serializers.ReportSerializer
    filterset_class = ReportFilterSet

    def get_queryset(self):
        return (
            self.readable(Report)
            .prefetch_related("recommendations")
            .order_by("title", "pk")
        )


@extend_schema(tags=["Forward plan"])
class ForwardPlanView(CouncilView, generics.ListAPIView):
    """The forward plan: key decisions to come, with the notice given."""

    serializer_class = serializers.ForwardPlanEntrySerializer

    def get_queryset(self):
        if self.staff:
            reports = self.readable(Report).filter(key_decision=True)
        else:
            reports = Report.objects.public_forward_plan(self.council)
        return reports.annotate(report_readable=self.readable_pk(Report, "pk"))

    def list(self, request, *args, **kwargs):
        entries = forward_plan(self.get_queryset(), timezone.now())
        page = self.paginate_queryset(entries)
        meetings = {entry.meeting.pk for entry in page if entry.meeting}
        readable = set(
            self.readable(Meeting).filter(pk__in=meetings).values_list("pk", flat=True)
        )
        serializer = self.get_serializer(
            page,
            many=True,
            context={**self.get_serializer_context(), "readable_meetings": readable},
        )
        return self.get_paginated_response(serializer.data)


# --- strategies and workplans -------------------------------------------------------


@extend_schema(tags=["Strategies"])
class StrategyViewSet(CouncilViewSet):
    """Strategies (the council's approved ones, where it publishes them)."""

    serializer_class = serializers.StrategySerializer
    filterset_class = StrategyFilterSet

    def get_queryset(self):
        return (
            self.readable(Strategy)
            .prefetch_related(
                Prefetch("themes", queryset=Theme.objects.order_by("position"))
            )
            .order_by("-period_start_year", "title", "pk")
        )


@extend_schema(tags=["Strategies"])
class ThemeViewSet(CouncilViewSet):
    """The themes of the strategies above, with their objectives."""

    serializer_class = serializers.ThemeSerializer

    def get_queryset(self):
        return (
            Theme.objects.filter(strategy__in=self.readable(Strategy))
            .select_related("strategy")
            .prefetch_related("objectives")
            .order_by("strategy_id", "position", "pk")
        )


@extend_schema(tags=["Workplans"])
class WorkplanViewSet(CouncilViewSet):
    """Annual workplans (approved ones, where the council publishes them)."""

    serializer_class = serializers.WorkplanSerializer

    def get_queryset(self):
        return self.readable(Workplan).order_by("-financial_year", "pk")


class ItemQuerysetMixin:
    def readable_updates(self):
        """Progress updates the asker may read, latest review first."""
        if self.staff:
            updates = ProgressUpdate.objects.filter(review__in=self.readable(Review))
        else:
            updates = ProgressUpdate.objects.public(self.council)
        return (
            updates.filter(item__in=self.readable(WorkplanItem))
            .select_related("review")
            .order_by("-review__number")
        )

    def items(self):
        return (
            self.readable(WorkplanItem)
            .select_related("lead_officer__user")
            .prefetch_related(
                "departments",
                Prefetch(
                    "updates",
                    queryset=self.readable_updates(),
                    to_attr="readable_updates",
                ),
            )
        )


@extend_schema(tags=["Workplans"])
class ItemViewSet(ItemQuerysetMixin, CouncilViewSet):
    """One workplan item, with its latest progress update."""

    serializer_class = serializers.ItemSerializer

    def get_queryset(self):
        return self.items()


@extend_schema(tags=["Workplans"])
class WorkplanItemsView(ItemQuerysetMixin, CouncilView, generics.ListAPIView):
    """A workplan's items, filtered as on the workplan's page, in plan order."""

    serializer_class = serializers.ItemSerializer
    filterset_class = ItemFilterSet

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # The item filters' choices are the workplan's (its themes).
        request.workplan = get_object_or_404(
            self.readable(Workplan).select_related("strategy", "organisation"),
            pk=kwargs["pk"],
        )

    def get_queryset(self):
        return (
            self.items()
            .filter(workplan=getattr(self.request, "workplan", None))
            .order_by("theme_id", "position", "pk")
        )


@extend_schema(tags=["Workplans"])
class ReviewViewSet(ItemQuerysetMixin, CouncilViewSet):
    """Review rounds of workplans (closed ones: reported to committee), with
    each item's progress."""

    serializer_class = serializers.ReviewSerializer

    def get_queryset(self):
        updates = self.readable_updates().order_by("item__position", "item_id")
        return (
            self.readable(Review)
            .annotate(
                meeting_readable=self.readable_pk(Meeting, "meeting_id"),
                decision_readable=self.readable_pk(DecisionRecord, "decision_id"),
            )
            .prefetch_related(
                Prefetch("updates", queryset=updates, to_attr="readable_updates")
            )
            .order_by("workplan_id", "number")
        )


# --- the councils -------------------------------------------------------------------


COLLECTIONS = [
    ("decisions", "decision-list"),
    ("meetings", "meeting-list"),
    ("reports", "report-list"),
    ("committees", "committee-list"),
    ("forward_plan", "forward-plan"),
    ("strategies", "strategy-list"),
    ("themes", "theme-list"),
    ("workplans", "workplan-list"),
    ("reviews", "review-list"),
]


@extend_schema(tags=["Councils"])
class CouncilListView(ApiView, generics.ListAPIView):
    """The councils whose records the API publishes."""

    serializer_class = serializers.CouncilSerializer
    queryset = Organisation.objects.order_by("name", "pk")
    filter_backends = []


@extend_schema(tags=["Councils"])
class CouncilDetailView(ApiView, generics.RetrieveAPIView):
    """One council, with the addresses of its collections."""

    serializer_class = serializers.CouncilSerializer
    queryset = Organisation.objects.all()
    lookup_field = "slug"
    lookup_url_kwarg = "council"
    filter_backends = []


class ApiTokenView(View):
    """Make (or make anew) the person's API token for the council they work
    in, or stop it. Only by POST; answers with the account page."""

    http_method_names = ["post"]

    def post(self, request):
        organisation = getattr(request, "organisation", None)
        if organisation is None:
            raise PermissionDenied(_("Choose the council you work in first."))
        if request.POST.get("action") == "stop":
            ApiToken.revoke(request.user, organisation)
            messages.success(request, _("Your API token no longer works."))
        else:
            ApiToken.issue(request.user, organisation)
            messages.success(
                request,
                _("Your API token is ready. Any token you had before no longer works."),
            )
        return redirect(reverse("account_security") + "#api-token")


@method_decorator(login_not_required, name="dispatch")
class DataDictionaryView(TemplateView):
    """Every field of every record the API publishes, with its values."""

    template_name = "api/data_dictionary.html"

    def get_context_data(self, **kwargs):
        from . import dictionary  # it reads the views of this module

        return super().get_context_data(
            **kwargs,
            records=dictionary.records(),
            schema_url=reverse("api:schema"),
            licence=LICENCE,
            default_limit=DEFAULT_LIMIT,
            max_limit=MAX_LIMIT,
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
        response["Link"] = LINK_HEADER
        return response
