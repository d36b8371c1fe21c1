"""Workplans and their items: the list that officers work in, exports,
item editing, progress updates and the lifecycle.
"""

from django.contrib import messages
from django.contrib.postgres.aggregates import ArrayAgg
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Max, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from decisions import considered
from governance.data_mark import data_mark
from governance.documents import CachedDocumentMixin
from governance.downloads import XLSX, attachment
from governance.forms import VersionOnlyForm
from governance.history import save_formset_with_reason, save_with_reason
from governance.kept_queries import kept_query, reader_key, reader_stand_in
from governance.lifecycle import LifecycleStatus
from governance.links import pk_url
from governance.mixins import (
    CouncilPageMixin,
    CurrentOrganisationListMixin,
    OrganisationScopedMixin,
    VersionedUpdateMixin,
)
from governance.notifications import following_expression
from governance.ordering import CannotMove, move
from governance.policy import (
    ITEM,
    REVIEW,
    WORKPLAN,
    PolicyCreateMixin,
    PolicyMixin,
)
from governance.submissions import (
    NO_TOKEN,
    Collision,
    CreateOnceMixin,
    posted_token,
)
from governance.versioned import lock, move_on
from governance.views import (
    CouncilRecordCreateView,
    CouncilRecordUpdateView,
    PaperView,
    TransitionView,
    paper_view,
)

from . import (
    exports,
    import_mapping,
    importers,
    item_rows,
    kept_rows,
    papers,
    reviews,
    spreadsheet_reader,
    summary,
    variations,
)
from .choices import Confidence
from .filtersets import CHOICES_READ, ItemFilterSet
from .forms import (
    DepartmentForm,
    ImportAdditionForm,
    ImportColumnsForm,
    ImportForm,
    ImportValuesForm,
    ImportVariationForm,
    ItemAdditionForm,
    ItemForm,
    ItemVariationForm,
    MilestoneFormSet,
    ProgressForm,
    ProgressUpdateForm,
    RemovalForm,
    VariationSettingsForm,
    WorkplanForm,
    WorkplanSettingsForm,
    WorkplanUpdateForm,
)
from .lifecycle import ITEM_LIFECYCLE, WORKPLAN_LIFECYCLE
from .models import (
    Department,
    ImportUpload,
    ProgressNote,
    ProgressUpdate,
    Review,
    Variation,
    Workplan,
    WorkplanItem,
    WorkplanSettings,
)
from .reviews import record_update

ITEMS_PER_PAGE = 50
DRAFT_STATES = {LifecycleStatus.DRAFT}
VARIATION_STATES = variations.VARIATION_STATES
is_varied = variations.is_varied


def record_variation(workplan, item, kind, form, user, changes=()):
    """The variation a form describes (reason, with whom and when agreed; an
    item's addition is agreed afterwards)."""
    return variations.record(
        workplan,
        item,
        kind,
        reason=form.cleaned_data["variation_reason"],
        agreed_with=form.cleaned_data.get("agreed_with", ""),
        agreed_on=form.cleaned_data.get("agreed_on"),
        user=user,
        changes=changes,
    )


class WorkplanListView(CurrentOrganisationListMixin, ListView):
    model = Workplan
    template_name = "workplan/workplan_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("strategy")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = WORKPLAN.allows(
            self.request.user, "create", self.request.organisation
        )
        return context


class WorkplanCreateView(CreateOnceMixin, PolicyCreateMixin, CreateView):
    model = Workplan
    form_class = WorkplanForm
    policy = WORKPLAN
    template_name = "workplan/workplan_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisation": self.request.organisation}

    def form_valid(self, form):
        workplan = form.save(commit=False)
        workplan.created_by = self.request.user
        save_with_reason(workplan, user=self.request.user, reason=_("Drafted"))
        messages.success(self.request, _("Draft workplan created."))
        return redirect(workplan)


class WorkplanUpdateView(
    PolicyMixin, OrganisationScopedMixin, VersionedUpdateMixin, UpdateView
):
    """A draft workplan's title, year and review period
    (`governance.policy.WORKPLAN`, "edit")."""

    model = Workplan
    form_class = WorkplanUpdateForm
    policy = WORKPLAN
    policy_action = "edit"
    policy_model = Workplan
    policy_related = ("organisation", "strategy")
    template_name = "workplan/workplan_form.html"

    def get_queryset(self):
        return super().get_queryset().select_related("organisation", "strategy")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisation": self.object.organisation}

    def save_valid(self, form, locked):
        workplan = form.save(commit=False)
        save_with_reason(workplan, user=self.request.user, reason=_("Draft changed"))
        messages.success(self.request, _("Draft saved."))
        return redirect(workplan)


