"""Host names: the council's own address for its public site
(`Organisation.public_host`, served by `public/hosts.py`)."""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: One label of a host name: letters, digits and hyphens, not at either end.
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
#: Two labels or more, the last letters only (no IP addresses, no port).
HOST_NAME = re.compile(rf"^(?:{_LABEL}\.)+[a-z]{{2,63}}$")


def normalise_host(value):
    """`value` as stored: lower case, no spaces, no final dot; None if empty."""
    value = (value or "").strip().lower().rstrip(".")
    return value or None


def service_host():
    """The host of the service itself (`SITE_URL`), never a council's."""
    return (urlsplit(settings.SITE_URL).hostname or "").lower()


def validate_public_host(value):
    if "/" in value or ":" in value:
        raise ValidationError(
            _(
                "Enter the host name only, without https:// or a slash, "
                "like democracy.example-council.gov.uk"
            ),
            code="address_not_host",
        )
    if len(value) > 253 or not HOST_NAME.match(value):
        raise ValidationError(
            _(
                "Enter a host name like democracy.example-council.gov.uk: "
                "letters, numbers, hyphens and dots"
            ),
            code="not_a_host_name",
        )
    if value == service_host():
        raise ValidationError(
            _("Enter your council’s own host name, not this service’s"),
            code="service",
        )
