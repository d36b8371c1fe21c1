"""A kept document's page answered again to the same session without
building the request.

A kept document (`documents.py`) costs little to render once kept, but
every request for it still went through the whole middleware chain, the
URL resolver, the view, the record's query and its permissions: about
9 ms a request on one core, where the same bytes as a static file took
under 1 ms. `KeptPageMiddleware` answers a repeated request of the same
session for the same page from what the full answer left behind, while
nothing it depended on has changed.

When the full answer to a kept document is given (`CachedDocumentMixin`
says so on the request: the record's council and its data mark), the
middleware keeps, under the host, the path with its query string and the
session key:

- the principal's fingerprint (`principal.FINGERPRINT_ATTRIBUTE`): a digest
  of everything the principal's query read before the page was built: the
  person's row (active, password, superuser), their roles now with their
  councils, their second-factor devices, what they follow, and the
  session's row (signed in as whom, which council, second factor passed,
  not expired);
- the council's data mark as read before the page was built (it moves with
  any save or deletion of a record a page prints, with a call-in period
  ending, a meeting beginning and the day: `data_mark.py`);
- the CSRF cookie the page's forms were signed for;
- the answer's ETag, and its body and headers (not its cookies) when it
  holds nothing of that request alone (no flash message shown, no CSP
  nonce used).

A request for the same page by the same session, with the same CSRF
cookie and no flash message waiting in a cookie, is answered from it when
the principal's rows read again with the session give the same
fingerprint and the council's data mark is the same (both in one prepared
query): `304 Not Modified` to its ETag, the kept body otherwise. Anything
else goes the full way, which keeps the new answer. The checks the full
way makes (signed in, second factor passed, the council's member, allowed
to read the record, the actions offered) read nothing the fingerprint and
the mark do not cover, so they would give the same answer: a role ended or
changed, a session signed out, a device removed, a follow, a record saved
anywhere in the council all send the next request the full way. Another
session, of the same person or anyone else, never finds the entry.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import get_conditional_response

from .data_mark import mark_columns, mark_sql, template_digest
from .prepared import compiled_at_start, prepared_cursor
from .principal import FINGERPRINT_ATTRIBUTE, fingerprint_of, principal_sql

#: How long an entry is kept (seconds): a working day's session.
ENTRY_SECONDS = 8 * 60 * 60
#: The headers a 304 carries (RFC 9110, 15.4.5).
NOT_MODIFIED_HEADERS = {"etag", "cache-control", "vary", "expires", "content-location"}
#: Headers not kept with a body (set again by the server or the outer
#: middleware).
NOT_KEPT = {"content-length", "set-cookie", "date", "server"}


@dataclass(frozen=True)
class Facts:
    """What `CachedDocumentMixin` tells the middleware of a full answer."""

    council_id: int
    mark: str
    #: Whether the body holds nothing of this request alone.
    body_may_be_kept: bool


@dataclass(frozen=True)
class Entry:
    user_id: int
    principal: str
    council_id: int
    mark: str
    csrf_cookie: str
    etag: str
    headers: tuple
    body: bytes | None


#: Moved by `forget()`: part of every entry's key in this process.
_generation = [0]


def forget():
    """Leave every entry of this process unread: the next request of each
    session goes the full way (the tests measure the full way with it)."""
    _generation[0] += 1


def _key(request, session_key):
    found = hashlib.sha256(
        repr(
            (
                request.get_host(),
                request.get_full_path(),
                session_key,
                template_digest(),
                _generation[0],
            )
        ).encode()
    ).hexdigest()
    return f"kept-page:{found}"


def tell(request, council_id, mark, body_may_be_kept):
    """Called by the view that gives a kept document's full answer."""
    request._kept_page_facts = Facts(council_id, mark, body_may_be_kept)