class WorkplanItemsMixin:
    """The workplan named in the URL (scoped) and its filtered items.

    The page, the CSV and the XLSX all take their rows from `filtered_items()`,
    so an export holds exactly the rows on screen.
    """

    def get_workplan(self):
        def build(pk, user):
            return (
                Workplan.objects.visible_to(user)
                .select_related("strategy", "organisation", "approving_decision")
                # The council's layout setting, in the same query.
                .annotate(
                    future_works_last=Subquery(
                        WorkplanSettings.objects.filter(
                            organisation_id=OuterRef("organisation_id")
                        )
                        .order_by("pk")
                        .values("future_works_last")[:1]
                    ),
                    **self.workplan_annotations(user),
                )
                .filter(pk=pk)
            )

        # Built and compiled once per class of reader (`kept_queries`).
        user = self.request.user
        key = ("workplan", type(self).__qualname__, reader_key(user))
        found = list(
            kept_query(
                key, build, record=int(self.kwargs["pk"]), reader=user, prepared=True
            )
        )
        if not found:
            raise Http404("No workplan matches the given query.")
        workplan = found[0]
        # For the filter choices (themes, officers) of this workplan.
        self.request.workplan = workplan
        return workplan

    def workplan_annotations(self, user):
        """More to read with the workplan, in its query (see the page), for
        `user` (the reader)."""
        return {}

    def filtered_items(self, reader=None):
        """The workplan's items as `reader` (by default the person asking)
        may read them, filtered by the query string (`self.filterset`)."""
        items = (
            WorkplanItem.objects.visible_to(reader or self.request.user)
            .filter(workplan=self.workplan)
            .with_added_on()
            .select_related("theme", "lead_officer__user")
            .prefetch_related("departments")
            # Grouped by theme in the order the themes were created (an
            # approved strategy's themes no longer change), so that the
            # (workplan, theme, position, id) index serves the page without
            # sorting every item: fast at 100,000 items, deep pages included.
            .order_by("theme_id", "position", "pk")
        )
        if self.workplan.future_works_last:
            # The council lists future works in their own section at the end
            # (the page then sorts the plan's items: no index serves this).
            items = items.annotate(
                in_future_works=Q(category=Confidence.FUTURE_WORKS)
            ).order_by("in_future_works", "theme_id", "position", "pk")
        self.filterset = ItemFilterSet(
            self.request.GET or None, queryset=items, request=self.request
        )
        if self.filterset.is_bound and not self.filterset.is_valid():
            return items.none()
        return self.filterset.qs


class ItemPaginator(Paginator):
    """Django's paginator, two ways faster on a long plan:

    - the count can be given (the dashboard's tally has it when no filter
      is applied), so no query counts the items;
    - a page's rows are fetched by "deferred join": the page's keys are
      found first, in the same query, by a subquery that reads only the
      list's index (`workplan_item_list_idx`, which carries what
      `visible_to` reads), and only those 50 rows are joined to their theme
      and lead officer and given their `added_on`. A page deep in 100,000
      items skips index entries, not joined rows;
    - and skips them from the nearer end (`kept_rows.page_keys`): the
      last page of 100,000 items reads the index backwards and skips none,
      where it skipped 99,950 (12 ms of a 36 ms page).
    """

    def __init__(self, *args, count=None, **kwargs):
        super().__init__(*args, **kwargs)
        if count is not None:
            self.__dict__["count"] = count  # the cached_property, filled

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if isinstance(self.object_list, kept_rows.KeptItems):
            return self._get_page(
                self.object_list.page(bottom, top, self.count), number, self
            )
        keys = kept_rows.page_keys(self.object_list, bottom, top, self.count)
        return self._get_page(self.object_list.filter(pk__in=keys), number, self)


