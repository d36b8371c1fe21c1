"""Which council a signed-in person is working in."""

from .choices import Role
from .models import Organisation
from .permissions import roles_of

SESSION_KEY = "current_organisation_id"


class CurrentOrganisationMiddleware:
    """Set `request.organisation` and `request.role` for signed-in people.

    A person with roles in several councils chooses one (stored in the
    session); otherwise their only council is used. Lists show the records of
    this council; a record of another council is reached only through the
    access policy, never through this choice alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organisation = None
        request.role = None
        roles = roles_of(request.user)
        if roles:
            chosen = request.session.get(SESSION_KEY)
            if chosen not in roles:
                chosen = None
            organisations = Organisation.objects.filter(pk__in=roles.keys())
            if chosen is not None:
                organisations = organisations.filter(pk=chosen)
            request.organisation = organisations.order_by("name").first()
            if request.organisation is not None:
                request.role = Role(roles[request.organisation.pk])
        return self.get_response(request)


def choose_organisation(request, organisation):
    """Make `organisation` the council `request`'s user is working in."""
    request.session[SESSION_KEY] = organisation.pk
    request.organisation = organisation
    request.role = Role(roles_of(request.user)[organisation.pk])
