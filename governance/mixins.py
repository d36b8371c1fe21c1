"""View mixins shared by every app: scoping and per-object permission.

A view declares its model and the action it performs; the mixin does the
rest, so no view writes its own access rule.
"""

import copy

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import transaction
from django.db.models import F
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .forms import VersionedFormMixin
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
        return self.checked(super().get_object(queryset))

    def checked(self, obj):
        """`obj`, if the user's role allows `permission_action` on it."""
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


#: Why a form without the version it was based on was not saved.
UNCHECKED = gettext_lazy(
    "This form did not say which version of the record it was based on, so "
    "it could not be checked against changes others may have saved. Nothing "
    "has been saved: your text is still in the form; check it and save again."
)


def version_of(record):
    """The version a form carries for `record`: 0 for one not yet made."""
    if record is None or record.pk is None:
        return 0
    return record.version


def _field_values(record):
    # Not the columns PostgreSQL computes (the search vector): no form
    # writes them and no save does either.
    return {
        field.attname: copy.deepcopy(getattr(record, field.attname))
        for field in record._meta.concrete_fields
        if not field.generated
    }


class VersionedUpdateMixin:
    """Every page that changes an existing record or a list of rows: a save
    based on an older version is refused instead of silently overwriting.

    The form carries the version the person loaded (`VersionedFormMixin`;
    `VersionOnlyForm` on a page that edits only a list). On save, in one
    transaction with its history rows and events:

    1. `refused_now()`: the state checks ("is it still a draft?") are asked
       again with the row they read locked (`PolicyMixin`);
    2. the versioned row is locked (`versioned_record()`: the record edited,
       or the parent of the list of rows edited) and its version compared:
       if it has moved on, nothing is saved and the page (409) shows, field
       by field and row by row, what the other person saved beside what this
       person typed, their text kept in the form;
    3. the fields the form left as they were loaded are taken from the
       locked row, so the save writes only what this person changed;
    4. `save_valid(form, locked)` (each view's own: save the form, return
       the response) saves; then, if that did not move the
       versioned row's version on (a page that saved only its rows), it is
       moved on here, so the next stale save of the list is refused too.
    """

    #: Fields compared when showing a conflict (default: the form's fields).
    conflict_fields = None

    def versioned_record(self):
        """The row whose version guards this page (default: the record)."""
        return self.object

    def get_initial(self):
        initial = super().get_initial()
        initial["version"] = version_of(self.versioned_record())
        return initial

    def get_form(self, form_class=None):
        """The page's form, carrying the version (added here to any form
        that does not declare it, so every guarded page has it)."""
        form = super().get_form(form_class)
        if "version" not in form.fields:
            form.fields["version"] = copy.deepcopy(
                VersionedFormMixin.base_fields["version"]
            )
        return form

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        instance = kwargs.get("instance")
        # As loaded, before the form writes onto it (step 3). Only the first
        # call counts: some views ask for the kwargs again after validation.
        if not hasattr(self, "loaded"):
            self.loaded = None if instance is None else _field_values(instance)
        return kwargs

    def refused_now(self):
        """A response if the record's state now refuses the change, checked
        on locked rows inside the save's transaction (else None)."""
        check = getattr(self, "policy_refusal_now", None)
        return check() if check is not None else None

    def lock_versioned(self):
        """The versioned row, locked until the save's transaction ends."""
        record = self.versioned_record()
        if record.pk is None:
            return self.lock_new(record)
        return type(record)._default_manager.select_for_update().get(pk=record.pk)

    def lock_new(self, record):
        """A council's settings never saved: lock the council's row (so two
        first saves queue), then look again: another may have made it."""
        from .models import Organisation

        Organisation.objects.select_for_update().get(pk=record.organisation_id)
        return self.get_object()

    def form_valid(self, form):
        with transaction.atomic():
            refusal = self.refused_now()
            if refusal is not None:
                return refusal
            locked = self.lock_versioned()
            before = version_of(locked)
            # A row of the list removed by someone else is a change too,
            # however it was removed (`GoneRowsMixin`).
            gone = getattr(getattr(self, "formset", None), "rows_gone", 0)
            if before != form.cleaned_data["version"] or gone:
                return self.conflict(form, locked)
            self.keep_untouched(form, locked)
            response = self.save_valid(form, locked)
            if locked.pk is not None:
                # (Not moved on again if the save moved it on itself.)
                type(locked)._default_manager.filter(
                    pk=locked.pk, version=before
                ).update(version=F("version") + 1)
        return response

    def render_to_response(self, context, **kwargs):
        """A form posted without a version it was based on (a script, a
        page saved from a browser long ago) is refused, never saved
        unchecked: 400, the person's text kept, a sentence saying why, and
        the form now carrying the current version, so saving again is a
        deliberate choice."""
        form = context.get("form")
        if (
            form is not None
            and form.is_bound
            and "version" in form.fields
            and "version" in form.errors
        ):
            del form.errors["version"]
            form.add_error(None, UNCHECKED)
            data = form.data.copy()
            data[form.add_prefix("version")] = version_of(self.versioned_record())
            form.data = data
            kwargs.setdefault("status", 400)
        return super().render_to_response(context, **kwargs)

    def keep_untouched(self, form, locked):
        """Step 3: on the instance the form saves, every field it did not
        change takes the locked row's value."""
        instance = getattr(form, "instance", None)
        loaded = getattr(self, "loaded", None)
        if loaded is None or type(instance) is not type(locked):
            return
        for name, was in loaded.items():
            if getattr(instance, name) == was:
                setattr(instance, name, getattr(locked, name))

    def changed_since_loaded(self, form, current, names):
        return _changed_since_loaded(
            getattr(self, "loaded", None), form, current, names
        )

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
        formset = getattr(self, "formset", None)
        listed = formset_conflict_rows(formset) if formset is not None else []
        rows += listed
        elsewhere = not listed and not self.changed_since_loaded(form, current, names)
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
        data[form.add_prefix("version")] = version_of(current)
        form.data = data
        extra = {"formset": formset} if formset is not None else {}
        # Nothing they saved is on this form: they changed something it does
        # not show (a row added to, moved in or removed from one of its lists).
        extra["conflict_elsewhere"] = elsewhere
        context = self.get_context_data(form=form, conflict=rows, **extra)
        return self.render_to_response(context, status=409)


