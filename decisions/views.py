"""Meetings, agendas, reports, decision records and the call-in settings.

Every view starts from an organisation-scoped queryset (a record of another
council is a 404) and asks the access policy for anything it changes.
"""

from django.contrib import messages
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, Exists, OuterRef, Prefetch, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import (
    CreateView,
    DeleteView,
    DetailView,
    FormView,
    ListView,
    TemplateView,
    UpdateView,
    View,
)
from django_filters.views import FilterView

from governance.data_mark import HAPPENED_TO_THE_RECORD, REPORT_TEXT, data_mark
from governance.documents import CachedDocumentMixin
from governance.events import Event, record_event
from governance.forms import VersionOnlyForm
from governance.history import (
    delete_with_reason,
    save_formset_with_reason,
    save_with_reason,
)
from governance.mixins import (
    CouncilPageMixin,
    CurrentOrganisationListMixin,
    OrganisationActionMixin,
    OrganisationScopedMixin,
    VersionedUpdateMixin,
)
from governance.ordered_lists import AddAnotherViewMixin, save_list
from governance.paper_store import serve_paper
from governance.permissions import can
from governance.submissions import CreateOnceMixin
from governance.views import (
    CouncilRecordCreateView,
    CouncilRecordUpdateView,
    PaperView,
    TransitionView,
    paper_view,
)

from . import (
    considered,
    decidable,
    drafting,
    papers,
    report_subjects,
    report_template,
)
from .decision_path import (
    DECISION_PATH,
    publication_outcome,
    publication_preview,
)
from .filtersets import DecisionFilterSet, MeetingFilterSet, ReportFilterSet
from .forms import (
    AgendaFormSet,
    BankHolidayWorkedForm,
    CallInRuleForm,
    ClosurePeriodForm,
    CommitteeForm,
    CommitteeMemberFormSet,
    DecisionCorrectionForm,
    DecisionForm,
    MeetingForm,
    NumberingSettingsForm,
    RecommendationFormSet,
    ReportForm,
    ReportHeadingForm,
    ReportTemplateForm,
    ResolutionFormSet,
    prefilled,
)
from .forward_plan import forward_plan
from .list_rows import decision_rows
from .models import (
    AgendaItem,
    BankHolidayWorked,
    CallInRule,
    ClosureDay,
    Committee,
    CommitteeMember,
    ConsideredPaper,
    DecidedRecord,
    DecisionRecord,
    Meeting,
    NumberingSettings,
    Report,
    ReportHeading,
    numbering_for,
)

MANAGE = "manage_committee_business"

#: What a published decision record's page prints only as the decision's own
#: (`governance.documents.CachedDocumentMixin.unprinted_parts`).
UNPRINTED_BY_DECISIONS = (
    *HAPPENED_TO_THE_RECORD,
    *REPORT_TEXT,
    "decisions.AgendaItem",
    "decisions.DecidedRecord",
    "decisions.DecisionRecord",
    "decisions.Meeting",
    "decisions.Report",
    "decisions.Resolution",
    "workplan.Milestone",
    "workplan.ProgressUpdate",
    "workplan.Review",
)
#: The rows the records a decision may decide print (`decidable.py`): a
#: strategy or a workplan its title and state; a variation its own and its
#: item's (`VARIATION_PARTS`).
DECIDABLE_PARTS = (
    "strategy.Strategy",
    "workplan.Workplan",
)
VARIATION_PARTS = (
    "workplan.Variation",
    "workplan.WorkplanItem",
)
WRITE_REPORT = "write_report"


# --- meetings --------------------------------------------------------------------


class MeetingListView(CurrentOrganisationListMixin, FilterView):
    model = Meeting
    filterset_class = MeetingFilterSet
    paginate_by = 25
    template_name = "decisions/meeting_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("committee").upcoming_first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = can(
            self.request.user, MANAGE, self.request.organisation
        )
        return context


class MeetingDetailView(CachedDocumentMixin, OrganisationScopedMixin, DetailView):
    """A meeting: its agenda, papers and decisions. Once its agenda is
    published the page's document is rendered once per version of what it
    prints and reader class, and kept (`governance/documents.py`)."""

    model = Meeting
    template_name = "decisions/meeting_detail.html"
    document_template_name = "decisions/_meeting_document.html"

    def is_final(self, record):
        return record.agenda_published

    def get_plain_queryset(self):
        return super().get_plain_queryset().select_related("committee__organisation")

    def get_queryset(self):
        return super().get_queryset().select_related("committee__organisation")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "document" not in kwargs:
            context.update(self.get_reader_context())
            context.update(self.get_document_context())
        return context

    def get_reader_context(self):
        user = self.request.user
        return {
            "can_manage": can(user, MANAGE, self.object),
            "can_write_report": can(user, WRITE_REPORT, self.object),
            "can_read_pack": self.object.agenda_pack_readable_by(user),
        }

    def document_flags(self, reader_context):
        # Who sent each pack, and the pack's link, are the document's.
        return (reader_context["can_manage"], reader_context["can_read_pack"])

    def get_document_context(self):
        context = {}
        user = self.request.user
        context["agenda"] = (
            AgendaItem.objects.visible_to(user)
            .filter(meeting=self.object)
            .select_related("report")
        )
        context["visible_report_ids"] = set(
            Report.objects.visible_to(user)
            .filter(agenda_items__meeting=self.object)
            .values_list("pk", flat=True)
        )
        context["decisions"] = (
            DecisionRecord.objects.visible_to(user)
            .filter(meeting=self.object)
            .order_by("title")
        )
        context["can_manage"] = can(user, MANAGE, self.object)
        context["can_review"] = context["can_manage"]
        context["can_read_pack"] = self.object.agenda_pack_readable_by(user)
        context["packs"] = considered.packs_of(self.object, user)
        return context


