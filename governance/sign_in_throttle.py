"""Sign-in throttling: django-axes, with a limit for each thing it counts.

Settings (`config/settings/base.py`): `SIGN_IN_FAILURE_LIMITS` maps each of
axes' lockout parameters ("username", "ip_address") to the number of failed
sign-ins within `AXES_COOLOFF_TIME` that locks it; `TRUSTED_PROXY_COUNT`
says how many of our own reverse proxies stand in front of the app.
"""

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


class SignInThrottle(AxesDatabaseHandler):
    """Axes' database handler with its own limit for each lockout parameter.

    Axes counts the failures matching each of `AXES_LOCKOUT_PARAMETERS` and
    compares the largest count with one limit, `AXES_FAILURE_LIMIT`. Here each
    count is first scaled by `AXES_FAILURE_LIMIT / its own limit` (rounded
    down), so it reaches `AXES_FAILURE_LIMIT` exactly when it reaches its own
    limit: a username locks at its limit, an address at its (higher) one.
    """

    def get_failures(self, request, credentials=None):
        limit = settings.AXES_FAILURE_LIMIT
        scaled = [0]
        for parameter, attempts in zip(
            settings.AXES_LOCKOUT_PARAMETERS,
            self.get_user_attempts(request, credentials),
            strict=True,
        ):
            own_limit = settings.SIGN_IN_FAILURE_LIMITS[parameter]
            failures = (
                attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            )
            scaled.append(failures * limit // own_limit)
        return max(scaled)

    def reset_user_attempts(self, request, credentials=None):
        """After a successful sign-in, forget that username's failures from
        that address: the person's own mistakes. Failures for the username
        from elsewhere, and for other usernames from here, still count."""
        count, _ = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        ).delete()
        return count


def client_address(request):
    """The address of the person making `request` (`AXES_CLIENT_IP_CALLABLE`).

    With no trusted proxies, the address the connection came from
    (REMOTE_ADDR); X-Forwarded-For is ignored, as any client can send one.
    Behind N trusted proxies, each appending the address it was reached from,
    the Nth entry of X-Forwarded-For from the right: what our outermost proxy
    saw. Entries to its left were written by the client and are never used.
    A header too short or not holding an address gives REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    ]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
