"""View mixins shared by every app: scoping and per-object permission.

A view declares its model and the action it performs; the mixin does the
rest, so no view writes its own access rule.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .permissions import can


class OrganisationScopedMixin:
    """Reach objects only through `Model.objects.visible_to(user)`.

    An object outside the user's organisations is a 404 (its existence is
    not revealed); one inside that the user's role may not act on is a 403.
    """

    #: The action checked with `can()` on the object (see permissions.ACTIONS).
    permission_action = "view"

    def get_queryset(self):
        """Start from the rows visible to the user; subclasses may narrow further."""
        return super().get_queryset().visible_to(self.request.user)

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not can(self.request.user, self.permission_action, obj):
            raise PermissionDenied(self.permission_denied_message)
        return obj

    #: Shown on the 403 page.
    permission_denied_message = "Your role does not allow this."


class CurrentOrganisationListMixin(OrganisationScopedMixin):
    """A list of the records of the council the user is working in."""

    def get_queryset(self):
        return super().get_queryset().for_organisation(self.request.organisation)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # For pagination links that keep the filters (the bookmarkable query).
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        return context


class OrganisationActionMixin:
    """For pages that act on the current council rather than one record
    (e.g. "add a meeting"): the person's role there must allow the action."""

    permission_action = None

    def dispatch(self, request, *args, **kwargs):
        organisation = getattr(request, "organisation", None)
        if organisation is None or not can(
            request.user, self.permission_action, organisation
        ):
            raise PermissionDenied("Your role does not allow this.")
        return super().dispatch(request, *args, **kwargs)


class VersionedUpdateMixin:
    """Detect a concurrent edit instead of silently overwriting it.

    The form carries the version the person loaded (`VersionedFormMixin`).
    On save the row is locked; if its version has moved on, nothing is saved
    and the page shows, field by field, what the other person saved beside
    what this person typed, so nobody's text is lost. Subclasses implement
    `save_valid(form, locked)` and may list `conflict_fields`.
    """

    #: Fields compared when showing a conflict (default: the form's fields).
    conflict_fields = None

    def get_initial(self):
        initial = super().get_initial()
        initial["version"] = self.object.version
        return initial

    def form_valid(self, form):
        with transaction.atomic():
            locked = (
                type(self.object)
                ._default_manager.select_for_update()
                .get(pk=self.object.pk)
            )
            if locked.version != form.cleaned_data["version"]:
                return self.conflict(form, locked)
            response = self.save_valid(form, locked)
        return response

    def save_valid(self, form, locked):
        """Save the form onto the locked row and return the response."""
        raise NotImplementedError

    def conflict(self, form, current):
        names = self.conflict_fields or [
            name for name in form.fields if name not in ("version", "change_reason")
        ]
        rows = []
        for name in names:
            if not hasattr(current, name):
                continue
            theirs = getattr(current, name)
            yours = form.cleaned_data.get(name)
            if str(theirs) != str(yours):
                rows.append(
                    {
                        "label": form.fields[name].label,
                        "theirs": theirs,
                        "yours": yours,
                    }
                )
        form.add_error(
            None,
            _(
                "Someone else saved a change to this record while you were "
                "editing it. Your changes have not been saved: compare them "
                "below, then save again."
            ),
        )
        # The next save compares against what is there now.
        data = form.data.copy()
        data["version"] = current.version
        form.data = data
        context = self.get_context_data(form=form, conflict=rows)
        return self.render_to_response(context, status=409)


class CouncilPageMixin:
    """Pages under `/council/<slug>/` that act on that council's settings,
    lists or people: the council must be one of the person's (else 404) and
    their role there must allow `permission_action` (else 403). The council
    is `self.organisation`, passed to the form and the template."""

    permission_action = "change_organisation_settings"
    #: Shown on the 403 page.
    permission_denied_message = gettext_lazy(
        "Only the council's administrators can do this."
    )

    def dispatch(self, request, *args, **kwargs):
        from .models import Organisation

        self.organisation = get_object_or_404(
            Organisation.objects.visible_to(request.user), slug=kwargs["slug"]
        )
        if not can(request.user, self.permission_action, self.organisation):
            raise PermissionDenied(self.permission_denied_message)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        """The council, for forms that take one (`organisation=`)."""
        kwargs = super().get_form_kwargs()
        if getattr(self, "form_takes_organisation", True):
            kwargs["organisation"] = self.organisation
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(organisation=self.organisation, **kwargs)