class WorkplanDetailView(WorkplanItemsMixin, ListView):
    """The workplan: its items grouped by theme, filtered, sorted, paginated."""

    template_name = "workplan/workplan_detail.html"
    paginate_by = ITEMS_PER_PAGE
    paginator_class = ItemPaginator
    context_object_name = "items"

    def workplan_annotations(self, user):
        # Whether the reader follows the workplan, and its open review (where
        # the rows' "Update" links go), read with it.
        return {
            "following": following_expression(user, Workplan),
            "open_review_id": reviews.open_review_id(OuterRef("pk")),
        }

    def get(self, request, *args, **kwargs):
        self.workplan = self.get_workplan()
        # The council's data mark: the key of the summary and of the filter
        # panel's choices.
        self.data_mark = data_mark(self.workplan.organisation_id)
        self.summary = summary.summary(
            self.workplan, request.user, request, self.data_mark
        )
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        # A state of the filters seen before: its form and queries as kept
        # (`kept_rows`); else built, and kept when valid.
        user = self.request.user
        key = kept_rows.state(self)
        if key is None:
            return self.rows(user)
        kept = kept_rows.kept_filter(key)
        if kept is not None:
            self.filterset = kept
            return kept_rows.KeptItems(key, self.rows, user)
        # Built once, for the reader's stand-in: the kept queries are
        # compiled from it.
        rows = self.rows(reader_stand_in(user))
        if kept_rows.keep(key, self.filterset):
            return kept_rows.KeptItems(key, self.rows, user)
        return rows.none()  # an invalid filter lists nothing

    def rows(self, reader):
        """The filtered items with what each row prints, as `reader` may
        read them (built once a request for each reader)."""
        built = self.__dict__.setdefault("_built_rows", {})
        if reader.pk not in built:
            built[reader.pk] = self.build_rows(reader)
        return built[reader.pk]

    def build_rows(self, reader):
        # Each row's departments by name, in the row's query (a subquery run
        # for the page's rows only) rather than a second query.
        names = (
            Department.objects.filter(items=OuterRef("pk"))
            .order_by()
            .values("items")
            .annotate(names=ArrayAgg("name", order_by="name"))
            .values("names")
        )
        return (
            self.filtered_items(reader)
            .prefetch_related(None)
            .annotate(department_names=Subquery(names))
            # Only the columns a row prints (`item_rows`): not the items'
            # and themes' search vectors, descriptions or the lead officer's
            # password hash, read and thrown away 50 times a page.
            .only(*item_rows.ROW_COLUMNS)
        )

    def get_paginator(self, queryset, per_page, **kwargs):
        unfiltered = not (self.request.GET.keys() - {"page"})
        count = self.summary.listed if unfiltered else None
        return ItemPaginator(queryset, per_page, count=count, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, workplan = self.request.user, self.workplan
        context["workplan"] = workplan
        context["filter"] = self.filterset
        # The page's rows, with their links made here (see `pk_url`).
        items = list(context["page_obj"].object_list)
        detail_url, progress_url, move_url = (
            pk_url("workplan:item_detail"),
            reviews.progress_link(user, workplan, workplan.open_review_id),
            pk_url("workplan:item_move"),
        )
        for item in items:
            item.url = detail_url(item.pk)
            item.progress_url = progress_url(item.pk)
            item.move_url = move_url(item.pk)
        context["items"] = context["object_list"] = items
        context["confidence_key"] = Confidence.labels
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        # Each row's "Update" link and Up/Down form come back here.
        context["here"] = self.request.get_full_path()
        context["transitions"], context["blocked"] = WORKPLAN_LIFECYCLE.offer(
            workplan, user
        )
        context["can_edit"] = WORKPLAN.allows(user, "edit", workplan)
        context["can_update_progress"] = WORKPLAN.allows(
            user, "update_progress", workplan
        )
        context["item_tables"] = item_rows.item_tables(
            items,
            request=self.request,
            workplan=workplan,
            can_update_progress=context["can_update_progress"],
            can_edit=context["can_edit"],
            here=context["here"],
        )
        context["can_vary"] = WORKPLAN.allows(user, "vary", workplan)
        context["summary"] = self.summary.html
        # The filter panel's choices (the workplan's themes and officers, the
        # departments of the council worked in) change only with the part of
        # the data mark of the workplan's council that those rows move (not
        # with progress, say): the kept form is found by it, with no query
        # for them (`governance.filter_panel`). Someone looking at another
        # of their councils' plans gets the choices read.
        if workplan.organisation_id == getattr(self.request.organisation, "pk", None):
            self.filterset.form.choices_key = (
                self.data_mark.of(*CHOICES_READ),
                workplan.pk,
            )
        return context


class WorkplanExportView(WorkplanItemsMixin, View):
    """The filtered rows as CSV or XLSX."""

    def get(self, request, *args, **kwargs):
        self.workplan = self.get_workplan()
        items = self.filtered_items().prefetch_related("notes")
        filename = f"workplan-{self.workplan.year_label}"
        if kwargs["format"] == "xlsx":
            return exports.xlsx_response(items, filename)
        return exports.csv_response(items, filename)


class WorkplanTransitionView(TransitionView):
    """A workplan's steps. Closing a review says first how many of the
    plan's items have no update for it."""

    model = Workplan
    workflow = WORKPLAN_LIFECYCLE
    related = ("organisation",)

    def get_context_data(self, **kwargs):
        if self.transition.name == "close_review":
            kwargs.setdefault("missing_updates", reviews.missing_updates(self.object))
        return super().get_context_data(**kwargs)


class WorkplanActionMixin(PolicyMixin):
    """Pages that change a workplan's items: `governance.policy` decides
    (a draft's items are edited; an approved plan's are varied)."""

    policy = WORKPLAN
    policy_model = Workplan
    policy_related = ("organisation", "strategy")

    def get_policy_action(self):
        if self.record.status in VARIATION_STATES:
            return "vary"
        return "edit"


class ItemCreateView(CreateOnceMixin, WorkplanActionMixin, CreateView):
    form_class = ItemForm
    template_name = "workplan/item_form.html"

    def get_policy_record(self):
        self.workplan = super().get_policy_record()
        return self.workplan

    @property
    def is_variation(self):
        return self.workplan.status in VARIATION_STATES

    def get_form_class(self):
        return ItemAdditionForm if self.is_variation else ItemForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "workplan": self.workplan}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            workplan=self.workplan, is_variation=self.is_variation, **kwargs
        )

    def form_valid(self, form):
        item = form.save(commit=False)
        item.created_by = self.request.user
        user = self.request.user
        with transaction.atomic():
            refusal = self.policy_refusal_now()
            if refusal is not None:
                return refusal
            workplan = self.workplan  # locked by policy_refusal_now
            last = workplan.items.aggregate(last=Max("position"))["last"] or 0
            item.position = last + 1
            reason = (
                _("Item added as a variation") if self.is_variation else _("Item added")
            )
            save_with_reason(item, user=user, reason=reason)
            item.departments.set(form.cleaned_data["departments"])
            # The workplan's list of items changed: a form on the workplan
            # loaded before is refused.
            move_on(workplan)
            if self.is_variation:
                # A new item of an approved plan starts as a draft and is
                # approved when its variation is agreed (`lifecycle.py`).
                record_variation(self.workplan, item, Variation.Kind.ADDED, form, user)
        if self.is_variation:
            messages.success(
                self.request,
                _("Item added. It enters the plan when the variation is agreed."),
            )
            return redirect(item)
        messages.success(self.request, _("Item added."))
        return redirect(self.workplan)


