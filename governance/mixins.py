"""View mixins shared by every app: scoping and per-object permission.

A view declares its model and the action it performs; the mixin does the
rest, so no view writes its own access rule.
"""

from django.core.exceptions import PermissionDenied

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