class KeptPageMiddleware:
    """See the module. Placed before the session middleware: an answer from
    an entry goes through no other."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        entry_key = self._entry_key(request)
        if entry_key is not None:
            answer = self._answer(request, entry_key)
            if answer is not None:
                return answer
        response = self.get_response(request)
        if entry_key is not None:
            self._keep(request, response, entry_key)
        return response

    @staticmethod
    def _entry_key(request):
        if request.method != "GET":
            return None
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if not session_key:
            return None
        return _key(request, session_key)

    @staticmethod
    def _answer(request, entry_key):
        if request.COOKIES.get(_messages_cookie()):
            return None  # a flash message is waiting: the full way shows it
        entry = cache.get(entry_key)
        if entry is None:
            return None
        if request.COOKIES.get(settings.CSRF_COOKIE_NAME, "") != entry.csrf_cookie:
            return None
        session_key = request.COOKIES[settings.SESSION_COOKIE_NAME]
        if _now_read(entry, session_key) != (entry.principal, entry.mark):
            return None
        return kept_answer(request, entry.etag, entry.headers, entry.body)

    @staticmethod
    def _keep(request, response, entry_key):
        facts = getattr(request, "_kept_page_facts", None)
        if facts is None or response.status_code not in (200, 304):
            return
        user = getattr(request, "user", None)
        principal = getattr(user, FINGERPRINT_ATTRIBUTE, None)
        session = getattr(request, "session", None)
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if (
            principal is None
            or session is None
            or session.session_key != session_key
            or session.modified
        ):
            return
        csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
        for name, morsel in response.cookies.items():
            # Only the CSRF cookie sent again as it was (to renew its age).
            if name != settings.CSRF_COOKIE_NAME or morsel.value != csrf_cookie:
                return
        etag = response.get("ETag")
        if not etag:
            return
        body = None
        if (
            response.status_code == 200
            and facts.body_may_be_kept
            # The page's inline scripts would need the answer's nonce.
            and not getattr(request, "_csp_nonce", None)
        ):
            body = response.content
        elif response.status_code == 304:
            # Answered 304 by the full way: the body kept for the same
            # answer stays.
            kept = cache.get(entry_key)
            if (
                kept is not None
                and kept.etag == etag
                and kept.principal == principal
                and kept.mark == facts.mark
            ):
                body = kept.body
        cache.set(
            entry_key,
            Entry(
                user_id=user.pk,
                principal=principal,
                council_id=facts.council_id,
                mark=facts.mark,
                csrf_cookie=csrf_cookie,
                etag=etag,
                headers=kept_headers(response),
                body=body,
            ),
            ENTRY_SECONDS,
        )


def kept_headers(response):
    """`response`'s headers to give again with its body (or, some of them,
    with a 304)."""
    return tuple(
        (name, value)
        for name, value in response.items()
        if name.lower() not in NOT_KEPT
    )


def kept_answer(request, etag, headers, body):
    """The answer to `request` from a kept one (its ETag, `kept_headers`
    and body): 304 when the request holds the ETag, else the body with
    its headers; None when it would need the body and none was kept."""
    if get_conditional_response(request, etag=etag) is not None:
        answer = HttpResponseNotModified()
        for name, value in headers:
            if name.lower() in NOT_MODIFIED_HEADERS:
                answer[name] = value
        return answer
    if body is None:
        return None
    answer = HttpResponse(body)
    for name, value in headers:
        answer[name] = value
    answer["Content-Length"] = str(len(body))
    return answer


@compiled_at_start()
def _check_sql():
    """The principal's query (`principal.py`) with the council's data mark
    (`data_mark.py`) as a first column of each row: what an entry is checked
    against, in one prepared statement. Its parameters' roles."""
    principal, principal_roles, _user, _organisation = principal_sql()
    mark, mark_roles = mark_sql(by_part=False)
    columns = mark_columns(by_part=False)
    names = ", ".join(f"c{index}" for index in range(columns))
    values = ", ".join(f"COALESCE(c{index}::text, '0')" for index in range(columns))
    sql = (
        f"SELECT (SELECT concat_ws('.', {values}) FROM ({mark}) AS mark({names})), "  # noqa: S608 - compiled queries, no text of anyone's
        f"principal.* FROM ({principal}) AS principal"
    )
    return sql, [*mark_roles, *principal_roles]


def _now_read(entry, session_key):
    """(The principal's fingerprint, the council's data mark) as they are
    now (`principal.fingerprint_of`, `data_mark()`), in one prepared query."""
    sql, roles = _check_sql()
    values = {
        "council": entry.council_id,
        "user": entry.user_id,
        "session": session_key,
        "now": timezone.now(),
    }
    with prepared_cursor() as cursor:
        cursor.execute(sql, [values[role] for role in roles])
        rows = cursor.fetchall()
    if not rows or rows[0][-1] is None:
        return None  # no such person, or the session has ended or expired
    mark = f"{rows[0][0]}.{timezone.localdate()}"
    return fingerprint_of([row[1:] for row in rows]), mark


def _messages_cookie():
    from django.contrib.messages.storage.cookie import CookieStorage

    return getattr(settings, "MESSAGES_COOKIE_NAME", CookieStorage.cookie_name)
