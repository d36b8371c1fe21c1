"""Strategies: the list, the reading page, drafting, amendment, history.

Who may change a strategy, and in which state, is `governance.policy.STRATEGY`
(content only in draft; an approved strategy by a minor amendment under
delegated powers or by a replacement); every page here asks it.
"""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db import transaction
from django.db.models import Max, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, UpdateView
from django_filters.views import FilterView

from decisions import considered
from decisions.models import DecidedRecord, DecisionRecord, Meeting
from governance.data_mark import HAPPENED_TO_THE_RECORD, REPORT_TEXT
from governance.documents import CachedDocumentMixin
from governance.events import Event
from governance.forms import VersionOnlyForm
from governance.history import (
    HistorySource,
    compare_snapshots,
    delete_with_reason,
    history_entries,
    save_with_reason,
)
from governance.lifecycle import (
    ADOPTED,
    ApprovedVersion,
    MinorAmendment,
)
from governance.mixins import (
    CurrentOrganisationListMixin,
    OrganisationScopedMixin,
    VersionedUpdateMixin,
)
from governance.ordered_lists import AddAnotherViewMixin, save_list
from governance.ordering import CannotMove, move
from governance.policy import STRATEGY, PolicyCreateMixin, PolicyMixin
from governance.submissions import CreateOnceMixin
from governance.versioned import lock, move_on
from governance.views import PaperView, TransitionView, paper_view
from workplan.delivery import delivery_of

from . import papers
from .filtersets import StrategyFilterSet
from .forms import (
    AmendmentForm,
    CompareVersionsForm,
    ObjectiveForm,
    ObjectiveFormSet,
    ReplacementForm,
    RiskFormSet,
    StrategyForm,
    ThemeForm,
    ThemeUpdateForm,
)
from .journey import journey_of
from .lifecycle import STRATEGY_LIFECYCLE
from .models import Objective, Risk, Strategy, Theme
from .versions import compare, versions_of

#: What an adopted strategy's page prints only as the strategy's own
#: (`governance.documents.CachedDocumentMixin.unprinted_parts`): the rows
#: of the workplans delivering it, its events, amendments and papers, and
#: nothing of reports, resolutions or decided records.
UNPRINTED_BY_STRATEGIES = (
    *HAPPENED_TO_THE_RECORD,
    *REPORT_TEXT,
    "decisions.AgendaItem",
    "decisions.DecidedRecord",
    "decisions.DecisionRecord",
    "decisions.Report",
    "decisions.Resolution",
    "workplan.ProgressUpdate",
    "workplan.Review",
    "workplan.Variation",
    "workplan.Workplan",
    "workplan.WorkplanItem",
)


class StrategyListView(CurrentOrganisationListMixin, FilterView):
    model = Strategy
    filterset_class = StrategyFilterSet
    paginate_by = 25
    template_name = "strategy/strategy_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = STRATEGY.allows(
            self.request.user, "create", self.request.organisation
        )
        return context