class ItemDetailView(OrganisationScopedMixin, DetailView):
    model = WorkplanItem
    template_name = "workplan/item_detail.html"
    context_object_name = "item"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .with_added_on()
            .select_related(
                "organisation",
                "workplan__strategy",
                "workplan__approving_decision",
                "theme",
                "lead_officer__user",
            )
            .prefetch_related("departments", "milestones", "notes__by")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, item = self.request.user, self.object
        context["can_edit"] = ITEM.allows(user, "edit", item)
        context["can_update_progress"] = ITEM.allows(user, "update_progress", item)
        # One way to update progress: while a review is open, its update for
        # the item (the one that counts); otherwise a progress note.
        context["open_review"] = open_review = reviews.open_review(item.workplan_id)
        if open_review is not None:
            open_review.workplan = item.workplan  # known: not read again
        context["can_give_review_update"] = open_review is not None and REVIEW.allows(
            user, "update", open_review
        )
        context["updates"] = list(
            item.updates.filter(review__in=Review.objects.visible_to(user))
            .select_related("review")
            .order_by("review__number")
        )
        context["can_vary"] = ITEM.allows(user, "vary", item)
        context["variations"] = list(
            item.variations.select_related("by", "agreed_by", "decision")
        )
        # An item added to an approved plan is approved with its variation.
        context["transitions"], context["blocked"] = ITEM_LIFECYCLE.offer(item, user)
        return context


class ItemActionMixin(WorkplanActionMixin):
    """Pages that change one item: `governance.policy.ITEM` decides."""

    policy = ITEM
    policy_model = WorkplanItem
    policy_related = ("workplan__organisation", "workplan__strategy")

    def get_policy_record(self):
        item = super().get_policy_record()
        self.item, self.workplan = item, item.workplan
        return item

    def get_policy_action(self):
        if self.policy_action:
            return self.policy_action
        return "vary" if self.workplan.status in VARIATION_STATES else "edit"


class ItemUpdateView(
    ItemActionMixin, OrganisationScopedMixin, VersionedUpdateMixin, UpdateView
):
    model = WorkplanItem
    form_class = ItemForm
    template_name = "workplan/item_form.html"

    @property
    def is_variation(self):
        return self.workplan.status in VARIATION_STATES

    def get_form_class(self):
        return ItemVariationForm if self.is_variation else ItemForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "workplan": self.workplan}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            workplan=self.workplan, is_variation=self.is_variation, **kwargs
        )

    def save_valid(self, form, locked):
        item = form.save(commit=False)
        user = self.request.user
        if not self.is_variation:
            save_with_reason(item, user=user, reason=_("Item changed"))
            item.departments.set(form.cleaned_data["departments"])
            messages.success(self.request, _("Item saved."))
            return redirect(item)
        changed = form.content_changes()
        changes = [
            {
                "field": str(form.fields[name].label),
                "before": str(getattr(locked, name) or ""),
                "after": str(form.cleaned_data[name] or ""),
            }
            for name in changed
            if name != "departments"
        ]
        kind = variations.kind_of_change(changed)
        save_with_reason(
            item,
            user=user,
            reason=_("Variation: %s") % form.cleaned_data["variation_reason"],
        )
        item.departments.set(form.cleaned_data["departments"])
        record_variation(self.workplan, item, kind, form, user, changes)
        messages.success(self.request, _("Variation recorded."))
        return redirect(item)


class ItemRemoveView(ItemActionMixin, View):
    """Remove an item from an approved workplan: it is cancelled, with a
    recorded variation (the record and its history stay)."""

    policy_action = "vary"
    template_name = "workplan/item_remove.html"

    def render(self, form):
        return render(
            self.request, self.template_name, {"item": self.item, "form": form}
        )

    def get(self, request, *args, **kwargs):
        return self.render(RemovalForm(workplan=self.workplan))

    def post(self, request, *args, **kwargs):
        form = RemovalForm(request.POST, workplan=self.workplan)
        if not form.is_valid():
            return self.render(form)
        try:
            variations.remove_item(
                self.item,
                reason=form.cleaned_data["variation_reason"],
                agreed_with=form.cleaned_data["agreed_with"],
                agreed_on=form.cleaned_data["agreed_on"],
                user=request.user,
            )
        except variations.AlreadyRemoved:
            messages.error(request, _("It has already been removed."))
            return redirect(self.item)
        messages.success(request, _("Item removed from the plan."))
        return redirect(self.workplan)


