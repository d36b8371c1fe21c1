"""Papers as considered: what a committee was sent, kept for good.

When a meeting's agenda is published, its papers are kept as they are at
that moment (`send_papers`): the agenda pack, and each report on the agenda
with its annexes (the strategy, workplan or review it presents), as the HTML
rendered then (`ConsideredPaper`), in the publishing transaction. Their PDFs
are rendered from that HTML later (the pack by the worker, a report on its
first download) and kept with it, so every download of a meeting's paper is
the same bytes whatever later happens to the records it prints. Later
changes make new papers for later meetings.

Supplements: while the agenda stays published and the meeting has not
started, saving its agenda or a report on it sends what changed. Each report
added to the agenda, or whose paper now differs from the last one sent for
the meeting, goes into the next numbered supplementary pack ("Supplementary
agenda pack 1"), which has a pack of its own. After the meeting has started
nothing more is sent by itself: its papers are those it considered.

Withdrawing an agenda (unticking "agenda published") deletes nothing:
members stop seeing the meeting's papers, as they stop seeing its agenda.
Publishing it again sends what changed as a supplement, whenever that is,
or nothing if nothing changed; it never overwrites what was sent.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from governance.papers import paper_html

from .models import AgendaItem, ConsideredPaper, Meeting
from .papers import AGENDA_PACK, agenda_pack_parts, report_parts

PACK, REPORT = ConsideredPaper.Kind.AGENDA_PACK, ConsideredPaper.Kind.REPORT


@dataclass(frozen=True)
class Sent:
    """What one sending kept: the supplement number (0: the papers sent
    when the agenda was published) and how many reports it carries."""

    supplement: int
    reports: int

    def message(self, meeting):
        if self.supplement == 0:
            return _("The papers for %(meeting)s are kept as they were sent.") % {
                "meeting": meeting
            }
        return _(
            "Supplementary agenda pack %(number)s for %(meeting)s was published "
            "with %(count)s report(s) added or changed since the agenda was sent."
        ) % {"number": self.supplement, "meeting": meeting, "count": self.reports}


# --- sending -------------------------------------------------------------------


def report_html(report, meeting, item_number):
    """(HTML, parts) of `report`'s paper (with its annexes) for `meeting`.
    Not a draft: it is sent with a published agenda (`report_is_final`)."""
    parts = report_parts(report, meeting, item_number=item_number)
    return paper_html(report.title, meeting.organisation, parts), parts


def send_papers(meeting, *, user, at=None, published_now=False):
    """Keep the papers of `meeting`'s published agenda that have not been
    sent yet: all of them the first time, then a supplement of the reports
    added or changed. Returns a `Sent`, or None if nothing was sent.

    `published_now`: the agenda has just been published (or published
    again) by `user`, which sends whatever the time; otherwise (the agenda
    or a report was saved) nothing is sent once the meeting has started.
    Takes a lock on the meeting, so two saves never send the same
    supplement twice.
    """
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("committee__organisation")
            .get(pk=meeting.pk)
        )
        if not meeting.agenda_published:
            return None
        if not published_now and meeting.starts_at <= timezone.now():
            return None
        items = list(
            AgendaItem.objects.filter(meeting=meeting)
            .select_related("report")
            .prefetch_related("report__recommendations")
        )
        if not items:
            return None
        supplement, last_sent = _sent_before(meeting)
        changed, built = {}, {}
        for item in items:
            if item.report is None or item.report_id in built:
                continue
            html, built[item.report_id] = report_html(
                item.report, meeting, item.position
            )
            if html != last_sent.get(item.report_id):
                changed[item.report_id] = (item, html)
        if supplement and not changed:
            return None
        at = at or timezone.now()
        keep = {"meeting": meeting, "sent_at": at, "sent_by": user}
        for item, html in changed.values():
            _keep(REPORT, supplement, html, report=item.report, item=item, **keep)
        pack_items = items if supplement == 0 else [i for i, _h in changed.values()]
        parts = agenda_pack_parts(
            meeting, pack_items, supplement=supplement, reports=built
        )
        html = paper_html(_pack_title(meeting, supplement), meeting.organisation, parts)
        _keep(PACK, supplement, html, **keep)
        sent = Sent(supplement, len(changed))
        from .notices import papers_sent

        papers_sent(meeting, sent, user)
        return sent


def send_papers_of_report(report, *, user):
    """After `report` was saved: send it (as a supplement) to each meeting
    with a published agenda it is on. [Sent, ...] with the meeting."""
    sent = []
    meetings = Meeting.objects.filter(
        agenda_items__report=report, agenda_published=True
    ).distinct()
    for meeting in meetings:
        result = send_papers(meeting, user=user)
        if result is not None:
            sent.append((meeting, result))
    return sent


def _sent_before(meeting):
    """(the next supplement number, {report id: the HTML last sent of it})."""
    last_sent, next_number = {}, 0
    papers = (
        ConsideredPaper.objects.filter(meeting=meeting)
        .order_by("supplement")
        .only("kind", "supplement", "report_id", "html")
    )
    for paper in papers:
        next_number = paper.supplement + 1
        if paper.report_id is not None:
            last_sent[paper.report_id] = paper.html
    return next_number, last_sent


def _pack_title(meeting, supplement):
    if supplement:
        return _("Supplementary agenda pack %(number)s: %(meeting)s") % {
            "number": supplement,
            "meeting": meeting,
        }
    return AGENDA_PACK.title(meeting)


def _keep(kind, supplement, html, *, meeting, sent_at, sent_by, report=None, item=None):
    day = f"{timezone.localtime(meeting.starts_at):%Y-%m-%d}"
    committee = slugify(meeting.committee.name)
    if kind == PACK:
        title = _pack_title(meeting, supplement)
        prefix = (
            f"supplementary-agenda-pack-{supplement}" if supplement else "agenda-pack"
        )
        filename = f"{prefix}-{committee}-{day}.pdf"
    else:
        title = report.title
        filename = (
            f"report-{report.pk}-{slugify(report.title)[:60]}-{committee}-{day}.pdf"
        )
    return ConsideredPaper.objects.create(
        organisation_id=meeting.organisation_id,
        meeting=meeting,
        kind=kind,
        supplement=supplement,
        report=report,
        item_number=item.position if item else None,
        subject_content_type_id=report.subject_content_type_id if report else None,
        subject_object_id=report.subject_object_id if report else None,
        title=title,
        filename=filename,
        html=html,
        sent_at=sent_at,
        sent_by=sent_by,
    )


# --- reading ---------------------------------------------------------------------


def packs_of(meeting, user):
    """The packs sent for `meeting` that `user` may read, in order, each with
    `.reports`: the report papers it carries (a supplement's reports). Two
    queries, however many."""
    papers = list(
        ConsideredPaper.objects.visible_to(user)
        .filter(meeting=meeting)
        .select_related("sent_by")
        .defer("html", "pdf")
        .order_by("supplement", "kind", "item_number")
    )
    packs = [paper for paper in papers if paper.kind == PACK]
    for pack in packs:
        pack.reports = [
            paper
            for paper in papers
            if paper.kind == REPORT and paper.supplement == pack.supplement
        ]
    return packs


def papers_of_report(report, user):
    """The papers of `report` sent to meetings, that `user` may read."""
    return (
        ConsideredPaper.objects.visible_to(user)
        .filter(kind=REPORT, report=report)
        .listed()
        .order_by("meeting__starts_at", "supplement")
    )


def papers_presenting(record, user):
    """The report papers sent to meetings that presented `record` (a
    strategy, workplan or review) as annexes, that `user` may read."""
    return (
        ConsideredPaper.objects.visible_to(user)
        .filter(
            kind=REPORT,
            subject_content_type=ContentType.objects.get_for_model(record),
            subject_object_id=record.pk,
        )
        .listed()
        .order_by("meeting__starts_at", "supplement")
    )


def original_pack(meeting):
    """The pack sent when `meeting`'s agenda was published, or None."""
    return ConsideredPaper.objects.filter(
        meeting=meeting, kind=PACK, supplement=0
    ).first()


def latest_report_paper(report, meeting):
    """The last paper of `report` sent to `meeting`, or None."""
    return (
        ConsideredPaper.objects.filter(meeting=meeting, kind=REPORT, report=report)
        .order_by("-supplement")
        .first()
    )