class StrategyDetailView(CachedDocumentMixin, OrganisationScopedMixin, DetailView):
    """The strategy as a document, with the actions open to the reader.

    An adopted strategy's document is rendered once per version and reader
    class and kept (`governance/documents.py`); a draft's page is built in
    full every time."""

    model = Strategy
    template_name = "strategy/strategy_detail.html"
    document_template_name = "strategy/_strategy_document.html"
    has_follow_button = True

    def is_final(self, record):
        return record.status in ADOPTED

    def get_plain_queryset(self):
        # The steps offered to the reader read the approving decision's
        # meeting (an amendment's rule, `governance.policy.STRATEGY`).
        return (
            super()
            .get_plain_queryset()
            .select_related("organisation", "approving_decision__meeting")
        )

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "organisation",
                "replaces",
                "cabinet_member",
                "director",
                "lead_officer__user",
                "scrutiny_meeting__committee",
                "approving_decision__meeting__committee",
            )
            .prefetch_related(
                Prefetch(
                    "themes",
                    queryset=Theme.objects.prefetch_related("objectives"),
                ),
                "risks",
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "document" not in kwargs:
            context.update(self.get_reader_context())
            context.update(self.get_document_context())
        return context

    def get_reader_context(self):
        strategy, user = self.object, self.request.user
        transitions, blocked = STRATEGY_LIFECYCLE.offer(strategy, user)
        return {
            "transitions": transitions,
            "blocked": blocked,
            "can_edit": STRATEGY.allows(user, "edit", strategy),
            "can_amend": STRATEGY.allows(user, "amend", strategy),
            "can_replace": STRATEGY.allows(user, "prepare_replacement", strategy),
        }

    def document_flags(self, reader_context):
        # The themes' editing links are the document's.
        return (reader_context["can_edit"],)

    def unprinted_parts(self, record):
        # Its own workplans' items, reviews, progress and variations, and its
        # own events and papers (its record mark): not another strategy's.
        return UNPRINTED_BY_STRATEGIES

    def get_document_context(self):
        context = {}
        context["papers_final"] = self.object.status in ADOPTED
        strategy, user = self.object, self.request.user
        context["can_edit"] = STRATEGY.allows(user, "edit", strategy)
        context["events"] = list(
            Event.objects.for_record(strategy).prefetch_related(
                GenericPrefetch(
                    "link",
                    [
                        Meeting.objects.select_related("committee"),
                        DecisionRecord.objects.all(),
                    ],
                )
            )
        )
        context["amendments"] = list(MinorAmendment.for_record(strategy))
        context["considered"] = considered.papers_presenting(strategy, user)
        context["approved_version"] = ApprovedVersion.latest_for(strategy)
        context["replacements"] = list(
            Strategy.objects.visible_to(user).filter(replaces=strategy)
        )
        context["decided_by"] = list(
            DecidedRecord.objects.filter(
                content_type=ContentType.objects.get_for_model(Strategy),
                object_id=strategy.pk,
                decision__in=strategy.organisation.decisions.visible_to(user),
            ).select_related("decision")
        )
        context["deliveries"] = delivery_of(strategy, user)
        context["journey"] = journey_of(
            strategy,
            user,
            events=context["events"],
            amendments=context["amendments"],
            deliveries=context["deliveries"],
            replacements=context["replacements"],
        )
        return context


class StrategyCreateView(CreateOnceMixin, PolicyCreateMixin, CreateView):
    model = Strategy
    form_class = StrategyForm
    policy = STRATEGY
    template_name = "strategy/strategy_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisation": self.request.organisation}

    def form_valid(self, form):
        strategy = form.save(commit=False)
        strategy.created_by = self.request.user
        save_with_reason(strategy, user=self.request.user, reason=_("Drafted"))
        messages.success(self.request, _("Draft strategy created."))
        return redirect(strategy)


class StrategyActionMixin(PolicyMixin):
    """Pages that change a strategy: `governance.policy.STRATEGY` decides
    (by default, "edit": its officers, while a draft). The strategy is
    `self.strategy`."""

    policy = STRATEGY
    policy_action = "edit"
    policy_model = Strategy
    policy_related = ("organisation", "approving_decision__meeting")

    def get_policy_record(self):
        self.policy_lookup = "strategy_pk" if "strategy_pk" in self.kwargs else "pk"
        self.strategy = super().get_policy_record()
        return self.strategy


class StrategyUpdateView(
    StrategyActionMixin, OrganisationScopedMixin, VersionedUpdateMixin, UpdateView
):
    model = Strategy
    form_class = StrategyForm
    template_name = "strategy/strategy_form.html"

    def get_queryset(self):
        return super().get_queryset().select_related("organisation")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisation": self.object.organisation}

    def save_valid(self, form, locked):
        strategy = form.save(commit=False)
        save_with_reason(strategy, user=self.request.user, reason=_("Draft changed"))
        messages.success(self.request, _("Draft saved."))
        return redirect(strategy)


class StrategyAmendView(
    StrategyActionMixin, OrganisationScopedMixin, VersionedUpdateMixin, UpdateView
):
    """A minor amendment under delegated powers: reason and authorising officer."""

    model = Strategy
    form_class = AmendmentForm
    policy_action = "amend"
    template_name = "strategy/strategy_amend.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("organisation", "approving_decision__meeting")
        )

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "organisation": self.object.organisation,
            "user": self.request.user,
        }

    def save_valid(self, form, locked):
        strategy = form.save(commit=False)
        reason = form.cleaned_data["change_reason"]
        save_with_reason(
            strategy,
            user=self.request.user,
            reason=_("Minor amendment under delegated powers: %s") % reason,
        )
        MinorAmendment.objects.create(
            content_type=ContentType.objects.get_for_model(Strategy),
            object_id=strategy.pk,
            made_on=form.cleaned_data["made_on"],
            made_by=self.request.user,
            authorised_by=form.cleaned_data["authorised_by"],
            reason=reason,
            fields_changed=form.changed_content(),
        )
        messages.success(self.request, _("Minor amendment recorded."))
        return redirect(strategy)