def safe_next(request, fallback):
    """The `next` the list passed (to keep its filters), if it is ours."""
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=False
    ):
        return candidate
    return fallback


class ItemProgressView(
    ItemActionMixin, OrganisationScopedMixin, VersionedUpdateMixin, UpdateView
):
    """The quick update of status, RAG and percent, with a progress note,
    back to the list. While a review of the item's workplan is open, the
    update that counts is the review's: this page sends the person there
    (and says so), so that no update is given where it does not count."""

    model = WorkplanItem
    form_class = ProgressForm
    policy_action = "update_progress"
    template_name = "workplan/item_progress.html"

    def get(self, request, *args, **kwargs):
        item = self.get_object()
        review = reviews.open_review(item.workplan_id)
        if review is not None and REVIEW.allows(request.user, "update", review):
            messages.info(
                request,
                _("Review %(number)s is open: progress given here counts towards it.")
                % {"number": review.number},
            )
            return redirect("workplan:progress_update", review.pk, item.pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            next=safe_next(self.request, self.object.workplan.get_absolute_url()),
            **kwargs,
        )

    def save_valid(self, form, locked):
        item = form.save(commit=False)
        user = self.request.user
        save_with_reason(item, user=user, reason=_("Progress updated"))
        note = form.cleaned_data.get("note", "").strip()
        if note:
            ProgressNote.objects.create(
                item=item, text=note, written_on=timezone.localdate(), by=user
            )
        messages.success(self.request, _("Progress of %s updated.") % item.reference)
        return redirect(safe_next(self.request, item.workplan.get_absolute_url()))


class ItemMoveView(ItemActionMixin, View):
    http_method_names = ["post"]
    policy_action = "edit"

    def post(self, request, *args, **kwargs):
        item, workplan = self.item, self.workplan
        siblings = WorkplanItem.objects.filter(workplan=workplan, theme=item.theme_id)
        try:
            with transaction.atomic():
                locked = lock(workplan)
                move(
                    siblings, item.pk, request.POST.get("direction"), user=request.user
                )
                move_on(locked)
        except CannotMove as problem:
            messages.error(request, str(problem))
        else:
            messages.success(request, _("Order changed."))
        return redirect(safe_next(request, workplan.get_absolute_url()))


class ItemTransitionView(TransitionView):
    model = WorkplanItem
    workflow = ITEM_LIFECYCLE
    related = ("organisation", "workplan__organisation")


# --- import ---------------------------------------------------------------------


class ImportTemplateView(View):
    """The template to fill in, as CSV or XLSX, for this workplan."""

    def get(self, request, *args, **kwargs):
        workplan = get_object_or_404(
            Workplan.objects.visible_to(request.user), pk=kwargs["pk"]
        )
        filename = f"workplan-template.{kwargs['format']}"
        if kwargs["format"] == "xlsx":
            return attachment(importers.template_xlsx(workplan), filename, XLSX)
        return attachment(
            importers.template_csv(workplan), filename, "text/csv; charset=utf-8"
        )


class ImportMixin(WorkplanActionMixin):
    """The import's pages: whoever may add items to the workplan (a draft's
    editors; for an approved plan, whoever may vary it)."""

    def get_policy_record(self):
        self.workplan = super().get_policy_record()
        return self.workplan

    def take_upload(self):
        """The upload this page is about (the token in the address), or
        None: the page then asks for the file again."""
        try:
            self.upload = import_mapping.take(
                self.workplan, self.request.user, self.kwargs["token"]
            )
        except import_mapping.UploadNotFound:
            self.upload = None
        return self.upload

    def choose_again(self, message=None):
        form = ImportForm.choose_again(message or import_mapping.UploadNotFound.message)
        return render(
            self.request,
            "workplan/import.html",
            {"workplan": self.workplan, "form": form},
            status=404 if message is None else 409,
        )

    def step_url(self, name):
        return reverse(f"workplan:{name}", args=[self.workplan.pk, self.upload.token])


def import_done_message(result, varied):
    made, changed = len(result.new_rows), len(result.updates)
    parts = []
    if made:
        parts.append(
            ngettext("%(count)s item imported", "%(count)s items imported", made)
            % {"count": made}
        )
    if changed:
        parts.append(
            ngettext("%(count)s item updated", "%(count)s items updated", changed)
            % {"count": changed}
        )
    message = _(" and ").join(parts) + "."
    if varied and made:
        message += " " + _("New items enter the plan when the variation is agreed.")
    return message