class MeetingFormMixin:
    model = Meeting
    form_class = MeetingForm
    template_name = "decisions/meeting_form.html"
    #: Recorded in the history.
    reason = None

    def get_form_kwargs(self):
        organisation = (
            self.object.organisation if self.object else self.request.organisation
        )
        return {**super().get_form_kwargs(), "organisation": organisation}

    def form_valid(self, form):
        with transaction.atomic():
            return self.save_valid(form, None)

    def save_valid(self, form, locked):
        """Save the meeting (`locked`: as stored, when it is changed)."""
        meeting = form.save(commit=False)
        # Publishing the agenda (again) sends its papers, in one transaction.
        was_published = locked.agenda_published if locked is not None else False
        published_now = meeting.agenda_published and not was_published
        save_with_reason(meeting, user=self.request.user, reason=str(self.reason))
        sent = published_now and considered.send_papers(
            meeting, user=self.request.user, published_now=True
        )
        messages.success(self.request, _("Meeting saved."))
        if sent:
            messages.success(self.request, sent.message(meeting))
        return redirect(meeting)


class MeetingCreateView(
    CreateOnceMixin, OrganisationActionMixin, MeetingFormMixin, CreateView
):
    permission_action = MANAGE
    reason = gettext_lazy("Meeting added")


class MeetingUpdateView(
    OrganisationScopedMixin, VersionedUpdateMixin, MeetingFormMixin, UpdateView
):
    permission_action = MANAGE
    reason = gettext_lazy("Meeting changed")

    def get_queryset(self):
        return super().get_queryset().select_related("committee__organisation")


