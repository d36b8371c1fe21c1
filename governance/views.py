"""Pages every user meets: home, the council, choosing a council, health."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Count
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import (
    CreateView,
    DetailView,
    FormView,
    TemplateView,
    UpdateView,
)
from django.views.generic.detail import SingleObjectMixin

from decisions.exempt import schedule_for as exempt_schedule_of

from . import people, principal
from .choices import PostKind, Role
from .errors import RETRY_AFTER_SECONDS
from .forms import (
    ChooseOrganisationForm,
    CommentForm,
    ConfirmationForm,
    EndMembershipForm,
    InviteForm,
    MembershipForm,
    NewAccountForm,
    OrganisationSettingsForm,
    PostForm,
    RouteForm,
)
from .history import save_with_reason, set_with_reason
from .home import panels_for
from .lifecycle import LifecycleRecord
from .middleware import choose_organisation
from .mixins import CouncilPageMixin, OrganisationScopedMixin, VersionedUpdateMixin
from .models import Invitation, Membership, Organisation, Post
from .paper_store import (
    PaperJob,
    kind_named,
    recover,
    serve_paper,
    start_job,
    version_key,
)
from .permissions import can, roles_of
from .routes import RecordType, route_for, route_of, routes_of
from .submissions import CreateOnceMixin
from .time_of_day import format_time
from .transitions import TransitionRefused
from .visits import since_last_visit


class HomeView(TemplateView):
    """What needs the signed-in person now, by their role in the current council."""

    template_name = "governance/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation = self.request.organisation
        if organisation is not None:
            since_last_visit(self.request)  # before the panels: this visit counts
            context["panels"] = panels_for(self.request)
            context["can_administer"] = can(
                self.request.user, "change_organisation_settings", organisation
            )
        return context


class OrganisationDetailView(OrganisationScopedMixin, DetailView):
    """A council's settings and committees, for anyone who holds a role there."""

    model = Organisation
    template_name = "governance/organisation_detail.html"

    def get_queryset(self):
        # Its numbering and workplan layout settings, printed on the page.
        return (
            super()
            .get_queryset()
            .select_related("numbering_settings", "workplan_settings")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["committees"] = self.object.committees.all()
        # Reverse relations from `decisions`; `select_related` spares a query per
        # rule (its text names the council's bank-holiday region).
        context["call_in_rules"] = self.object.call_in_rules.select_related(
            "organisation"
        ).annotate(applied=Count("decisions_judged"))
        context["closure_days"] = self.object.closure_days.all()
        context["bank_holidays_worked"] = (
            self.object.bank_holidays_worked.select_related("organisation")
        )
        managers = self.object.get_democratic_settings_managed_by_display()
        context["settings_rows"] = [
            {
                "key": _("Bank holidays"),
                "value": self.object.get_bank_holiday_region_display(),
            },
            {
                "key": _("Exempt information"),
                "value": _("Under %(schedule)s")
                % {"schedule": exempt_schedule_of(self.object).name},
            },
            {
                "key": _("A past publication recorded without its time"),
                "value": _("Stored at %(time)s; pages and papers show its date only")
                % {"time": format_time(self.object.default_publication_time)},
            },
            {
                "key": _("Committees, call-in rules and closure days"),
                "value": _("Changed by %(who)s") % {"who": managers.lower()},
            },
            {
                "key": _("Authenticator app"),
                "value": _("Everyone must use one to sign in")
                if self.object.second_factor_required_for_all
                else _("Administrators and clerks must use one to sign in"),
            },
            {
                "key": _("Public site"),
                "value": _(
                    "Shows committee business, approved strategies, workplans "
                    "and progress reports"
                )
                if self.object.publishes_strategies
                else _("Shows committee business only"),
            },
            {
                "key": _("Public site's own host name"),
                "value": self.object.public_host
                or _("None: the public site is only under /public/%(slug)s/")
                % {"slug": self.object.slug},
            },
        ]
        user = self.request.user
        context["can_change_settings"] = can(
            user, "change_organisation_settings", self.object
        )
        context["can_manage_people"] = can(user, "manage_people", self.object)
        context["can_manage_committees"] = can(
            user, "manage_committee_business", self.object
        )
        context["can_change_democratic_settings"] = can(
            user, "manage_democratic_settings", self.object
        )
        context["can_manage_departments"] = can(user, "manage_departments", self.object)
        context["departments"] = self.object.departments.all()
        context["routes"] = routes_of(self.object.pk)
        # Who may agree variations under delegated powers (workplan's
        # `VariationSettings`).
        context["variation_delegates"] = (
            self.object.memberships.current()
            .filter(delegated_variations__organisation=self.object)
            .select_related("user")
        )
        return context


class RouteUpdateView(CouncilPageMixin, VersionedUpdateMixin, UpdateView):
    """The council's route for strategies or for workplans: whether
    scrutiny comes first, and whose decisions approve (`routes.py`). Kept
    by whoever keeps its committees and call-in rules."""

    form_class = RouteForm
    # Part of the council's democratic settings: clerks too, unless the
    # council says administrators only.
    permission_action = "manage_democratic_settings"
    permission_denied_message = gettext_lazy(
        "Your role does not allow you to change the council's democratic settings."
    )
    template_name = "governance/route_form.html"

    def get_object(self, queryset=None):
        try:
            record_type = RecordType(self.kwargs["record_type"])
        except ValueError:
            raise Http404("No such record type.") from None
        return route_of(self.organisation.pk, record_type)

    def save_valid(self, form, locked):
        # One route per council and record type: two first saves at once
        # queue on the council's row (`lock_new`), and the second is shown
        # the route the first made.
        route = form.save(commit=False)
        reason = form.cleaned_data["change_reason"]
        save_with_reason(route, user=self.request.user, reason=reason)
        set_with_reason(
            route,
            "approving_committees",
            form.cleaned_data["approving_committees"],
            user=self.request.user,
            reason=reason,
        )
        messages.success(
            self.request,
            _("Route for %(what)s saved.")
            % {"what": route.get_record_type_display().lower()},
        )
        return redirect(self.organisation)


class OrganisationSettingsView(
    OrganisationScopedMixin, VersionedUpdateMixin, UpdateView
):
    """Administrators change the council's bank-holiday region and call-in rule."""

    model = Organisation
    form_class = OrganisationSettingsForm
    permission_action = "change_organisation_settings"
    template_name = "governance/organisation_settings_form.html"

    def save_valid(self, form, locked):
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
    """200 when the database answers, 503 (with Retry-After) when it does not,
    for monitoring and load balancers. Plain text, no page: nothing else is
    asked of the database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        response = HttpResponse(
            "database unavailable\n", status=503, content_type="text/plain"
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
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
    #: The records the workflow's checks read beside the object, joined in
    #: (`select_related`) rather than fetched one by one.
    related = ()

    def get_queryset(self):
        return super().get_queryset().select_related(*self.related)

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

    #: Steps whose page says which of the council's routes applies and why.
    ROUTE_STEPS = frozenset({"submit", "send_for_decision", "approve"})

    def get_context_data(self, **kwargs):
        kwargs.setdefault("problems", [])
        kwargs["transition"] = self.transition
        if self.transition.name in self.ROUTE_STEPS and isinstance(
            self.object, LifecycleRecord
        ):
            kwargs["route"] = route_for(self.object)
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
        messages.success(self.request, self.done_message())
        return redirect(self.object)

    def done_message(self):
        """What the success banner says after the step (views may say more:
        what the step set, in words)."""
        return _("Done: %s.") % self.transition.label


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
        paper view of its kind, so the rule lives in one place). An officers'
        working copy prints what members may not read (items awaiting
        approval): only the council's staff see its job."""
        kind = kind_named(job.kind)
        if kind.copy_of and roles_of(self.request.user).get(job.organisation_id) in (
            None,
            Role.MEMBER,
        ):
            return None
        view = PAPER_VIEWS[kind.copy_of or job.kind]()
        view.setup(self.request, pk=job.object_id)
        try:
            return view.get_object()
        except (Http404, PermissionDenied):
            return None

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        # A job whose worker stopped is queued again (or failed) now, so the
        # page tells the truth even between the worker's own sweeps.
        self.object = recover(self.object) or self.object
        if request.headers.get("Accept") == "application/json":
            job = self.object
            response = JsonResponse(
                {
                    "status": job.status,
                    "status_label": str(job.status_label),
                    "stage": job.stage,
                    "finished": job.finished,
                }
            )
        else:
            response = self.render_to_response(self.get_context_data())
        patch_vary_headers(response, ["Accept"])
        return response

    def post(self, request, *args, **kwargs):
        """Try again after a failure (or when the paper has changed): the
        job in flight for the paper's current version, or a new one."""
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


# --- a council's people (its administrators) ------------------------------------


class ObjectFormView(SingleObjectMixin, FormView):
    """A form about one object (`self.object`, looked up once the mixins
    before this one have authorised the request)."""

    def dispatch(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)


class PeopleMixin(CouncilPageMixin):
    """Pages about the council's people: its administrators only."""

    permission_action = "manage_people"
    form_takes_organisation = False

    def carry_out(self, form, action, done, error_field=None):
        """Call `action()` (a rule of `people.py`): on success say `done` and
        go back to the people page; if it breaks a rule, show the form again
        with why (409), nothing changed."""
        try:
            action()
        except people.PeopleRuleBroken as broken:
            form.add_error(error_field, str(broken))
            return self.render_to_response(self.get_context_data(form=form), status=409)
        messages.success(self.request, done)
        return redirect("governance:people", self.organisation.slug)


class MembershipMixin(PeopleMixin):
    """One person's membership of the council (`pk`); only this council's
    memberships can be reached (any other id is a 404)."""

    def get_queryset(self):
        return (
            Membership.objects.current()
            .for_organisation(self.organisation)
            .select_related("user")
        )


class PeopleListView(PeopleMixin, TemplateView):
    """Everyone who holds a role in the council, and invitations not yet used."""

    template_name = "governance/people_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = (
            Membership.objects.current()
            .for_organisation(self.organisation)
            .select_related("user")
            .order_by("user__last_name", "user__first_name", "user__username")
        )
        context["invitations"] = (
            Invitation.objects.for_organisation(self.organisation)
            .pending()
            .select_related("invited_by")
        )
        return context


