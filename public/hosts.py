"""A council's public site at its own host name (`Organisation.public_host`).

`PublicHostMiddleware` looks at the host asked for. The service's own host
(`SITE_URL`) and anything that is not a dotted name (`localhost`, an IP
address, the test client's `testserver`) are the service, with no query.
Another host is looked up among the councils' public hosts (one indexed
query); a council's is answered from `public.host_urls`: the same public
views at the root (`/meetings/…` for `/public/<slug>/meetings/…`), where
every `public:` address is reversed without the prefix (`HereConverter`),
so links follow the way the site was reached. The service's own pages are
not served there: they are redirected to the service's host (`SITE_URL`).
A host Django does not allow (`ALLOWED_HOSTS`) is Django's 400, as ever.
"""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.http.request import split_domain_port
from django.shortcuts import get_object_or_404

from governance.hosts import HOST_NAME, service_host
from governance.models import Organisation

#: The urlconf of a council's own host.
HOST_URLCONF = "public.host_urls"


class HereConverter:
    """The council's place in a public address on its own host: nothing.

    Matches the empty string (the view is given slug "", the council being
    the host's) and reverses any council's slug to nothing."""

    regex = ""

    def to_python(self, value):
        return value

    def to_url(self, value):
        return ""


def public_site_of(host):
    """The council whose public site `host` is, or None (no query for the
    service's own host or a name that cannot be a council's)."""
    domain, _port = split_domain_port(host)
    domain = domain.lower()
    if not HOST_NAME.match(domain) or domain == service_host():
        return None
    return Organisation.objects.filter(public_host=domain).first()


def site_organisation(request, slug):
    """The council of a public page: the host's on a council's own host,
    else the one named in the address (404 if none)."""
    organisation = getattr(request, "public_site", None)
    if organisation is not None:
        return organisation
    return get_object_or_404(Organisation, slug=slug)


class PublicHostMiddleware:
    """Serve a council's public site on its own host (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.public_site = public_site_of(request.get_host())
        if request.public_site is not None:
            request.urlconf = HOST_URLCONF
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.public_site is None:
            return None
        if request.resolver_match.app_name == "public":
            return None
        # A page of the service itself: on the service's own host.
        return HttpResponseRedirect(
            settings.SITE_URL.rstrip("/") + request.get_full_path()
        )
