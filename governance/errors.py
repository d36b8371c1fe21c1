"""Error pages rendered with the request, so they carry the layout and CSP nonce."""

from django.http import HttpResponseServerError
from django.shortcuts import render


def csrf_failure(request, reason=""):
    """A form sent from an expired or replayed page: explain, change nothing."""
    return render(request, "403_csrf.html", status=403)


def server_error(request):
    """The 500 page; falls back to plain text if even the template fails."""
    try:
        return render(request, "500.html", status=500)
    except Exception:  # noqa: BLE001 - the error page must never raise
        return HttpResponseServerError(
            "Sorry, there is a problem with the service.", content_type="text/plain"
        )