class ImportView(ImportMixin, View):
    """Step 1 of importing: choose the file. It is read once, kept as its
    cells (`import_mapping.keep`) and the officer goes on to say what its
    columns hold. See `workplan.import_mapping` for the whole journey."""

    template_name = "workplan/import.html"

    def render(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {
                "workplan": self.workplan,
                "form": form,
                "max_rows": f"{importers.MAX_ROWS:,}",
            },
            status=status,
        )

    def get(self, request, *args, **kwargs):
        return self.render(ImportForm())

    def post(self, request, *args, **kwargs):
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form)
        upload = form.cleaned_data["file"]
        try:
            sheet = spreadsheet_reader.read_sheet(upload)
        except importers.ImportRefused as refusal:
            form.add_error("file", str(refusal))
            return self.render(form)
        self.upload = import_mapping.keep(
            self.workplan, request.user, sheet, upload.name
        )
        return redirect(self.step_url("import_columns"))


class ImportColumnsView(ImportMixin, View):
    """Step 2: what each column holds (guessed, or as the council chose for
    the same headers before)."""

    template_name = "workplan/import_columns.html"

    def render(self, form, status=200):
        _columns, remembered = import_mapping.starting_columns(
            self.workplan.organisation_id, self.upload.headers
        )
        return render(
            self.request,
            self.template_name,
            {
                "workplan": self.workplan,
                "upload": self.upload,
                "form": form,
                "remembered": remembered,
            },
            status=status,
        )

    def get(self, request, *args, **kwargs):
        if self.take_upload() is None:
            return self.choose_again()
        columns = import_mapping.column_views(self.upload)
        return self.render(ImportColumnsForm(columns=columns))

    def post(self, request, *args, **kwargs):
        if self.take_upload() is None:
            return self.choose_again()
        columns = import_mapping.column_views(self.upload)
        form = ImportColumnsForm(request.POST, columns=columns)
        if not form.is_valid():
            return self.render(form)
        with transaction.atomic():
            self.upload.columns = form.choices()
            self.upload.values = {}
            self.upload.save(update_fields=["columns", "values"])
            if form.cleaned_data["remember"]:
                import_mapping.remember_columns(self.upload, request.user)
        values, departments = import_mapping.values_to_choose(self.upload)
        if values or departments:
            return redirect(self.step_url("import_values"))
        return redirect(self.step_url("import_check"))


class ImportValuesView(ImportMixin, View):
    """Step 3 (when needed): what the values the importer cannot read mean,
    and whether to add the departments the council does not have."""

    template_name = "workplan/import_values.html"

    def form(self, data=None):
        values, departments = import_mapping.values_to_choose(self.upload)
        return ImportValuesForm(
            data,
            values=values,
            departments=departments,
            initial={"create_departments": self.upload.create_departments},
        )

    def render(self, form):
        return render(
            self.request,
            self.template_name,
            {"workplan": self.workplan, "upload": self.upload, "form": form},
        )

    def get(self, request, *args, **kwargs):
        if self.take_upload() is None:
            return self.choose_again()
        return self.render(self.form())

    def post(self, request, *args, **kwargs):
        if self.take_upload() is None:
            return self.choose_again()
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render(form)
        self.upload.values = form.choices()
        self.upload.create_departments = bool(
            form.cleaned_data.get("create_departments")
        )
        self.upload.save(update_fields=["values", "create_departments"])
        return redirect(self.step_url("import_check"))


