"""Public pages are the same for everyone, so shared caches may keep them.

Each response carries `Cache-Control: public, max-age=PUBLIC_MAX_AGE` and an
ETag; a request whose `If-None-Match` holds it gets 304 with no page built.
The ETag is made from the versions of what the public site prints, read in
one query (`public_data_mark`, from `governance/data_mark.py`): the newest
history row of every public record type (every save and deletion writes
one), the council's own version, and what changes with time alone
(decisions whose call-in period has ended, meetings that have begun, the
day), plus the address asked for and a digest of the templates. It moves
whenever anything the page could print changes, and only then. For lists,
the home page, feeds and the sitemap the mark is per site (a change
anywhere moves them); the page of one record (a meeting, report, decision,
strategy, workplan or progress report) is marked by that record alone
(`record_mark`: its own rows and the rows it prints, what happened to it,
what moves with time on it), so an edit to one decision leaves every other
decision's ETag as it was. Each is one query.

Nothing here depends on who is asking: the public pages print nothing of a
signed-in person (`public/base.html` draws no account links and no messages).

So a page is also built once per version: the first full answer for an
ETag is kept in Django's cache under it (`KEPT_SECONDS`), and a request
for the same version without the ETag (a first visit) is answered with
the kept body, nothing built: the 304 above vouches for the same bytes.
Only a 200 holding nothing of its request alone is kept (no cookie, no
form token, no CSP nonce).

A request for a version already answered need not come this far:
`kept_pages.KeptPublicPageMiddleware` reads the same mark again before the
rest of the middleware, the URL resolver and the view, and answers from
the last full answer (`kept_pages.py`).
"""

import hashlib

from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.utils.cache import get_conditional_response

from governance.data_mark import data_mark as public_data_mark
from governance.data_mark import record_mark, template_digest

from . import kept_pages

#: How long a browser or proxy may keep a public page without asking again.
PUBLIC_MAX_AGE = 300
PUBLIC = f"public, max-age={PUBLIC_MAX_AGE}"
#: How long a built page is kept (seconds). Its key moves with every change
#: it could print, so this only bounds how long an unread version takes room.
KEPT_SECONDS = 24 * 60 * 60


def public_etag(request, organisation, record=None):
    """The page's ETag; `record` (a model and a primary key) for the page
    of one record, whose mark is that record's (`record_mark`)."""
    return _etag_of(request, _mark(organisation, record))


def _mark(organisation, record):
    if record is None:
        return public_data_mark(organisation)
    return record_mark(organisation, *record)


def _mark_for(request, organisation, record):
    """The page's mark: as `KeptPublicPageMiddleware` read it for this
    request (finding it moved), or read now."""
    read = kept_pages.mark_read(request)
    if read is not None and read[:2] == (organisation.pk, _named(record)):
        return read[2]
    return _mark(organisation, record)


def _named(record):
    """(model label, primary key as text) of a page's record, or None."""
    return None if record is None else (record[0]._meta.label, str(record[1]))


def _etag_of(request, mark):
    raw = "|".join(
        [
            request.get_host(),
            request.path,
            request.GET.urlencode(),
            mark,
            template_digest(),
        ]
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def mark_public(response, etag=None):
    """`response` as one any cache may keep (with its ETag, if given)."""
    response["Cache-Control"] = PUBLIC
    # For `SameForEveryoneMiddleware`: no `Vary: Cookie`, and no cookie.
    response.same_for_everyone = True
    if etag is not None:
        response["ETag"] = f'"{etag}"'
    return response


def cached_publicly(request, organisation, build, record=None):
    """The response `build()` makes, served as a public page: 304 when the
    request already holds the current version, the kept body when another
    request had it built (nothing built for either)."""
    if request.method not in ("GET", "HEAD"):
        return build()
    mark = _mark_for(request, organisation, record)
    etag = _etag_of(request, mark)
    quoted = f'"{etag}"'

    def told(response, may_be_kept):
        # For `kept_pages.KeptPublicPageMiddleware`: the next request for
        # this version need not come this far.
        kept_pages.tell(
            request,
            kept_pages.Facts(
                council_id=organisation.pk,
                record=_named(record),
                mark=str(mark),
                etag=quoted,
                body_may_be_kept=may_be_kept,
            ),
        )
        return mark_public(response, etag)

    not_modified = get_conditional_response(request, etag=quoted)
    if not_modified is not None:
        return told(not_modified, False)
    key = f"public-page:{etag}"
    kept = cache.get(key)
    if kept is not None:
        return told(_answer_from(kept), True)
    response = build()
    if response.status_code == 200 and not response.has_header("Cache-Control"):
        may_be_kept = may_be_kept_for_everyone(response, request)
        if may_be_kept:
            cache.set(key, _kept_of(response), KEPT_SECONDS)
        response = told(response, may_be_kept)
    return response


def may_be_kept_for_everyone(response, request):
    """Whether the answer holds nothing of this request alone: no cookie, no
    form token, no CSP nonce (`public/base.html` loads its scripts as files,
    so a public page uses none)."""
    return (
        not response.streaming
        and not response.cookies
        and not get_nonce(request)
        and b"csrfmiddlewaretoken" not in response.content
    )


#: Headers a kept answer does not carry over (set again for each answer).
NOT_KEPT = {"cache-control", "etag", "content-length", "set-cookie", "date"}


def _kept_of(response):
    """(body, headers)."""
    return (
        response.content,
        tuple(
            (name, value)
            for name, value in response.headers.items()
            if name.lower() not in NOT_KEPT
        ),
    )


def _answer_from(kept):
    body, headers = kept
    response = HttpResponse(body)
    for name, value in headers:
        response[name] = value
    return response
