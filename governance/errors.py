"""Error pages rendered with the request, so they carry the layout and CSP nonce.

One exception: while the database cannot be reached, a request fails with
the 503 page (`service_unavailable`), which is drawn without asking the
database anything (no context processors: they look up who is signed in).
"""

import hashlib
import os
import sys
import threading
from collections import OrderedDict
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import InterfaceError
from django.http import HttpResponse, HttpResponseServerError
from django.middleware.csp import get_nonce
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.csp import CONTEXT_KEY as CSP_CONTEXT_KEY

#: Sent as Retry-After (seconds) while the database cannot be reached: the
#: pool reconnects within seconds of the server coming back.
RETRY_AFTER_SECONDS = 30

#: The council each recent session was working in, by a digest of its session
#: cookie (`remember_council`): while the database is away its sessions
#: cannot be read, but the 503 page can still carry the council's name. Kept
#: in this process (at most this many sessions; the oldest are forgotten)
#: and in a small file per session in `COUNCIL_MEMORY_DIR`, shared by every
#: server process on the machine, so a process that never served the
#: session still knows it. Written once per session and process.
_REMEMBERED_SESSIONS = 5000
_council_by_session: OrderedDict[str, str] = OrderedDict()
_remembering = threading.Lock()


def _memory_file(digest):
    folder = getattr(settings, "COUNCIL_MEMORY_DIR", None)
    return Path(folder) / digest if folder else None


def _write_memory(digest, name):
    """Write the council's name for the session, atomically; never raise
    (a full or read-only disk only loses the branding of a 503 page)."""
    path = _memory_file(digest)
    if path is None:
        return
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_name(f".{digest}.{os.getpid()}.{threading.get_ident()}")
        temporary.write_text(name, encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass


def _read_memory(digest):
    path = _memory_file(digest)
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8")[:200] or None
    except OSError:
        return None


def _session_digest(request):
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    return hashlib.sha256(key.encode()).hexdigest() if key else None


def remember_council(request, organisation):
    """Note the council `request`'s session is working in (middleware)."""
    digest = _session_digest(request)
    if digest is None or organisation is None:
        return
    with _remembering:
        if _council_by_session.get(digest) == organisation.name:
            _council_by_session.move_to_end(digest)
            return
        _council_by_session[digest] = organisation.name
        while len(_council_by_session) > _REMEMBERED_SESSIONS:
            _council_by_session.popitem(last=False)
    _write_memory(digest, organisation.name)


def remembered_council(request):
    """The council's name noted for `request`'s session, if any: an unsaved
    `Organisation` carrying only its name (for the page's header)."""
    from .models import Organisation

    digest = _session_digest(request)
    with _remembering:
        name = _council_by_session.get(digest) if digest else None
    if name is None and digest is not None:
        name = _read_memory(digest)  # learnt by another server process
    return Organisation(name=name) if name else None


#: PostgreSQL's codes for "the server is going away or not there yet": class
#: 08 (connection exception) and these three.
_UNAVAILABLE_STATES = {"57P01", "57P02", "57P03"}


def csrf_failure(request, reason=""):
    """A form sent from an expired or replayed page: explain, change nothing."""
    return render(request, "403_csrf.html", status=403)


def database_unavailable(exc):
    """Whether `exc` (or what caused it) says the database cannot be reached:
    no connection, a connection lost, the pool timing out waiting for one, the
    server shutting down or starting up. A query's own failure (a deadlock, a
    cancelled statement, bad SQL) is not."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, psycopg.InterfaceError):
            return True
        if isinstance(exc, psycopg.OperationalError):
            state = exc.sqlstate
            return (
                state is None or state.startswith("08") or state in _UNAVAILABLE_STATES
            )
        if isinstance(exc, psycopg.Error):
            return False
        if isinstance(exc, InterfaceError) and exc.__cause__ is None:
            return True  # Django's own "connection already closed"
        exc = exc.__cause__ or exc.__context__
    return False


def service_unavailable(request):
    """503 with Retry-After, drawn without the database.

    Branded with the council the person was working in: looked up before
    the database went (`request.organisation`), or remembered for their
    session from an earlier request (`remember_council`); otherwise with the
    product's own name. Plain text if even the template fails.
    """
    organisation = getattr(request, "organisation", None) or remembered_council(request)
    try:
        html = render_to_string(
            "503.html",
            {
                "current_organisation": organisation,
                CSP_CONTEXT_KEY: get_nonce(request),
                "retry_after_minutes": max(1, RETRY_AFTER_SECONDS // 60),
            },
        )
        response = HttpResponse(html, status=503)
    except Exception:  # noqa: BLE001 - the error page must never raise
        response = HttpResponse(
            "Sorry, the service is unavailable. Try again in a minute.",
            status=503,
            content_type="text/plain",
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request):
    """The 500 page; the 503 page instead when the error is that the database
    cannot be reached. Falls back to plain text if even the template fails.

    Django calls this while handling the exception, so `sys.exception()` is
    the error that failed the request.
    """
    if database_unavailable(sys.exception()):
        return service_unavailable(request)
    try:
        return render(request, "500.html", status=500)
    except Exception:  # noqa: BLE001 - the error page must never raise
        return HttpResponseServerError(
            "Sorry, there is a problem with the service.", content_type="text/plain"
        )