class AgendaUpdateView(
    AddAnotherViewMixin, OrganisationScopedMixin, VersionedUpdateMixin, UpdateView
):
    """The agenda of a meeting, edited in place, numbered in its order;
    guarded by the meeting's version (each save of the agenda moves it on)."""

    model = Meeting
    permission_action = MANAGE
    template_name = "decisions/agenda_form.html"
    form_class = VersionOnlyForm

    def get_queryset(self):
        return super().get_queryset().select_related("committee__organisation")

    def get_formset(self):
        return AgendaFormSet(
            self.request.POST if self.request.method == "POST" else None,
            instance=self.object,
            organisation=self.object.organisation,
            queryset=self.object.agenda_items.select_related("report"),
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("formset", self.get_formset())
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        formset = self.get_formset()
        if not formset.is_valid():
            return self.render_to_response(
                self.get_context_data(form=form, formset=formset)
            )
        self.formset = formset
        return super().form_valid(form)

    def save_valid(self, form, locked):
        user = self.request.user
        save_list(self.formset, locked, user=user, reason=_("Agenda changed"))
        # A report added to (or changed on) a published agenda: a supplement.
        sent = considered.send_papers(locked, user=user)
        messages.success(self.request, _("Agenda saved."))
        if sent:
            messages.success(self.request, sent.message(locked))
        return redirect(locked)


# --- reports -----------------------------------------------------------------------


class ReportListView(CurrentOrganisationListMixin, FilterView):
    """The council's reports: where each is placed and what it presents."""

    model = Report
    filterset_class = ReportFilterSet
    paginate_by = 25
    template_name = "decisions/report_list.html"

    def get_queryset(self):
        items = (
            AgendaItem.objects.visible_to(self.request.user)
            .select_related("meeting__committee")
            .order_by("meeting__starts_at")
        )
        return (
            super()
            .get_queryset()
            .prefetch_related(Prefetch("agenda_items", queryset=items))
            .order_by("-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report_subjects.label_subjects(context["report_list"])
        context["can_write_report"] = can(
            self.request.user, WRITE_REPORT, self.request.organisation
        )
        return context


class ReportDetailView(OrganisationScopedMixin, DetailView):
    model = Report
    template_name = "decisions/report_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("report_of", "contact")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["recommendations"] = self.object.recommendations.all()
        context["numbering"] = numbering_for(self.object.organisation_id)
        context["meetings"] = (
            AgendaItem.objects.visible_to(user)
            .filter(report=self.object)
            .select_related("meeting__committee")
        )
        context["can_change"] = can(user, WRITE_REPORT, self.object) and (
            self.object.change_refusal(user) is None
        )
        context["can_manage"] = can(user, MANAGE, self.object)
        context["considered"] = considered.papers_of_report(
            self.object, self.request.user
        )
        subject = report_subjects.subject_of(self.object)
        context["subject"] = subject
        # A report may present a draft (e.g. a strategy put to Cabinet): its
        # paper publishes it as an annex, but the record's own page stays
        # the draft's, so members get the name without a link.
        context["subject_readable"] = report_subjects.readable_by(
            subject, self.request.user
        )
        return context


class ReportFormMixin:
    """Report fields plus its numbered recommendations, saved together."""

    model = Report
    form_class = ReportForm
    template_name = "decisions/report_form.html"
    #: The recommendations a new report starts with (from what it presents).
    recommendation_rows = ()

    def get_form_kwargs(self):
        report = getattr(self, "object", None)
        organisation = report.organisation if report else self.request.organisation
        return {**super().get_form_kwargs(), "organisation": organisation}

    def get_formset(self, instance):
        if self.request.method == "POST":
            return RecommendationFormSet(
                self.request.POST, instance=instance, prefix="recommendations"
            )
        return prefilled(
            RecommendationFormSet,
            self.recommendation_rows,
            instance=instance,
            prefix="recommendations",
            numbering=numbering_for(self.get_form_kwargs()["organisation"].pk),
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("formset", self.get_formset(self.object or Report()))
        return super().get_context_data(**kwargs)

    def form_invalid(self, form, formset=None):
        context = self.get_context_data(
            form=form, formset=formset or self.get_formset(form.instance)
        )
        return self.render_to_response(context)

    def save_report(self, report, formset, reason):
        with transaction.atomic():
            save_with_reason(report, user=self.request.user, reason=reason)
            report_template.save_texts(
                report, report.heading_texts, user=self.request.user, reason=reason
            )
            save_list(formset, report, user=self.request.user, reason=reason)
            # A report on a published agenda, changed: a supplement.
            sent = considered.send_papers_of_report(report, user=self.request.user)
        messages.success(self.request, _("Report saved."))
        for meeting, result in sent:
            messages.success(self.request, result.message(meeting))
        return redirect(report)


class ReportCreateView(
    CreateOnceMixin,
    AddAnotherViewMixin,
    OrganisationActionMixin,
    ReportFormMixin,
    CreateView,
):
    """A new report; "Write a report to committee" on a strategy's, workplan's
    or review's page opens it as `?subject=<the record>`, pre-filled from it."""

    permission_action = WRITE_REPORT

    written = {}

    def get(self, request, *args, **kwargs):
        value = request.GET.get("subject")
        if value:
            found = report_subjects.draft_from(
                value, request.organisation, request.user
            )
            if found is None:
                raise Http404
            self.written, self.recommendation_rows = drafting.report_initial(*found)
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return {**super().get_initial(), **self.written}

    def form_valid(self, form):
        report = form.save(commit=False)
        report.organisation = self.request.organisation
        formset = self.get_formset(report)
        if not formset.is_valid():
            return self.form_invalid(form, formset)
        return self.save_report(report, formset, _("Report added"))


class ReportUpdateView(
    AddAnotherViewMixin,
    OrganisationScopedMixin,
    VersionedUpdateMixin,
    ReportFormMixin,
    UpdateView,
):
    """Officers change a report until its agenda is published; from then on,
    clerks and administrators only (`Report.change_refusal`)."""

    permission_action = WRITE_REPORT

    def get_queryset(self):
        return super().get_queryset().select_related("organisation")

    def get_object(self, queryset=None):
        report = super().get_object(queryset)
        refusal = report.change_refusal(self.request.user)
        if refusal:
            raise PermissionDenied(refusal)
        return report

    def form_valid(self, form):
        formset = self.get_formset(self.object)
        if not formset.is_valid():
            return self.form_invalid(form, formset)
        self.formset = formset
        return super().form_valid(form)

    def refused_now(self):
        """Asked again with the meetings the report is on locked: an agenda
        published meanwhile makes it democratic services' to change."""
        list(
            Meeting.objects.select_for_update(no_key=True, of=("self",)).filter(
                agenda_items__report=self.object
            )
        )
        refusal = self.object.change_refusal(self.request.user)
        if refusal:
            raise PermissionDenied(refusal)
        return None

    def save_valid(self, form, locked):
        report = form.save(commit=False)
        return self.save_report(report, self.formset, _("Report changed"))


# --- decision records -------------------------------------------------------------


class DecisionListView(CurrentOrganisationListMixin, FilterView):
    model = DecisionRecord
    filterset_class = DecisionFilterSet
    paginate_by = 25
    template_name = "decisions/decision_list.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("meeting__committee")
            .order_by("-decision_date", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation = self.request.organisation
        context["can_manage"] = can(self.request.user, MANAGE, organisation)
        # The rows written in Python (`list_rows.py`).
        context["decision_rows"] = decision_rows(context["decisionrecord_list"])
        # The filter panel's committees change only with the committees'
        # part of the council's data mark: the kept form is found by it,
        # with no query for them (`governance.filter_panel`).
        self.filterset.form.choices_key = (
            data_mark(organisation.pk).of("decisions.Committee"),
            organisation.pk,
        )
        return context


class DecisionDetailView(CachedDocumentMixin, OrganisationScopedMixin, DetailView):
    """The decision record, laid out as a council publishes one.

    A published record's document is rendered once per version and reader
    class and kept (`governance/documents.py`); a correction is a new
    version, served at once."""

    model = DecisionRecord
    context_object_name = "decision"
    template_name = "decisions/decision_detail.html"
    document_template_name = "decisions/_decision_document.html"

    def is_final(self, record):
        return record.is_published

    def get_plain_queryset(self):
        return (
            super()
            .get_plain_queryset()
            .select_related("organisation")
            .annotate(
                decides_records=Exists(
                    DecidedRecord.objects.filter(decision=OuterRef("pk"))
                ),
                decides_variations=Exists(
                    DecidedRecord.objects.filter(
                        decision=OuterRef("pk"),
                        content_type__app_label="workplan",
                        content_type__model="variation",
                    )
                ),
            )
        )

    def unprinted_parts(self, record):
        # Its own resolutions, decided records, report, meetings, events and
        # papers (its record mark); no other decision's, nor any workplan's
        # items, reviews or progress. The records it decides print
        # themselves: the kinds a strategy or workplan prints count when it
        # decides any record, a variation's and its item's when it decides
        # a variation (a progress update then moves it: the item's row).
        unprinted = UNPRINTED_BY_DECISIONS
        if not getattr(record, "decides_variations", True):
            unprinted = (*unprinted, *VARIATION_PARTS)
        if not getattr(record, "decides_records", True):
            unprinted = (*unprinted, *DECIDABLE_PARTS)
        return unprinted

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "meeting__committee__organisation",
                "report",
                "call_in_rule__organisation",
                "organisation",
                "call_in_heard_at__committee",
            )
            .prefetch_related(
                "resolutions",
                "decided_records__record",
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["status"] = self.object.current_status()
        if "document" not in kwargs:
            context.update(self.get_reader_context())
            context.update(self.get_document_context())
        return context

    def get_reader_context(self):
        decision, user = self.object, self.request.user
        transitions, blocked = DECISION_PATH.offer(decision, user)
        return {
            "transitions": transitions,
            "blocked": blocked,
            "can_edit": can(user, MANAGE, decision),
        }

    def document_flags(self, reader_context):
        # "Review the exempt information" is the document's.
        return (reader_context["can_edit"],)

    def get_document_context(self):
        decision, user = self.object, self.request.user
        context = {}
        context["events"] = list(
            Event.objects.for_record(decision).prefetch_related(
                GenericPrefetch("link", [Meeting.objects.select_related("committee")])
            )
        )
        context["corrections"] = [
            e for e in context["events"] if e.transition == "correct"
        ]
        context["can_review"] = can(user, MANAGE, decision)
        context["numbering"] = numbering_for(decision.organisation_id)
        context["decided"] = decidable.mark_readable(
            list(decision.decided_records.all()), user
        )
        context["report_visible"] = (
            decision.report_id is not None
            and Report.objects.visible_to(user).filter(pk=decision.report_id).exists()
        )
        return context


class DecisionFormMixin:
    model = DecisionRecord
    template_name = "decisions/decision_form.html"

    def save_decided(self, decision, form, reason):
        """Make the decision's decided records those ticked in the form."""
        if "decides" not in form.fields:
            return
        user = self.request.user
        wanted = form.decided_keys()
        for row in decision.decided_records.all():
            key = (row.content_type_id, row.object_id)
            if key in wanted:
                wanted.discard(key)
            else:
                delete_with_reason(row, user=user, reason=reason)
        for content_type_id, object_id in sorted(wanted):
            save_with_reason(
                DecidedRecord(
                    decision=decision,
                    content_type_id=content_type_id,
                    object_id=object_id,
                ),
                user=user,
                reason=reason,
            )

    def get_form_kwargs(self):
        organisation = (
            self.object.organisation if self.object else self.request.organisation
        )
        return {**super().get_form_kwargs(), "organisation": organisation}

    def get_formset(self, instance):
        return ResolutionFormSet(
            self.request.POST if self.request.method == "POST" else None,
            instance=instance,
            prefix="resolutions",
            numbering=numbering_for(self.get_form_kwargs()["organisation"].pk),
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("formset", self.get_formset(self.object or DecisionRecord()))
        return super().get_context_data(**kwargs)

    def form_invalid(self, form, formset=None):
        context = self.get_context_data(
            form=form, formset=formset or self.get_formset(form.instance)
        )
        return self.render_to_response(context)


class DecisionCreateView(
    CreateOnceMixin,
    AddAnotherViewMixin,
    OrganisationActionMixin,
    DecisionFormMixin,
    CreateView,
):
    form_class = DecisionForm
    permission_action = MANAGE

    def form_valid(self, form):
        decision = form.save(commit=False)
        formset = self.get_formset(decision)
        if not formset.is_valid():
            return self.form_invalid(form, formset)
        with transaction.atomic():
            reason = _("Decision record drafted")
            save_with_reason(decision, user=self.request.user, reason=reason)
            save_list(formset, decision, user=self.request.user, reason=reason)
            self.save_decided(decision, form, reason)
        messages.success(self.request, _("Draft decision record saved."))
        return redirect(decision)


class DecisionFromReportView(DecisionCreateView):
    """ "Record the decision" on a report on the agenda of a meeting that has
    been held: the form starts from the report (title, resolutions from its
    recommendations, reasons, other options, key decision, the record it
    presents) and the meeting (the decision maker and the date)."""

    def dispatch(self, request, *args, **kwargs):
        # Another council's report is not found, whoever asks.
        self.report = get_object_or_404(
            Report.objects.visible_to(request.user).select_related(
                "organisation", "report_of"
            ),
            pk=kwargs["pk"],
        )
        if not can(request.user, MANAGE, self.report):
            raise PermissionDenied(_("Your role does not allow this."))
        items = list(
            self.report.agenda_items.select_related("meeting__committee").order_by(
                "meeting__starts_at"
            )
        )
        held = [item.meeting for item in items if item.meeting.has_been_held]
        wanted = request.GET.get("meeting")
        if wanted:
            held = [meeting for meeting in held if str(meeting.pk) == wanted]
        if not held:
            return render(
                request,
                "decisions/decision_not_yet.html",
                {"report": self.report, "items": items},
                status=409,
            )
        self.meeting = held[-1]
        self.started, self.resolution_rows = drafting.decision_initial(
            self.report, self.meeting
        )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {**super().get_initial(), **self.started}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisation": self.report.organisation}

    def get_formset(self, instance):
        if self.request.method == "POST":
            return super().get_formset(instance)
        return prefilled(
            ResolutionFormSet,
            self.resolution_rows,
            instance=instance,
            prefix="resolutions",
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(from_report=self.report, **kwargs)


class DecisionUpdateView(
    AddAnotherViewMixin,
    OrganisationScopedMixin,
    VersionedUpdateMixin,
    DecisionFormMixin,
    UpdateView,
):
    """Edit a draft; correct a published record (with a reason, shown on it)."""

    permission_action = MANAGE

    def get_queryset(self):
        return super().get_queryset().select_related("organisation")

    def get_form_class(self):
        return DecisionCorrectionForm if self.object.is_published else DecisionForm

    def form_valid(self, form):
        formset = self.get_formset(self.object)
        if not formset.is_valid():
            return self.form_invalid(form, formset)
        self.formset = formset
        return super().form_valid(form)

    def save_valid(self, form, locked):
        decision = form.save(commit=False)
        user = self.request.user
        if locked.is_published:
            reason = _("Correction: %s") % form.cleaned_data["change_reason"]
        else:
            reason = _("Draft changed")
        # Only content changes here; the path's fields stay as stored.
        for field in (
            "status",
            "published_at",
            "published_time_known",
            "call_in_rule",
            "call_in_last_day",
            "call_in_deadline",
            "takes_effect_on",
            "called_in_at",
            "called_in_time_known",
            "called_in_by",
            "call_in_outcome",
        ):
            setattr(decision, field, getattr(locked, field))
        save_with_reason(decision, user=user, reason=reason)
        save_list(self.formset, decision, user=user, reason=reason)
        self.save_decided(decision, form, reason)
        if locked.is_published:
            record_event(
                decision,
                "correct",
                from_status=locked.status,
                to_status=locked.status,
                happened_on=timezone.localdate(),
                user=user,
                comment=form.cleaned_data["change_reason"],
            )
        messages.success(self.request, _("Decision record saved."))
        return redirect(decision)


class DecisionTransitionView(TransitionView):
    """A decision record's steps. Publishing says beforehand what the
    council's rule will set (the call-in deadline and the day it takes
    effect, if published now) and names them afterwards."""

    model = DecisionRecord
    workflow = DECISION_PATH
    related = ("organisation", "meeting__committee__organisation")

    def get_context_data(self, **kwargs):
        if self.transition.name == "publish":
            kwargs.setdefault("preview", publication_preview(self.object))
        return super().get_context_data(**kwargs)

    def done_message(self):
        if self.transition.name == "publish":
            self.object.refresh_from_db()  # as the step saved it
            return _("Published. %(what)s") % {"what": publication_outcome(self.object)}
        return super().done_message()


class ForwardPlanView(CurrentOrganisationListMixin, ListView):
    """Upcoming key decisions, with their intended meetings and notice given."""

    model = Report
    template_name = "decisions/forward_plan.html"

    def get_queryset(self):
        return super().get_queryset().filter(key_decision=True)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entries"] = forward_plan(self.object_list, timezone.now())
        return context


# --- the council's call-in rules and closure days -----------------------------------

#: Committees, call-in rules and closure days: clerks and administrators, or
#: administrators only, as the council chooses (`governance/permissions.py`).
SETTINGS = "manage_democratic_settings"
SETTINGS_REFUSED = gettext_lazy(
    "Your role does not allow you to change the council's committees, call-in "
    "rules or closure days."
)


class CouncilSettingMixin(CouncilPageMixin):
    """Pages that change a council's call-in rules, closure days and
    committees: whoever the council's setting allows."""

    permission_action = SETTINGS
    permission_denied_message = SETTINGS_REFUSED


class CallInRuleCreateView(CreateOnceMixin, CouncilSettingMixin, CreateView):
    form_class = CallInRuleForm
    template_name = "decisions/call_in_rule_form.html"

    def form_valid(self, form):
        rule = form.save(commit=False)
        save_with_reason(rule, user=self.request.user, reason=_("Call-in rule added"))
        messages.success(self.request, _("Call-in rule added."))
        return redirect(self.organisation)


class CallInRuleUpdateView(CouncilSettingMixin, VersionedUpdateMixin, UpdateView):
    """Correct a rule no published decision was judged by. One that was is
    kept as it is (409): a later rule withdraws it from a date."""

    form_class = CallInRuleForm
    template_name = "decisions/call_in_rule_form.html"

    def get_queryset(self):
        return CallInRule.objects.for_organisation(self.organisation)

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if getattr(self, "applied", False):
            response.status_code = 409
        return response

    def get_object(self, queryset=None):
        rule = super().get_object(queryset)
        self.applied = rule.is_applied()
        return rule

    def get_context_data(self, **kwargs):
        return super().get_context_data(applied=self.applied, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.applied:
            return self.render_to_response(self.get_context_data())
        return super().post(request, *args, **kwargs)

    def save_valid(self, form, locked):
        if locked.is_applied():  # a decision was judged by it meanwhile
            self.applied = True
            return self.render_to_response(self.get_context_data(), status=409)
        save_with_reason(
            form.save(commit=False),
            user=self.request.user,
            reason=_("Corrected: %s") % form.cleaned_data["change_reason"],
        )
        messages.success(self.request, _("Call-in rule corrected."))
        return redirect(self.organisation)


class ClosureDayCreateView(CreateOnceMixin, CouncilSettingMixin, FormView):
    """A closure period, entered as a date range: one closure day per date."""

    form_class = ClosurePeriodForm
    template_name = "decisions/closure_day_form.html"

    def form_valid(self, form):
        days = form.cleaned_data["days"]
        with transaction.atomic():
            for day in days:
                closure = save_with_reason(
                    ClosureDay(
                        organisation=self.organisation,
                        date=day,
                        description=form.cleaned_data["description"],
                    ),
                    user=self.request.user,
                    reason=_("Closure day added"),
                )
                self.created_record = self.created_record or closure
        messages.success(
            self.request,
            ngettext(
                "%(count)d closure day added.",
                "%(count)d closure days added.",
                len(days),
            )
            % {"count": len(days)},
        )
        return redirect(self.organisation)


class ClosureDayDeleteView(CouncilSettingMixin, DeleteView):
    template_name = "decisions/closure_day_confirm_delete.html"

    form_takes_organisation = False

    def get_queryset(self):
        return ClosureDay.objects.for_organisation(self.organisation)

    def form_valid(self, form):
        day = self.object
        delete_with_reason(day, user=self.request.user, reason=_("Closure day removed"))
        messages.success(self.request, _("Closure day removed."))
        return redirect(self.organisation)


class BankHolidayWorkedCreateView(CreateOnceMixin, CouncilSettingMixin, FormView):
    """Mark a bank holiday as a working day for the council."""

    form_class = BankHolidayWorkedForm
    template_name = "decisions/bank_holiday_worked_form.html"

    def form_valid(self, form):
        self.created_record = save_with_reason(
            BankHolidayWorked(
                organisation=self.organisation, date=form.cleaned_data["date"]
            ),
            user=self.request.user,
            reason=_("Bank holiday marked as a working day"),
        )
        messages.success(self.request, _("Bank holiday marked as a working day."))
        return redirect(self.organisation)


class BankHolidayWorkedDeleteView(CouncilSettingMixin, DeleteView):
    template_name = "decisions/bank_holiday_worked_confirm_delete.html"

    form_takes_organisation = False

    def get_queryset(self):
        return BankHolidayWorked.objects.for_organisation(
            self.organisation
        ).select_related("organisation")

    def form_valid(self, form):
        delete_with_reason(
            self.object,
            user=self.request.user,
            reason=_("Bank holiday no longer a working day"),
        )
        messages.success(
            self.request, _("The bank holiday is no longer a working day.")
        )
        return redirect(self.organisation)


@paper_view
class DecisionPaperView(PaperView):
    """The decision record as a PDF, on the same access rules as its page."""

    model = DecisionRecord
    paper = papers.DECISION_RECORD

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("organisation", "meeting__committee", "report")
        )


@paper_view
class ReportPaperView(PaperView):
    """The committee report with its annexes, on the report page's rules."""

    model = Report
    paper = papers.COMMITTEE_REPORT

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("organisation", "report_of", "contact")
            .prefetch_related("agenda_items__meeting__committee")
        )

    def render_to_response(self, context, **response_kwargs):
        """Once the meeting the report is headed for has published its
        agenda, its paper is the one sent to that meeting."""
        meeting = papers.report_meeting(self.object)
        if meeting is not None and meeting.agenda_published:
            sent = considered.latest_report_paper(self.object, meeting)
            if sent is not None:
                return serve_paper(self.request, papers.CONSIDERED_PAPER, sent)
        return super().render_to_response(context, **response_kwargs)


@paper_view
class MeetingPackView(PaperView):
    """A meeting's agenda pack (rendered in the background). Members read it
    once the agenda is published; before that it is not there for them."""

    model = Meeting
    paper = papers.AGENDA_PACK

    def get_queryset(self):
        return super().get_queryset().select_related("committee__organisation")

    def get_object(self, queryset=None):
        meeting = super().get_object(queryset)
        if not meeting.agenda_pack_readable_by(self.request.user):
            raise Http404
        return meeting

    def render_to_response(self, context, **response_kwargs):
        """A published agenda's pack is the one sent when it was published."""
        if self.object.agenda_published:
            sent = considered.original_pack(self.object)
            if sent is not None:
                return serve_paper(self.request, papers.CONSIDERED_PAPER, sent)
        return super().render_to_response(context, **response_kwargs)


@paper_view
class MeetingPublicPackView(PaperView):
    """The public's version of a meeting's agenda pack: exempt items keep
    their place with a notice and no content (`agenda_pack_parts(public=
    True)`). Readable here by whoever reads the agenda pack; the public site
    serves the same stored paper."""

    model = Meeting
    paper = papers.PUBLIC_AGENDA_PACK

    def get_queryset(self):
        return super().get_queryset().select_related("committee__organisation")

    def get_object(self, queryset=None):
        meeting = super().get_object(queryset)
        if not meeting.agenda_pack_readable_by(self.request.user):
            raise Http404
        return meeting


@paper_view
class ConsideredPaperView(PaperView):
    """A paper as sent for a meeting (its pack, a supplement or a report):
    for whoever may read that meeting's agenda pack (members once the agenda
    is published); the same bytes every time."""

    model = ConsideredPaper
    paper = papers.CONSIDERED_PAPER

    def get_queryset(self):
        return super().get_queryset().select_related("meeting__committee")


class CommitteeListView(CouncilPageMixin, ListView):
    """The council's committees with their members and contact officers:
    everyone in the council reads it; the council's setting says who changes
    them."""

    permission_action = "view"
    template_name = "decisions/committee_list.html"
    form_takes_organisation = False

    def get_queryset(self):
        # Two queries however many committees and members: the committees,
        # then their members with any linked account.
        return Committee.objects.for_organisation(self.organisation).prefetch_related(
            Prefetch(
                "members",
                queryset=CommitteeMember.objects.select_related("membership__user"),
            )
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_manage=can(self.request.user, SETTINGS, self.organisation), **kwargs
        )


#: At most this many meetings (coming, and past) and decisions on a
#: committee's page; the rest are in the lists, filtered by the committee.
COMMITTEE_PAGE_ROWS = 10


class CommitteeDetailView(CouncilPageMixin, DetailView):
    """A committee as people look it up: who sits on it and who to contact,
    its meetings to come (soonest first) and past (most recent first), its
    decisions and the key decisions it is to take. Everyone in the council
    reads it; each list shows only what the person may open."""

    permission_action = "view"
    template_name = "decisions/committee_detail.html"
    context_object_name = "committee"

    def get_queryset(self):
        committees = Committee.objects.for_organisation(self.organisation)
        return committees.select_related("organisation").prefetch_related(
            Prefetch(
                "members",
                queryset=CommitteeMember.objects.annotate(
                    seniority=Case(
                        When(role=CommitteeMember.Role.CHAIR, then=0),
                        When(role=CommitteeMember.Role.VICE_CHAIR, then=1),
                        default=2,
                    )
                ).order_by("seniority", "name"),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, committee, now = self.request.user, self.object, timezone.now()
        meetings = Meeting.objects.visible_to(user).filter(committee=committee)
        context["upcoming_meetings"] = list(
            meetings.filter(starts_at__gte=now).order_by("starts_at")[
                :COMMITTEE_PAGE_ROWS
            ]
        )
        context["past_meetings"] = list(
            meetings.filter(starts_at__lt=now).order_by("-starts_at")[
                :COMMITTEE_PAGE_ROWS
            ]
        )
        context["decisions"] = list(
            DecisionRecord.objects.visible_to(user)
            .filter(meeting__committee=committee)
            .select_related("meeting")
            .order_by("-decision_date", "-pk")[:COMMITTEE_PAGE_ROWS]
        )
        key_decisions = (
            Report.objects.visible_to(user)
            .for_organisation(self.organisation)
            .filter(
                key_decision=True,
                agenda_items__meeting__committee=committee,
                agenda_items__meeting__starts_at__gte=now,
            )
            .distinct()
            .select_related("report_of")
        )
        context["forward_plan"] = [
            entry
            for entry in forward_plan(key_decisions, now)
            if entry.meeting is not None and entry.meeting.committee_id == committee.pk
        ]
        context["rows"] = COMMITTEE_PAGE_ROWS
        context["can_manage"] = can(user, SETTINGS, self.organisation)
        return context


class CommitteeMixin(AddAnotherViewMixin):
    """Add or change a committee with its members (one transaction, one
    history row each)."""

    model = Committee
    form_class = CommitteeForm
    permission_action = SETTINGS
    permission_denied_message = SETTINGS_REFUSED
    noun = gettext_lazy("committee")
    template_name = "decisions/committee_form.html"

    def get_formset(self, instance):
        return CommitteeMemberFormSet(
            self.request.POST if self.request.method == "POST" else None,
            instance=instance,
            prefix="members",
            organisation=self.organisation,
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("formset", self.get_formset(self.object or Committee()))
        return super().get_context_data(**kwargs)

    def form_invalid(self, form, formset=None):
        formset = formset or self.get_formset(form.instance)
        formset.is_valid()
        return self.render_to_response(
            self.get_context_data(form=form, formset=formset)
        )

    def form_valid(self, form):
        formset = self.get_formset(form.instance)
        if not formset.is_valid():
            return self.form_invalid(form, formset)
        self.formset = formset
        return super().form_valid(form)

    def save_valid(self, form, locked=None):
        committee = form.save(commit=False)
        adding = committee.pk is None
        reason = _("Committee added") if adding else form.cleaned_data["change_reason"]
        save_with_reason(committee, user=self.request.user, reason=reason)
        save_formset_with_reason(
            self.formset, committee, user=self.request.user, reason=reason
        )
        messages.success(
            self.request, _("Committee “%(name)s” saved.") % {"name": committee.name}
        )
        return redirect("decisions:committee_list", self.organisation.slug)


class CommitteeCreateView(CreateOnceMixin, CommitteeMixin, CouncilRecordCreateView):
    pass


class CommitteeUpdateView(CommitteeMixin, CouncilRecordUpdateView):
    pass


class NumberingSettingsView(CouncilPageMixin, VersionedUpdateMixin, UpdateView):
    """How the council numbers recommendations and resolutions: part of its
    democratic settings, kept by whoever keeps its committees."""

    form_class = NumberingSettingsForm
    permission_action = SETTINGS
    permission_denied_message = gettext_lazy(
        "Your role does not allow you to change the council's democratic settings."
    )
    form_takes_organisation = False
    template_name = "decisions/numbering_settings.html"

    def get_object(self, queryset=None):
        return NumberingSettings.objects.filter(
            organisation=self.organisation
        ).first() or NumberingSettings(organisation=self.organisation)

    def save_valid(self, form, locked):
        save_with_reason(
            form.save(commit=False),
            user=self.request.user,
            reason=form.cleaned_data["change_reason"],
        )
        messages.success(self.request, _("Numbering saved."))
        return redirect(self.organisation)


# --- the council's report template ---------------------------------------------------


class ReportTemplateMixin(CouncilPageMixin):
    """The council's report template: part of its democratic settings, kept
    by whoever keeps its committees (clerks too, unless the council says
    administrators only). Clerks can always read it (`ReportTemplateView`)."""

    permission_action = SETTINGS
    permission_denied_message = gettext_lazy(
        "Your role does not allow you to change the council's democratic settings."
    )

    def get_success_url(self):
        return reverse("decisions:report_template", args=[self.organisation.slug])


class ReportTemplateView(ReportTemplateMixin, TemplateView):
    template_name = "decisions/report_template.html"
    permission_action = MANAGE
    permission_denied_message = gettext_lazy(
        "Only the council's clerks and administrators can see its report template."
    )

    def get_context_data(self, **kwargs):
        headings = ReportHeading.objects.for_organisation(self.organisation).order_by(
            "position", "pk"
        )
        in_use = [heading for heading in headings if not heading.retired]
        return super().get_context_data(
            template=report_template.template_of(self.organisation),
            implications=[h for h in in_use if h.is_implication],
            sections=[h for h in in_use if not h.is_implication],
            retired=[heading for heading in headings if heading.retired],
            can_change=can(self.request.user, SETTINGS, self.organisation),
            **kwargs,
        )


class ReportTemplateSettingsView(ReportTemplateMixin, VersionedUpdateMixin, UpdateView):
    form_class = ReportTemplateForm
    template_name = "decisions/report_template_form.html"
    form_takes_organisation = False

    def get_object(self, queryset=None):
        return report_template.template_of(self.organisation)

    def save_valid(self, form, locked):
        save_with_reason(
            form.save(commit=False),
            user=self.request.user,
            reason=_("Report template changed"),
        )
        messages.success(self.request, _("Report template saved."))
        return redirect(self.get_success_url())


class ReportHeadingMixin(ReportTemplateMixin):
    model = ReportHeading
    form_class = ReportHeadingForm
    noun = gettext_lazy("heading")


class ReportHeadingCreateView(
    CreateOnceMixin, ReportHeadingMixin, CouncilRecordCreateView
):
    pass


class ReportHeadingUpdateView(ReportHeadingMixin, CouncilRecordUpdateView):
    pass


class ReportHeadingMoveView(ReportTemplateMixin, View):
    """Move a heading up or down its list (a button on the template page)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        heading = get_object_or_404(
            ReportHeading.objects.for_organisation(self.organisation), pk=kwargs["pk"]
        )
        direction = {"up": -1, "down": 1}.get(request.POST.get("direction"))
        if direction is None:
            raise Http404
        report_template.move(heading, direction, user=request.user)
        return redirect(self.get_success_url())
