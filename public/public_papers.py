"""The papers the public site offers: the published decision record and a
public report's paper (from the existing stores: `governance/paper_store.py`,
`decisions/considered.py`), and the public agenda pack.

A pack as sent may carry exempt items, so the public's pack is built from
the agenda's public items only (`AgendaItem.objects.public`): a paper kind of
its own (`public-agenda-pack`), stored per version and rendered by the paper
worker like any pack. While it is being prepared the address answers 503
with `Retry-After` (the public have no job page to watch).
"""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse

from decisions import considered, papers
from decisions.models import AgendaItem, Meeting
from governance.paper_store import (
    PaperKind,
    _if_none_match,
    etag_for,
    register,
    serve_paper,
    start_job,
    stored,
    version_key,
)

from .caching import PUBLIC

#: How long to ask a visitor to wait for a pack being prepared.
RETRY_AFTER_SECONDS = 30


def public_items(meeting):
    """The agenda items of `meeting` the public may read, with what the
    pack prints of their reports."""
    return list(
        AgendaItem.objects.public(meeting.committee.organisation)
        .filter(meeting=meeting)
        .select_related("report")
        .prefetch_related(
            "report__recommendations",
            "report__agenda_items__meeting",
            "report__texts",
            "report__report_of",
            "report__contact",
        )
        .order_by("position")
    )


def public_pack_parts(meeting):
    return papers.agenda_pack_parts(meeting, public_items(meeting))


def public_pack_version(meeting):
    """The pack's version (`agenda_pack_version`, which watches every report
    on the agenda, whether public or not) and which items are public."""
    ids = AgendaItem.objects.public(meeting.committee.organisation).filter(
        meeting=meeting
    )
    listed = ",".join(str(pk) for pk in ids.order_by("pk").values_list("pk", flat=True))
    return f"{papers.agenda_pack_version(meeting)}.p{listed}"


PUBLIC_AGENDA_PACK = register(
    PaperKind(
        slug="public-agenda-pack",
        model=Meeting,
        title=papers.AGENDA_PACK.title,
        parts=public_pack_parts,
        is_final=papers.AGENDA_PACK.is_final,
        version=public_pack_version,
        filename=papers.AGENDA_PACK.filename,
        url=lambda meeting: reverse(
            "public:agenda_pack",
            args=[meeting.committee.organisation.slug, meeting.pk],
        ),
        background=True,
    )
)


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
    meeting = papers.report_meeting(report)
    if meeting is not None and meeting.agenda_published:
        sent = considered.latest_report_paper(report, meeting)
        if sent is not None:
            return served_publicly(serve_paper(request, papers.CONSIDERED_PAPER, sent))
    response = serve_paper(request, papers.COMMITTEE_REPORT, report)
    if response.status_code == 302:
        # A large report goes to the worker; the public have no job page.
        return being_prepared(request, report.organisation)
    return served_publicly(response)


def agenda_pack(request, meeting):
    """The public pack: from the store (304 when current), else queued for
    the worker and, once it is ready, served."""
    kind = PUBLIC_AGENDA_PACK
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