class ImportCheckView(CreateOnceMixin, ImportMixin, View):
    """Last step: every row checked with the officer's choices — errors by
    row and by the file's own column names, warnings apart, and every item
    as it will be saved — then imported, all or nothing.

    The confirmation carries a one-time submission token
    (`CreateOnceMixin`): sent again, or twice at once, it imports once and
    then shows the workplan with "This was already saved". The kept upload
    is deleted when it is imported.
    """

    template_name = "workplan/import_check.html"

    def check(self):
        upload = self.upload
        rows = import_mapping.rows_for_checking(upload)
        fields, _notes = import_mapping.column_of(upload)
        return importers.validate(
            self.workplan,
            rows,
            columns=fields,
            values=upload.values,
            create_departments=upload.create_departments,
            update_existing=upload.update_existing,
        )

    def variation_form(self, result, data=None):
        """In an approved plan, what its variations record: why (new items
        are additions agreed afterwards), and for changes of scope or
        dates, with whom and when they were agreed. None otherwise."""
        if not is_varied(self.workplan):
            return None
        if any(row.plan_changes for row in result.updates):
            form_class = ImportVariationForm
        elif result.new_rows:
            form_class = ImportAdditionForm
        else:
            return None
        return form_class(data, workplan=self.workplan)

    def render(self, result, status=200, message="", variation_form=None):
        fields, notes = import_mapping.column_of(self.upload)
        headings = import_mapping.preview_headings(fields, bool(notes))
        keys = [key for key, _heading in headings]
        new_rows = result.new_rows
        preview = [
            (row, import_mapping.preview_cells(row, keys))
            for row in new_rows[: import_mapping.PREVIEW_ROWS]
        ]
        return render(
            self.request,
            self.template_name,
            {
                "workplan": self.workplan,
                "upload": self.upload,
                "result": result,
                "headings": [heading for _key, heading in headings],
                "preview": preview,
                "not_shown": max(0, len(new_rows) - len(preview)),
                "progress_fields": importers.PROGRESS_FIELDS,
                "note_columns": [name for _index, name in notes],
                "ignored": [
                    header
                    or _("Column %(letter)s")
                    % {"letter": import_mapping.column_letter(index)}
                    for index, header in enumerate(self.upload.headers)
                    if self.upload.columns.get(str(index)) == import_mapping.IGNORE
                ],
                "submission_token": self.issue_token(),
                "message": message,
                "variation_form": variation_form or self.variation_form(result),
                "is_varied": is_varied(self.workplan),
            },
            status=status,
        )

    def get(self, request, *args, **kwargs):
        if self.take_upload() is None:
            return self.choose_again()
        return self.render(self.check())

    def post(self, request, *args, **kwargs):
        claim = self.earlier_claim()
        if claim is not None and claim.url:
            return self.already_saved(claim)
        if self.take_upload() is None:
            return self.choose_again()
        if request.POST.get("update_existing") in ("yes", "no"):
            self.upload.update_existing = request.POST["update_existing"] == "yes"
            self.upload.save(update_fields=["update_existing"])
            return redirect(self.step_url("import_check"))
        submission = posted_token(request.POST)
        if submission is None:
            return self.render(
                self.check(),
                status=400,
                message=NO_TOKEN,
            )
        try:
            return self.save_once(submission, self.confirm)
        except Collision as collision:
            return self.render(self.check(), status=409, message=collision.message)

    def confirm(self):
        # One confirmation per upload: a second, sent at the same moment,
        # waits here and then finds the upload imported and gone.
        if not ImportUpload.objects.select_for_update().filter(pk=self.upload.pk):
            return self.choose_again()
        result = self.check()
        if not result.ok:  # the workplan changed since the preview
            return self.render(result)
        form = self.variation_form(result, self.request.POST)
        if form is not None and not form.is_valid():
            return self.render(result, variation_form=form)
        variation = None
        if form is not None:
            variation = {
                "reason": form.cleaned_data["variation_reason"],
                "agreed_with": form.cleaned_data.get("agreed_with", ""),
                "agreed_on": form.cleaned_data.get("agreed_on"),
            }
        try:
            importers.save(
                self.workplan,
                result,
                self.request.user,
                filename=self.upload.filename,
                variation=variation,
            )
        except importers.ImportRefused as refusal:
            return self.render(result, status=409, message=str(refusal))
        self.upload.delete()
        self.created_record = self.workplan
        messages.success(
            self.request,
            import_done_message(result, is_varied(self.workplan)),
        )
        return redirect(self.workplan)


# --- review rounds ---------------------------------------------------------------


class ReviewDetailView(CachedDocumentMixin, OrganisationScopedMixin, DetailView):
    """A review round: who has updated their items and who has not.

    A closed review's page (the progress report) is rendered once per
    version of what it prints and reader class, and kept
    (`governance/documents.py`)."""

    model = Review
    template_name = "workplan/review_detail.html"
    context_object_name = "review"
    document_template_name = "workplan/_review_document.html"

    def is_final(self, record):
        return not record.is_open

    def get_plain_queryset(self):
        return super().get_plain_queryset().select_related("workplan__organisation")

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "workplan__organisation",
                "workplan__strategy",
                "meeting__committee",
                "decision",
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "document" not in kwargs:
            context.update(self.get_reader_context())
            context.update(self.get_document_context())
        return context

    def get_reader_context(self):
        return {"can_update": REVIEW.allows(self.request.user, "update", self.object)}

    def document_flags(self, reader_context):
        # The "Give the update" links are the document's.
        return (reader_context["can_update"],)

    def get_document_context(self):
        context = {}
        review, user = self.object, self.request.user
        # The items in the plan: not one whose addition awaits agreement.
        items = (
            WorkplanItem.objects.visible_to(user)
            .in_the_plan()
            .filter(workplan=review.workplan)
            .select_related("theme", "lead_officer__user")
            .order_by("theme__position", "position", "pk")
        )
        updates = {
            update.item_id: update
            for update in review.updates.filter(item__in=items).select_related("by")
        }
        context["rows"] = [(item, updates.get(item.pk)) for item in items]
        context["updated"] = len(updates)
        context["can_update"] = REVIEW.allows(user, "update", review)
        context["considered"] = considered.papers_presenting(review, user)
        return context


