"""Which council a signed-in person is working in; the second factor's gate."""

from functools import partial
from urllib.parse import urlencode

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware as BaseOTPMiddleware
from django_otp.models import Device

from .choices import Role
from .errors import remember_council
from .models import Organisation
from .permissions import roles_of
from .principal import DEVICES_ATTRIBUTE, ORGANISATIONS_ATTRIBUTE, preloaded
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
            request.organisation = current_organisation(request.user, roles, chosen)
            if request.organisation is not None:
                request.role = Role(roles[request.organisation.pk])
                remember_council(request, request.organisation)
        return self.get_response(request)


def current_organisation(user, roles, chosen):
    """The council `chosen` (one of `roles`), else the first of `roles` by
    name: from the councils read with the person (`principal.py`) when
    they were, else from the database."""
    known = preloaded(user, ORGANISATIONS_ATTRIBUTE)
    if known is not None and {organisation.pk for organisation in known} == set(roles):
        return next((o for o in known if chosen is None or o.pk == chosen), None)
    organisations = Organisation.objects.filter(pk__in=roles.keys())
    if chosen is not None:
        organisations = organisations.filter(pk=chosen)
    return organisations.order_by("name").first()


class OTPMiddleware(BaseOTPMiddleware):
    """django-otp's middleware (`user.otp_device`, `user.is_verified()`),
    without its query when the person was read with their confirmed
    devices (`principal.py`): the session's device is one of them, or it
    is checked as django-otp checks it. The device itself is read only if
    something uses it."""

    def _verify_user_sync(self, request, user):
        if user.is_authenticated:
            confirmed = preloaded(user, DEVICES_ATTRIBUTE)
            persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
            if confirmed is not None and not persistent_id:
                self._init_user_fields(user)
                return user
            if confirmed is not None:
                persistent_id = self._normalize_persistent_id(persistent_id)
                if persistent_id in confirmed:
                    self._init_user_fields(user)
                    user.otp_device = SimpleLazyObject(
                        partial(Device.from_persistent_id, persistent_id)
                    )
                    return user
        return super()._verify_user_sync(request, user)


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