class StrategyTransitionView(TransitionView):
    model = Strategy
    workflow = STRATEGY_LIFECYCLE
    related = ("organisation",)


# --- themes, objectives and risks, from the strategy's own page -------------------


class ThemeFormMixin(AddAnotherViewMixin):
    """A theme and its objectives (an "add another" list), saved together."""

    form_class = ThemeForm
    template_name = "strategy/theme_form.html"

    def get_formset(self):
        return ObjectiveFormSet(
            self.request.POST if self.request.method == "POST" else None,
            instance=self.object or Theme(strategy=self.strategy),
            prefix="objectives",
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("formset", self.get_formset())
        return super().get_context_data(strategy=self.strategy, **kwargs)


class ThemeCreateView(CreateOnceMixin, ThemeFormMixin, StrategyActionMixin, CreateView):
    """A new theme (with its objectives) at the end of a draft's themes."""

    reason = gettext_lazy("Theme added")

    def form_valid(self, form):
        formset = self.get_formset()
        if not formset.is_valid():
            return self.render_to_response(
                self.get_context_data(form=form, formset=formset)
            )
        theme = form.save(commit=False)
        with transaction.atomic():
            # Still a draft, asked on the locked strategy; a form on the
            # strategy loaded before the theme was added is then refused.
            refusal = self.policy_refusal_now()
            if refusal is not None:
                return refusal
            theme.strategy = self.strategy
            last = self.strategy.themes.aggregate(last=Max("position"))["last"]
            theme.position = (last or 0) + 1
            save_with_reason(theme, user=self.request.user, reason=self.reason)
            save_list(formset, theme, user=self.request.user, reason=self.reason)
            move_on(self.strategy)
        messages.success(self.request, _("Theme saved."))
        return redirect(self.strategy)


class ThemeUpdateView(
    ThemeFormMixin, StrategyActionMixin, VersionedUpdateMixin, UpdateView
):
    """A theme and its objectives, guarded by the theme's version; the
    strategy must still be a draft when the save is made."""

    form_class = ThemeUpdateForm
    reason = gettext_lazy("Theme changed")

    def get_queryset(self):
        return self.strategy.themes.all()

    def form_valid(self, form):
        formset = self.get_formset()
        if not formset.is_valid():
            return self.render_to_response(
                self.get_context_data(form=form, formset=formset)
            )
        self.formset = formset
        return VersionedUpdateMixin.form_valid(self, form)

    def save_valid(self, form, locked):
        theme = form.save(commit=False)
        save_with_reason(theme, user=self.request.user, reason=self.reason)
        save_list(self.formset, theme, user=self.request.user, reason=self.reason)
        messages.success(self.request, _("Theme saved."))
        return redirect(self.strategy)


class ObjectiveCreateView(CreateOnceMixin, StrategyActionMixin, CreateView):
    form_class = ObjectiveForm
    template_name = "strategy/objective_form.html"

    def get_theme(self):
        return get_object_or_404(self.strategy.themes, pk=self.kwargs["theme_pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            strategy=self.strategy, theme=self.get_theme(), **kwargs
        )

    def form_valid(self, form):
        objective = form.save(commit=False)
        with transaction.atomic():
            refusal = self.policy_refusal_now()
            if refusal is not None:
                return refusal
            # The theme's version guards its list of objectives (the theme's
            # own form): a theme form loaded before this is then refused.
            theme = lock(self.get_theme())
            objective.theme = theme
            last = theme.objectives.aggregate(last=Max("position"))["last"] or 0
            objective.position = last + 1
            save_with_reason(
                objective, user=self.request.user, reason=_("Objective added")
            )
            move_on(theme)
        messages.success(self.request, _("Objective added."))
        return redirect(self.strategy)


class MoveView(StrategyActionMixin, View):
    """Move a theme or an objective one place up or down (POST only)."""

    http_method_names = ["post"]

    def siblings(self):
        raise NotImplementedError

    def list_parent(self):
        """The record whose version guards the list (see `docs/edits.md`)."""
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            with transaction.atomic():
                parent = lock(self.list_parent())
                move(
                    self.siblings(),
                    kwargs["pk"],
                    request.POST.get("direction"),
                    user=request.user,
                )
                move_on(parent)
        except CannotMove as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("Order changed."))
        return redirect(self.strategy)


class ThemeMoveView(MoveView):
    def siblings(self):
        return Theme.objects.filter(strategy=self.strategy)

    def list_parent(self):
        return self.strategy


class ObjectiveMoveView(MoveView):
    def siblings(self):
        return Objective.objects.filter(
            theme__strategy=self.strategy, theme_id=self.kwargs["theme_pk"]
        )

    def list_parent(self):
        return get_object_or_404(self.strategy.themes, pk=self.kwargs["theme_pk"])


class RemoveView(StrategyActionMixin, DetailView):
    """Confirm, then remove a theme (with its objectives) or an objective."""

    template_name = "strategy/confirm_remove.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(strategy=self.strategy, **kwargs)

    def post(self, request, *args, **kwargs):
        row = self.get_object()
        with transaction.atomic():
            # The list it leaves moves on: a form on the strategy (a theme
            # removed) or on the theme (an objective) loaded before is refused.
            parent = lock(row.strategy if isinstance(row, Theme) else row.theme)
            if isinstance(row, Theme):
                for objective in row.objectives.all():
                    delete_with_reason(
                        objective, user=request.user, reason=_("Removed with its theme")
                    )
            delete_with_reason(row, user=request.user, reason=_("Removed"))
            move_on(parent)
        messages.success(request, _("Removed."))
        return redirect(self.strategy)


class ThemeRemoveView(RemoveView):
    def get_queryset(self):
        return Theme.objects.filter(strategy=self.strategy)


class ObjectiveRemoveView(RemoveView):
    def get_queryset(self):
        return Objective.objects.filter(
            theme__strategy=self.strategy, theme_id=self.kwargs["theme_pk"]
        )


class RisksUpdateView(
    AddAnotherViewMixin, StrategyActionMixin, VersionedUpdateMixin, UpdateView
):
    """The strategy's risks, edited together, guarded by the strategy's
    version (each save of the risks moves it on)."""

    form_class = VersionOnlyForm
    template_name = "strategy/risks_form.html"

    def get_object(self, queryset=None):
        return self.strategy

    def get_formset(self):
        return RiskFormSet(
            self.request.POST if self.request.method == "POST" else None,
            instance=self.strategy,
            prefix="risks",
            queryset=self.strategy.risks.order_by("position", "pk"),
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
        save_list(
            self.formset, locked, user=self.request.user, reason=_("Risks changed")
        )
        messages.success(self.request, _("Risks saved."))
        return redirect(self.strategy)


class PrepareReplacementView(CreateOnceMixin, StrategyActionMixin, FormView):
    """Start the next version of an approved strategy: a new draft with its
    content, under the title the officer chooses."""

    policy_action = "prepare_replacement"
    form_class = ReplacementForm
    template_name = "strategy/prepare_replacement.html"

    def get_initial(self):
        return {"title": self.strategy.title}

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.strategy, **kwargs)

    def form_valid(self, form):
        old = self.strategy
        with transaction.atomic():
            refusal = self.policy_refusal_now()
            if refusal:
                return refusal
            new = copy_strategy(
                old, self.request.user, title=form.cleaned_data["title"]
            )
        self.created_record = new
        messages.success(
            self.request,
            _("%(version)s drafted, to replace %(old)s.")
            % {"version": new.version_label, "old": old.version_label.lower()},
        )
        return redirect(new)


def copy_strategy(old, user, *, title):
    """A new draft called `title`, the next version of `old`, with `old`'s
    content, themes, objectives and risks."""
    reason = _("Prepared to replace %(version)s, %(title)s") % {
        "version": old.version_label.lower(),
        "title": old.title,
    }
    new = Strategy(
        organisation=old.organisation,
        replaces=old,
        created_by=user,
        cabinet_member=old.cabinet_member,
        director=old.director,
        lead_officer=old.lead_officer,
        review_months=old.review_months,
        **{name: getattr(old, name) for name in Strategy.CONTENT_FIELDS},
    )
    new.title = title
    save_with_reason(new, user=user, reason=reason)
    for theme in old.themes.prefetch_related("objectives"):
        copy = Theme(
            strategy=new,
            position=theme.position,
            title=theme.title,
            description=theme.description,
            corporate_priority=theme.corporate_priority,
        )
        save_with_reason(copy, user=user, reason=reason)
        for objective in theme.objectives.all():
            save_with_reason(
                Objective(theme=copy, position=objective.position, text=objective.text),
                user=user,
                reason=reason,
            )
    for risk in old.risks.all():
        risk.pk = None
        risk.id = None
        risk._state.adding = True
        risk.strategy = new
        save_with_reason(risk, user=user, reason=reason)
    return new


class StrategyVersionsView(OrganisationScopedMixin, DetailView):
    """The versions of a strategy's line, and any two of them compared side
    by side (their texts as approved; a draft's text now, for those who may
    read drafts). The two are chosen in the query string."""

    model = Strategy
    template_name = "strategy/strategy_versions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        versions = versions_of(self.object, self.request.user)
        chosen = {"compare", "against"} & self.request.GET.keys()
        form = CompareVersionsForm(
            self.request.GET if chosen else None,
            versions=versions,
            initial=suggested_pair(versions, self.object),
        )
        context.update(versions=versions, form=form)
        if form.is_valid():
            earlier, later = form.chosen()
            context.update(
                earlier=earlier, later=later, sections=compare(earlier, later)
            )
        return context


def suggested_pair(versions, strategy):
    """This version and the one before it (or after it, for the first)."""
    numbers = [version.number for version in versions]
    if len(numbers) < 2:
        return {}
    here = numbers.index(strategy.version_number)
    other = numbers[here - 1] if here > 0 else numbers[1]
    return {"compare": min(other, numbers[here]), "against": max(other, numbers[here])}


# --- history and the text as approved ------------------------------------------------


class StrategyHistoryView(OrganisationScopedMixin, DetailView):
    """Who changed what, when and why: the strategy, its themes, objectives, risks.

    One query per kind of row, however long the history.
    """

    model = Strategy
    template_name = "governance/history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        strategy = self.object
        theme_ids = Theme.history.filter(strategy_id=strategy.pk).values("id")
        sources = [
            HistorySource(
                strategy.history.select_related("history_user"),
                Strategy.CONTENT_FIELDS + ["status"],
                lambda row: _("The strategy"),
            ),
            HistorySource(
                Theme.history.filter(strategy_id=strategy.pk).select_related(
                    "history_user"
                ),
                ["position", "title", "description", "corporate_priority"],
                lambda row: _("Theme “%s”") % row.title,
                name=lambda row: row.title,
            ),
            HistorySource(
                Objective.history.filter(theme_id__in=theme_ids).select_related(
                    "history_user"
                ),
                ["position", "text"],
                lambda row: _("Objective “%s”") % row.text[:60],
                name=lambda row: Truncator(row.text).chars(120),
            ),
            HistorySource(
                Risk.history.filter(strategy_id=strategy.pk).select_related(
                    "history_user"
                ),
                [
                    "description",
                    "likelihood",
                    "impact",
                    "mitigation",
                    "owner",
                    "review_frequency",
                ],
                lambda row: _("Risk “%s”") % row.description[:60],
                name=lambda row: Truncator(row.description).chars(120),
            ),
        ]
        context["entries"] = history_entries(sources)
        context["events"] = list(
            Event.objects.for_record(strategy).prefetch_related(
                GenericPrefetch(
                    "link",
                    [
                        Meeting.objects.select_related("committee"),
                        DecisionRecord.objects.all(),
                    ],
                )
            )
        )
        context["amendments"] = list(MinorAmendment.for_record(strategy))
        context["show_path"] = True
        return context


class StrategyAsApprovedView(OrganisationScopedMixin, DetailView):
    """The strategy as approved beside the text now, differences marked."""

    model = Strategy
    template_name = "governance/compare.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related(
                Prefetch(
                    "themes", queryset=Theme.objects.prefetch_related("objectives")
                ),
                "risks",
            )
        )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        approved = ApprovedVersion.latest_for(self.object)
        if approved is None:
            raise Http404(_("It has not been approved."))
        context = self.get_context_data(
            approved=approved,
            sections=compare_snapshots(approved.data, self.object.snapshot()),
            amendments=list(MinorAmendment.for_record(self.object)),
        )
        return self.render_to_response(context)


# --- papers ---------------------------------------------------------------------


class StrategyPaperMixin:
    """A strategy's paper, on the strategy page's rules (members read only
    what was approved)."""

    model = Strategy

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("organisation", "approving_decision__meeting")
        )


@paper_view
class StrategyPaperView(StrategyPaperMixin, PaperView):
    paper = papers.STRATEGY


@paper_view
class StrategyOnAPagePaperView(StrategyPaperMixin, PaperView):
    paper = papers.STRATEGY_ON_A_PAGE
