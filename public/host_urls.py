"""The urlconf of a council's own host (`public/hosts.py`): its public site
at the root, under the same names as `/public/<slug>/…` (`public:…`).

The service's other addresses stay here only so that pages can still name
them (the "Sign in" link); `PublicHostMiddleware` redirects them to the
service's host. `/public/…` itself is not here: another council's slug
under a council's host is a 404.
"""

from django.urls import URLPattern, include, path, register_converter

from config.urls import handler500  # noqa: F401
from config.urls import urlpatterns as service_urlpatterns

from . import urls as public_urls
from .hosts import HereConverter

register_converter(HereConverter, "here")


def _at_root(pattern):
    route = str(pattern.pattern).replace("<slug:slug>/", "<here:slug>", 1)
    return path(route, pattern.callback, name=pattern.name)


public_at_root = [
    _at_root(pattern)
    for pattern in public_urls.urlpatterns
    if isinstance(pattern, URLPattern)
]

urlpatterns = [
    path("", include((public_at_root, public_urls.app_name), namespace="public")),
    *(
        pattern
        for pattern in service_urlpatterns
        if getattr(pattern, "namespace", None) != "public"
    ),
]