class InviteView(CreateOnceMixin, PeopleMixin, FormView):
    form_class = InviteForm
    form_takes_organisation = True
    template_name = "governance/invite_form.html"

    def form_valid(self, form):
        data = form.cleaned_data

        def invite():
            self.created_record = people.invite(
                self.request,
                self.organisation,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                role=data["role"],
                job_title=data["job_title"],
            )

        return self.carry_out(
            form,
            invite,
            _("Invitation sent to %(email)s. It can be used once, for %(days)s days.")
            % {"email": data["email"], "days": settings.INVITATION_VALID_DAYS},
        )


class InvitationCancelView(PeopleMixin, ObjectFormView):
    form_class = ConfirmationForm
    template_name = "governance/invitation_cancel.html"
    context_object_name = "invitation"

    def get_queryset(self):
        return Invitation.objects.for_organisation(self.organisation).pending()

    def form_valid(self, form):
        return self.carry_out(
            form,
            lambda: people.cancel(self.object, by=self.request.user),
            _("The invitation to %(email)s is cancelled.")
            % {"email": self.object.email},
        )


class MembershipUpdateView(MembershipMixin, VersionedUpdateMixin, UpdateView):
    """Change a person's role or job title."""

    form_class = MembershipForm
    template_name = "governance/membership_form.html"
    context_object_name = "membership"

    def save_valid(self, form, locked):
        return self.carry_out(
            form,
            lambda: people.change_role(
                locked,
                role=form.cleaned_data["role"],
                job_title=form.cleaned_data["job_title"],
                by=self.request.user,
                reason=form.cleaned_data["change_reason"],
            ),
            _("%(name)s’s role is saved.") % {"name": person_name(self.object.user)},
            error_field="role",
        )


