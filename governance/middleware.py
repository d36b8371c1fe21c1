"""Which council a signed-in person is working in; the second factor's gate."""

from urllib.parse import urlencode

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import reverse

from .choices import Role
from .errors import remember_council
from .models import Organisation
from .permissions import roles_of
from .second_factor import Step, step_owed

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
                remember_council(request, request.organisation)
        return self.get_response(request)


def choose_organisation(request, organisation):
    """Make `organisation` the council `request`'s user is working in."""
    request.session[SESSION_KEY] = organisation.pk
    request.organisation = organisation
    request.role = Role(roles_of(request.user)[organisation.pk])


class SecondFactorMiddleware:
    """Keep a person who still owes a second-factor step on that step's page.

    Someone signed in with their password who has an authenticator app but
    has not yet entered a code this session reaches only the code page;
    someone who must have one and has none, only the set-up page. Both may
    sign out. Everyone else (verified, or with nothing owed) passes. Sets
    `request.second_factor_step` (a `second_factor.Step` or None) for the
    layout, which then offers no navigation. Runs after
    `LoginRequiredMiddleware` (anonymous people are sent to sign in first)
    and `OTPMiddleware` (which says whether the session is verified).
    """

    #: The URL names open to someone owing each step; `PAGES` is where they go.
    OPEN = {
        Step.VERIFY: {"sign_in_code", "logout", "healthz"},
        Step.SET_UP: {"second_factor_set_up", "logout", "healthz"},
    }
    PAGES = {Step.VERIFY: "sign_in_code", Step.SET_UP: "second_factor_set_up"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.second_factor_step = None
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        step = step_owed(request.user)
        request.second_factor_step = step
        if step is None or request.resolver_match.view_name in self.OPEN[step]:
            return None
        target = reverse(self.PAGES[step])
        if request.method == "GET":
            target += "?" + urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
        return redirect(target)
