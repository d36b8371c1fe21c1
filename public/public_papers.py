"""The papers the public site offers: the published decision record and a
public report's paper (from the existing stores: `governance/paper_store.py`,
`decisions/considered.py`), and the public agenda pack.

A pack as sent may carry exempt information, so the public's pack is the
public version of the agenda pack (`decisions.papers.PUBLIC_AGENDA_PACK`:
withheld items keep their place with "Not for publication: exempt under
paragraph N" and no content; withheld annexes are left out), stored per
version and rendered by the paper worker like any pack. While it is being
prepared the address answers 503 with `Retry-After` (the public have no job
page to watch).
"""

from django.http import HttpResponse
from django.template.loader import render_to_string

from decisions import considered, papers
from governance.paper_store import (
    _if_none_match,
    etag_for,
    serve_paper,
    start_job,
    stored,
    version_key,
)

from .caching import PUBLIC

#: How long to ask a visitor to wait for a pack being prepared.
RETRY_AFTER_SECONDS = 30


def served_publicly(response):
    """A paper response (or its 304) of a public record, which any cache
    may keep: the same bytes for everyone."""
    if response.status_code in (200, 304):
        response["Cache-Control"] = PUBLIC
        response.same_for_everyone = True
    return response


def report_paper(request, report):
    """A public report's paper: the last one sent to the meeting it is headed
    for, else its paper of record."""
    if report.withheld:
        # The paper as sent carries its exempt annexes: the public get the
        # report without them (docs/exempt-information.md).
        return _report_paper_of_record(request, report, papers.PUBLIC_COMMITTEE_REPORT)
    meeting = papers.report_meeting(report)
    if meeting is not None and meeting.agenda_published:
        sent = considered.latest_report_paper(report, meeting)
        if sent is not None:
            return served_publicly(serve_paper(request, papers.CONSIDERED_PAPER, sent))
    return _report_paper_of_record(request, report, papers.COMMITTEE_REPORT)


def _report_paper_of_record(request, report, kind):
    response = serve_paper(request, kind, report)
    if response.status_code == 302:
        # A large report goes to the worker; the public have no job page.
        return being_prepared(request, report.organisation)
    return served_publicly(response)


def agenda_pack(request, meeting):
    """The public pack: from the store (304 when current), else queued for
    the worker and, once it is ready, served."""
    kind = papers.PUBLIC_AGENDA_PACK
    key = version_key(kind, meeting)
    etag = etag_for(kind, meeting, key)
    if etag in _if_none_match(request):
        response = HttpResponse(status=304)
        response["ETag"] = f'"{etag}"'
        return served_publicly(response)
    paper = stored(kind, meeting, key)
    if paper is None:
        start_job(kind, meeting, key, None)
        paper = stored(kind, meeting, key)
    if paper is None:
        return being_prepared(request, meeting.committee.organisation)
    return served_publicly(serve_paper(request, kind, meeting))


def being_prepared(request, organisation):
    """503 with Retry-After: the paper is being prepared."""
    response = HttpResponse(
        render_to_string(
            "public/paper_being_prepared.html",
            {
                "organisation": organisation,
                "current_organisation": organisation,
                "retry_after_seconds": RETRY_AFTER_SECONDS,
                "public": True,
            },
            request=request,
        ),
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