class MembershipEndView(MembershipMixin, ObjectFormView):
    """End a person's role in the council (their account stays)."""

    form_class = EndMembershipForm
    template_name = "governance/membership_end.html"
    context_object_name = "membership"

    def form_valid(self, form):
        return self.carry_out(
            form,
            lambda: people.end_membership(
                self.object, by=self.request.user, reason=form.cleaned_data["reason"]
            ),
            _("%(name)s no longer has a role in %(council)s.")
            % {"name": person_name(self.object.user), "council": self.organisation},
        )


class PasswordResetLinkView(MembershipMixin, ObjectFormView):
    """Send the person an e-mail with a link to choose a new password."""

    form_class = ConfirmationForm
    template_name = "governance/password_reset_link.html"
    context_object_name = "membership"

    def form_valid(self, form):
        return self.carry_out(
            form,
            lambda: people.send_password_reset(self.request, self.object.user),
            _("A link to choose a new password has been sent to %(email)s.")
            % {"email": self.object.user.email},
        )


class SecondFactorResetView(MembershipMixin, ObjectFormView):
    """Remove someone's authenticator app (a lost phone), with a reason."""

    form_class = EndMembershipForm
    template_name = "governance/second_factor_reset.html"
    context_object_name = "membership"

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["reason"].label = _("Why are you resetting their app?")
        form.fields["reason"].help_text = _("For example, “Phone lost”.")
        form.fields["reason"].error_messages["required"] = _(
            "Enter why you are resetting their app"
        )
        return form

    def get_context_data(self, **kwargs):
        from .second_factor import authenticator_of

        return super().get_context_data(
            has_app=authenticator_of(self.object.user) is not None, **kwargs
        )

    def form_valid(self, form):
        return self.carry_out(
            form,
            lambda: people.reset_second_factor(
                self.object, by=self.request.user, reason=form.cleaned_data["reason"]
            ),
            _(
                "%(name)s’s authenticator app is removed. They set up a new one "
                "when they next sign in."
            )
            % {"name": person_name(self.object.user)},
        )