class ProgressUpdateView(PolicyMixin, VersionedUpdateMixin, UpdateView):
    """An item's update for an open review round (`governance.policy.REVIEW`).

    The first update of the round for the item is made under the item's row
    lock: two people sending it at once queue there, the first makes it and
    the second is shown the conflict page with their text kept (their form
    was based on no update; now there is one).
    """

    policy = REVIEW
    policy_action = "update"
    policy_model = Review
    policy_related = ("workplan",)
    form_class = ProgressUpdateForm
    template_name = "workplan/progress_update_form.html"

    def get_policy_record(self):
        self.review = super().get_policy_record()
        self.item = get_object_or_404(
            WorkplanItem.objects.visible_to(self.request.user).filter(
                workplan=self.review.workplan
            ),
            pk=self.kwargs["item_pk"],
        )
        return self.review

    def get_object(self, queryset=None):
        return ProgressUpdate.objects.filter(
            review=self.review, item=self.item
        ).first() or ProgressUpdate(review=self.review, item=self.item)

    def get_initial(self):
        initial = super().get_initial()
        if self.object.pk is None:
            initial.update(
                delivery_status=self.item.delivery_status,
                rag=self.item.rag,
                rag_reason=self.item.rag_reason,
                percent_complete=self.item.percent_complete,
            )
        return initial

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "review": self.review}

    def get_context_data(self, **kwargs):
        return super().get_context_data(review=self.review, item=self.item, **kwargs)

    def lock_versioned(self):
        # The item's row is the lock: it is written too, and while it is
        # held nobody else can make the round's update for it.
        WorkplanItem.objects.select_for_update().get(pk=self.item.pk)
        return self.get_object()

    def save_valid(self, form, locked):
        record_update(self.review, self.item, self.request.user, form.cleaned_data)
        messages.success(
            self.request,
            _("Update for %(ref)s recorded.") % {"ref": self.item.reference},
        )
        return redirect(self.review)


class MilestonesUpdateView(
    ItemActionMixin, OrganisationScopedMixin, VersionedUpdateMixin, UpdateView
):
    """An item's milestones, added, changed, ticked off and removed together
    (officers, at any time the plan is live: milestones track delivery),
    guarded by the item's version (each save of them moves it on)."""

    model = WorkplanItem
    form_class = VersionOnlyForm
    policy_action = "update_progress"
    template_name = "workplan/milestones_form.html"
    context_object_name = "item"

    def get_formset(self):
        return MilestoneFormSet(
            self.request.POST if self.request.method == "POST" else None,
            instance=self.object,
            prefix="milestones",
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
        save_formset_with_reason(
            self.formset,
            locked,
            user=self.request.user,
            reason=_("Milestones changed"),
        )
        messages.success(self.request, _("Milestones saved."))
        return redirect(self.object)


# --- papers ---------------------------------------------------------------------


@paper_view
class WorkplanPaperView(PaperView):
    """The workplan as a landscape appendix, on the workplan page's rules."""

    model = Workplan
    paper = papers.WORKPLAN_APPENDIX

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("organisation", "strategy", "approving_decision__meeting")
        )


@paper_view
class ReviewPaperView(PaperView):
    """The six-monthly progress report of a review, on the review page's rules."""

    model = Review
    paper = papers.PROGRESS_REPORT

    def get_queryset(self):
        return super().get_queryset().select_related("workplan__organisation")


# --- how the council lays out its workplans ------------------------------------------


class WorkplanSettingsView(CouncilPageMixin, VersionedUpdateMixin, UpdateView):
    """Whether future works are their own section at the end of a workplan:
    the council's clerks and administrators keep this, as they keep its
    committees."""

    form_class = WorkplanSettingsForm
    form_takes_organisation = False
    permission_action = "manage_committee_business"
    permission_denied_message = gettext_lazy(
        "Only the council's clerks and administrators can change this."
    )
    template_name = "workplan/workplan_settings.html"

    def get_object(self, queryset=None):
        return WorkplanSettings.objects.filter(
            organisation=self.organisation
        ).first() or WorkplanSettings(organisation=self.organisation)

    def save_valid(self, form, locked):
        save_with_reason(
            form.save(commit=False),
            user=self.request.user,
            reason=form.cleaned_data["change_reason"],
        )
        messages.success(self.request, _("Workplan layout saved."))
        return redirect(self.organisation)


# --- the council's departments ------------------------------------------------------


class DepartmentMixin:
    """The council's departments (named by workplan items): its officers,
    clerks and administrators keep the list."""

    model = Department
    form_class = DepartmentForm
    permission_action = "manage_departments"
    permission_denied_message = gettext_lazy(
        "Members cannot change the council's departments."
    )
    noun = gettext_lazy("department")


class DepartmentCreateView(CreateOnceMixin, DepartmentMixin, CouncilRecordCreateView):
    pass


class DepartmentUpdateView(DepartmentMixin, CouncilRecordUpdateView):
    pass


# --- who agrees variations ----------------------------------------------------------


class VariationSettingsView(CouncilPageMixin, VersionedUpdateMixin, UpdateView):
    """Who may agree variations to the council's approved workplans under
    delegated powers (a decision may always agree one): its clerks and
    administrators keep this, as they keep its committees."""

    form_class = VariationSettingsForm
    permission_action = "manage_committee_business"
    permission_denied_message = gettext_lazy(
        "Only the council's clerks and administrators can change this."
    )
    template_name = "workplan/variation_settings.html"

    def get_object(self, queryset=None):
        return variations.settings_for(self.organisation)

    def save_valid(self, form, locked):
        settings = save_with_reason(
            form.save(commit=False),
            user=self.request.user,
            reason=form.cleaned_data["change_reason"],
        )
        settings.delegates.set(form.cleaned_data["delegates"])
        messages.success(self.request, _("Who agrees variations saved."))
        return redirect(self.organisation)