def _changed_since_loaded(loaded, form, current, names):
    """Whether any of the fields `names` of `current` differs from the
    record as this person loaded it (True when that is not known)."""
    if loaded is None or type(getattr(form, "instance", None)) is not type(current):
        return True
    for name in names:
        try:
            attname = current._meta.get_field(name).attname
        except FieldDoesNotExist:
            continue
        if attname in loaded and loaded[attname] != getattr(current, attname):
            return True
    return False


def _row_text(form, values):
    """One row of a list as text: its fields' values (from the `values`
    dict), one per line."""
    lines = []
    for name, field in form.fields.items():
        if name in ("id", "ORDER", "DELETE", form.fk_name):
            continue
        value = values.get(name)
        if value in (None, ""):
            continue
        lines.append(f"{field.label}: {value}")
    return "\n".join(lines)


def formset_conflict_rows(formset):
    """The rows of a list as saved now beside the rows as posted, for the
    conflict page: one line per row that differs (rows matched by id; a row
    only one side has is compared with nothing)."""
    noun = str(getattr(formset, "noun", _("row"))).capitalize()
    fk_name = formset.fk.name
    saved = {
        row.pk: row
        for row in formset.model._default_manager.filter(
            **{fk_name: formset.instance.pk}
        )
    }

    def stored(form, row):
        return _row_text(form, {name: getattr(row, name, "") for name in form.fields})

    rows = []
    for index, form in enumerate(formset.forms, start=1):
        form.fk_name = fk_name
        pk = form.instance.pk
        blank = pk is None and not form.has_changed()
        yours = (
            ""
            if form in formset.deleted_forms or blank
            else _row_text(form, form.cleaned_data)
        )
        theirs = stored(form, saved.pop(pk)) if pk in saved else ""
        if theirs != yours:
            rows.append({"label": f"{noun} {index}", "theirs": theirs, "yours": yours})
    template = formset.empty_form
    template.fk_name = fk_name
    for row in saved.values():  # added by them
        rows.append({"label": noun, "theirs": stored(template, row), "yours": ""})
    return rows


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