def person_name(user):
    return user.get_full_name() or user.username


@method_decorator(login_not_required, name="dispatch")
@method_decorator(never_cache, name="dispatch")
class InvitationAcceptView(TemplateView):
    """The page an invitation's link opens.

    Someone with no account creates one (choosing their own username and
    password) and is given the role; someone whose account has the
    invitation's e-mail address signs in as it and accepts. A link that is
    unknown, used, cancelled or expired answers 404 with the same page, so a
    guessed link learns nothing.
    """

    template_name = "governance/invitation_accept.html"

    def dispatch(self, request, *args, **kwargs):
        self.invitation = people.pending_invitation(kwargs["token"])
        if self.invitation is None:
            if request.method == "POST":
                # The form sent again (back and accept, a second tab, a
                # double click that got through): say it was accepted.
                used = people.accepted_invitation(kwargs["token"])
                if used is not None:
                    return self.already_accepted(used)
            return TemplateResponse(
                request, "governance/invitation_invalid.html", status=404
            )
        User = get_user_model()
        self.has_account = User.objects.filter(
            email__iexact=self.invitation.email
        ).exists()
        self.is_invitee = (
            request.user.is_authenticated
            and request.user.email.lower() == self.invitation.email.lower()
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form(self):
        data = self.request.POST if self.request.method == "POST" else None
        if self.has_account:
            return ConfirmationForm(data)
        initial = {
            "first_name": self.invitation.first_name,
            "last_name": self.invitation.last_name,
        }
        return NewAccountForm(data, initial=initial)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.get_form())
        return super().get_context_data(
            invitation=self.invitation,
            has_account=self.has_account,
            is_invitee=self.is_invitee,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if self.has_account and not self.is_invitee:
            # Only the account the invitation was sent to may accept it.
            raise PermissionDenied(_("Sign in as the person this invitation is for."))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            with transaction.atomic():
                # Two posts of the form at once queue here: the second finds
                # it accepted and makes no second account.
                if not people.lock_pending(self.invitation):
                    used = Invitation.objects.get(pk=self.invitation.pk)
                    if used.accepted_at is not None:
                        return self.already_accepted(used)
                    raise people.PeopleRuleBroken(
                        _("This invitation has been cancelled or has expired.")
                    )
                if self.has_account:
                    user = request.user
                else:
                    user = form.save(commit=False)
                    user.email = self.invitation.email
                    user.save()
                people.accept(self.invitation, user)
        except people.PeopleRuleBroken as broken:
            form.add_error(None, str(broken))
            return self.render_to_response(self.get_context_data(form=form), status=409)
        except IntegrityError:
            # The username was taken at the same moment by someone else.
            form.add_error(
                "username" if "username" in form.fields else None,
                _("Someone else took this username just now: choose another."),
            )
            return self.render_to_response(self.get_context_data(form=form), status=409)
        if not self.has_account:
            login(request, user, backend=principal.BACKEND)
        choose_organisation(request, self.invitation.organisation)
        messages.success(
            request,
            _("You now have the role of %(role)s in %(council)s.")
            % {
                "role": self.invitation.get_role_display().lower(),
                "council": self.invitation.organisation,
            },
        )
        return redirect("governance:home")

    def already_accepted(self, invitation):
        """The answer to an accepted invitation's form sent again: its
        acceptor, signed in, is taken to the council with a notification;
        anyone else is told to sign in (409; nothing made)."""
        user = self.request.user
        if user.is_authenticated and invitation.accepted_by_id == user.pk:
            choose_organisation(self.request, invitation.organisation)
            messages.info(self.request, ALREADY_ACCEPTED)
            return redirect("governance:home")
        return TemplateResponse(
            self.request,
            "governance/invitation_invalid.html",
            {"already_accepted": True},
            status=409,
        )


#: The notification for an accepted invitation's form sent again.
ALREADY_ACCEPTED = gettext_lazy(
    "This invitation was already accepted. The form was sent more than once; "
    "nothing new was made."
)


# --- the council's own lists (committees, departments) ---------------------------


class CouncilRecordMixin(CouncilPageMixin):
    """Add or change a record on one of the council's lists; each app sets
    `model`, `form_class`, `permission_action` and `noun` ("committee")."""

    template_name = "governance/council_record_form.html"
    noun = ""

    def get_queryset(self):
        return self.model.objects.for_organisation(self.organisation)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            noun=self.noun, back_url=self.get_success_url(), **kwargs
        )

    def form_valid(self, form):
        with transaction.atomic():
            return self.save_valid(form)

    def save_valid(self, form, locked=None):
        adding = form.instance.pk is None
        save_with_reason(
            form.save(commit=False),
            user=self.request.user,
            reason=(
                _("%(noun)s added") % {"noun": self.noun.capitalize()}
                if adding
                else form.cleaned_data["change_reason"]
            ),
        )
        messages.success(
            self.request,
            _("%(noun)s “%(name)s” saved.")
            % {"noun": self.noun.capitalize(), "name": form.instance.name},
        )
        return redirect(self.get_success_url())

    def get_success_url(self):
        """Where a saved record leads: the council's page, unless the list
        has its own."""
        return self.organisation.get_absolute_url()


