"""Pages every user meets: home, the council, choosing a council, health."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, FormView, TemplateView, UpdateView
from django.views.generic.detail import SingleObjectMixin

from .forms import ChooseOrganisationForm, CommentForm, OrganisationSettingsForm
from .history import save_with_reason
from .home import panels_for
from .middleware import choose_organisation
from .mixins import OrganisationScopedMixin
from .models import Organisation
from .paper_store import PaperJob, kind_named, serve_paper, start_job, version_key
from .permissions import can, roles_of
from .transitions import TransitionRefused


class HomeView(TemplateView):
    """What needs the signed-in person now, by their role in the current council."""

    template_name = "governance/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation = self.request.organisation
        if organisation is not None:
            context["panels"] = panels_for(self.request)
            context["can_administer"] = can(
                self.request.user, "change_organisation_settings", organisation
            )
        return context


class OrganisationDetailView(OrganisationScopedMixin, DetailView):
    """A council's settings and committees, for anyone who holds a role there."""

    model = Organisation
    template_name = "governance/organisation_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["committees"] = self.object.committees.all()
        # Reverse relations from `decisions`; `select_related` spares a query per
        # rule (its text names the council's bank-holiday region).
        context["call_in_rules"] = self.object.call_in_rules.select_related(
            "organisation"
        )
        context["closure_days"] = self.object.closure_days.all()
        context["settings_rows"] = [
            {
                "key": _("Bank holidays"),
                "value": self.object.get_bank_holiday_region_display(),
            },
            {
                "key": _("Authenticator app"),
                "value": _("Everyone must use one to sign in")
                if self.object.second_factor_required_for_all
                else _("Administrators and clerks must use one to sign in"),
            },
        ]
        context["can_change_settings"] = can(
            self.request.user, "change_organisation_settings", self.object
        )
        return context


class OrganisationSettingsView(OrganisationScopedMixin, UpdateView):
    """Administrators change the council's bank-holiday region and call-in rule."""

    model = Organisation
    form_class = OrganisationSettingsForm
    permission_action = "change_organisation_settings"
    template_name = "governance/organisation_settings_form.html"

    def form_valid(self, form):
        with transaction.atomic():
            save_with_reason(
                form.instance,
                user=self.request.user,
                reason=form.cleaned_data["change_reason"],
            )
        messages.success(self.request, _("Council settings saved."))
        return redirect(self.object)


class ChooseOrganisationView(FormView):
    """A person with roles in several councils picks the one they work in."""

    form_class = ChooseOrganisationForm
    template_name = "governance/choose_organisation.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        return {"organisation": self.request.organisation}

    def form_valid(self, form):
        organisation = form.cleaned_data["organisation"]
        choose_organisation(self.request, organisation)
        messages.success(
            self.request,
            _("You are now working in %(name)s.") % {"name": organisation.name},
        )
        return redirect(reverse("governance:home"))


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 when it does not (for monitoring)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse(
            "database unavailable\n", status=503, content_type="text/plain"
        )
    return HttpResponse("ok\n", content_type="text/plain")


class TransitionView(OrganisationScopedMixin, SingleObjectMixin, FormView):
    """One confirmation page for every transition of every workflow.

    GET shows what the transition will do and anything missing; POST
    performs it through the workflow's `perform()`. A refusal re-renders the
    page with the reasons (403 for the role, 409 for state or requirements)
    and changes nothing. Subclasses set `model` and `workflow`.
    """

    workflow = None
    template_name = "governance/transition_confirm.html"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["transition"] not in self.workflow:
            raise Http404("No such action.")
        self.transition = self.workflow[kwargs["transition"]]
        self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return self.transition.form_class or CommentForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.transition.form_class is not None:
            kwargs["record"] = self.object
        return kwargs

    def get(self, request, *args, **kwargs):
        status, problems = self.workflow.problems(
            self.object, self.transition.name, request.user
        )
        context = self.get_context_data(problems=problems)
        return self.render_to_response(context, status=status or 200)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("problems", [])
        kwargs["transition"] = self.transition
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        inputs = dict(form.cleaned_data)
        comment = inputs.pop("comment", "")
        try:
            self.workflow.perform(
                self.object,
                self.transition.name,
                self.request.user,
                inputs=inputs,
                comment=comment,
            )
        except TransitionRefused as refusal:
            context = self.get_context_data(form=form, problems=refusal.problems)
            return self.render_to_response(context, status=refusal.status)
        messages.success(self.request, _("Done: %s.") % self.transition.label)
        return redirect(self.object)


# --- papers ---------------------------------------------------------------------


class PaperView(OrganisationScopedMixin, DetailView):
    """A record's paper as a PDF, on the same access rules as the record's
    page: each app sets `model`, `paper` (a `PaperKind`) and narrows
    `get_queryset()` exactly as its page does."""

    paper = None

    def render_to_response(self, context, **response_kwargs):
        return serve_paper(self.request, self.paper, self.object)


class PaperJobView(DetailView):
    """The progress of a paper being rendered in the background, with the
    download once it is ready. Only people who may read the record see it;
    anyone else gets a 404."""

    model = PaperJob
    template_name = "governance/paper_job.html"
    context_object_name = "job"

    def get_queryset(self):
        return PaperJob.objects.filter(
            organisation_id__in=list(roles_of(self.request.user))
        )

    def get_object(self, queryset=None):
        job = super().get_object(queryset)
        self.record = self.readable_record(job)
        if self.record is None:
            raise Http404
        return job

    def readable_record(self, job):
        """The record, if the person may still read its paper (asked of the
        paper view of its kind, so the rule lives in one place)."""
        view = PAPER_VIEWS[job.kind]()
        view.setup(self.request, pk=job.object_id)
        try:
            return view.get_object()
        except (Http404, PermissionDenied):
            return None

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if request.headers.get("Accept") == "application/json":
            job = self.object
            response = JsonResponse(
                {
                    "status": job.status,
                    "status_label": job.get_status_display(),
                    "stage": job.stage,
                    "finished": job.finished,
                }
            )
        else:
            response = self.render_to_response(self.get_context_data())
        patch_vary_headers(response, ["Accept"])
        return response

    def post(self, request, *args, **kwargs):
        """Try again after a failure (or when the paper has changed)."""
        self.object = self.get_object()
        kind = kind_named(self.object.kind)
        job = start_job(kind, self.record, version_key(kind, self.record), request.user)
        return redirect(job)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kind = kind_named(self.object.kind)
        context["record"] = self.record
        context["download_url"] = kind.url(self.record)
        context["current"] = self.object.version_key == version_key(kind, self.record)
        return context


#: paper kind slug -> the view that serves it (filled by each app's urls).
PAPER_VIEWS = {}


def paper_view(view_class):
    """Register a `PaperView` subclass as the one that serves its kind."""
    PAPER_VIEWS[view_class.paper.slug] = view_class
    return view_class
