"""A public page answered again without building the request.

`caching.cached_publicly` builds a public page once per version, but every
request for it still went through the whole middleware chain (sessions,
CSRF, the person, the second factor, the council's middleware), the URL
resolver, the view and the council's query before its mark was read: about
2.5 ms of one core for a 304, where WhiteNoise gives a static file in well
under 1 ms. `KeptPublicPageMiddleware` answers a GET for a public page it
has answered before straight from what that answer left behind, while the
page's mark is the same.

When `cached_publicly` gives a full answer it tells the request (`tell`):
the council, the record whose page it is (or None: a page marked by the
whole site), the mark read and the ETag made of it. On its way out, the
middleware keeps for the host and the path with its query string: that
mark and ETag, and the answer's headers and body as the chain gave them
(`Cache-Control: public`, the security and CSP headers, no cookie), when it
holds nothing of that request alone (`caching.may_be_kept_for_everyone`). A 304 given
the full way keeps the same with no body (it can answer 304s only).

A later GET to the same host and path, with no session cookie, has the
mark read again (one prepared query, `record_mark` or `data_mark`, exactly
as `cached_publicly` would) and, if it is the one kept, is answered here:
`304 Not Modified` to its ETag, the kept body otherwise. The ETag is made
of the host, the path, the query string, that mark and the templates'
digest (`caching.public_etag`), so the same mark means the same ETag and
the same page: the full way would have answered the same. Anything else
(another mark, a HEAD, a session cookie, nothing kept) goes the full way,
which keeps the new answer. A page that is not public (a draft, a record
withdrawn, a 404) is never kept, and a record withdrawn after it was kept
moves its mark, so it goes the full way and is refused there.

Entries are kept in each worker's memory (at most `MAX_ENTRIES`, the
least recently used leaving first): checking one costs no cache read, and
every entry is checked against the database before it is used, so workers
never need to agree.

Placed after WhiteNoise and before everything else: only the security
middleware (HTTPS, HSTS, referrer policy) goes over an answer from here,
as over a static file.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings

from governance.data_mark import data_mark, record_mark
from governance.kept_pages import kept_answer, kept_headers

#: Entries kept per worker (a public page's body is some tens of kilobytes).
MAX_ENTRIES = 256


@dataclass(frozen=True)
class Facts:
    """What `cached_publicly` tells of a full answer."""

    council_id: int
    #: (model label, primary key) of the page's record, or None.
    record: tuple | None
    mark: str
    etag: str
    body_may_be_kept: bool


@dataclass(frozen=True)
class Entry:
    facts: Facts
    headers: tuple
    body: bytes | None


_entries = OrderedDict()
_lock = threading.Lock()


def tell(request, facts):
    """Called by `cached_publicly` when it gives a full answer."""
    request._public_page_facts = facts


def forget():
    """Drop every entry of this process (each test starts without)."""
    with _lock:
        _entries.clear()


def mark_now(council_id, record):
    """The page's mark as it is now: a record's own, or the whole site's."""
    if record is None:
        return data_mark(council_id)
    label, pk = record
    return record_mark(council_id, apps.get_model(label), pk)


class KeptPublicPageMiddleware:
    """See the module."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = _key(request)
        if key is None:
            return self.get_response(request)
        with _lock:
            entry = _entries.get(key)
            if entry is not None:
                _entries.move_to_end(key)
        if entry is not None:
            answer = _answer(request, entry)
            if answer is not None:
                return answer
        response = self.get_response(request)
        _keep(request, response, key)
        return response


def _key(request):
    if request.method != "GET" or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None
    return (request.get_host(), request.get_full_path())


def mark_read(request):
    """(council id, record, mark) as read for this request by the
    middleware, which found the mark moved, or None: `cached_publicly`
    need not read it again."""
    return getattr(request, "_public_mark_read", None)


def _answer(request, entry):
    facts = entry.facts
    mark = mark_now(facts.council_id, facts.record)
    if mark != facts.mark:
        request._public_mark_read = (facts.council_id, facts.record, mark)
        return None
    return kept_answer(request, facts.etag, entry.headers, entry.body)


def _keep(request, response, key):
    facts = getattr(request, "_public_page_facts", None)
    if (
        facts is None
        or response.status_code not in (200, 304)
        or response.cookies
        or response.streaming
        or not getattr(response, "same_for_everyone", False)
        or response.get("ETag") != facts.etag
    ):
        return
    body = None
    if response.status_code == 200:
        if not facts.body_may_be_kept:
            return
        body = response.content
    else:
        with _lock:
            kept = _entries.get(key)
        if kept is not None and kept.facts == facts:
            return  # the same answer is kept, with its body and headers
    entry = Entry(facts=facts, headers=kept_headers(response), body=body)
    with _lock:
        _entries[key] = entry
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