class CouncilRecordCreateView(CouncilRecordMixin, CreateView):
    pass


class CouncilRecordUpdateView(VersionedUpdateMixin, CouncilRecordMixin, UpdateView):
    pass


# --- the posts the council names on its papers --------------------------------------


class PostMixin:
    """The council's posts (cabinet portfolios, directors, heads of service,
    report contacts): its clerks and administrators keep the list."""

    model = Post
    form_class = PostForm
    permission_action = "manage_committee_business"
    permission_denied_message = gettext_lazy(
        "Only the council's clerks and administrators can manage its posts."
    )
    noun = gettext_lazy("post")

    def get_success_url(self):
        return reverse("governance:posts", args=[self.organisation.slug])


class PostListView(PostMixin, CouncilPageMixin, TemplateView):
    template_name = "governance/post_list.html"
    headings = {
        PostKind.CABINET_PORTFOLIO: gettext_lazy("Cabinet portfolios"),
        PostKind.DIRECTOR: gettext_lazy("Directors"),
        PostKind.HEAD_OF_SERVICE: gettext_lazy("Heads of service"),
        PostKind.REPORT_CONTACT: gettext_lazy("Report contacts"),
    }

    def get_context_data(self, **kwargs):
        posts = Post.objects.for_organisation(self.organisation).select_related(
            "holder__user"
        )
        groups = {kind: [] for kind in PostKind}
        for post in posts:
            groups[PostKind(post.kind)].append(post)
        return super().get_context_data(
            groups=[(self.headings[kind], rows) for kind, rows in groups.items()],
            **kwargs,
        )


class PostCreateView(CreateOnceMixin, PostMixin, CouncilRecordCreateView):
    pass


class PostUpdateView(PostMixin, CouncilRecordUpdateView):
    pass
