"""Papers of committee business (rendering: `governance/papers.py`; storing
and background rendering: `governance/paper_store.py`).

- the decision record of a decision;
- the committee report in the standard council layout, with the record it
  presents (a strategy, workplan or review) as its annexes;
- a meeting's agenda pack: front sheet, contents with page numbers, the
  agenda, then every report with its annexes, in one PDF with bookmarks and
  continuous page numbers (rendered by the background worker).
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from governance.models import Post
from governance.paper_store import PaperKind, all_kinds, history_marks, register
from governance.papers import Part

from . import exempt, report_subjects
from .annexes import letter_annexes
from .choices import DecisionStatus
from .models import (
    AgendaItem,
    Committee,
    CommitteeMember,
    ConsideredPaper,
    DecisionRecord,
    Meeting,
    NumberingSettings,
    Recommendation,
    Report,
    ReportHeading,
    ReportTemplate,
    ReportText,
    Resolution,
    numbering_for,
)


def numbering_history(organisation_id):
    """The council's numbering style changes its papers (see `numbering_for`)."""
    return NumberingSettings.history.filter(organisation_id=organisation_id)


# --- the decision record ----------------------------------------------------


def decision_record_parts(decision, *, public=False):
    """The decision record; `public`: without its exempt part while it is
    withheld (the notice in its place)."""
    data = {
        "public": public,
        "decision": decision,
        "resolutions": list(decision.resolutions.all()),
        "numbering": numbering_for(decision.organisation_id),
        "status": decision.current_status(),
    }
    return [Part("papers/parts/decision_record.html", data)]


def decision_version(decision):
    return ".".join(
        [
            str(decision.version),
            decision.current_status().value,
            history_marks(
                # Its meeting and committee, and the meeting that heard a
                # call-in of it (its committee and date).
                Meeting.history.filter(
                    id__in=[decision.meeting_id, decision.call_in_heard_at_id or 0]
                ),
                Committee.history.filter(
                    id__in=Meeting.objects.filter(
                        id__in=[decision.meeting_id, decision.call_in_heard_at_id or 0]
                    ).values("committee_id")
                ),
                Resolution.history.filter(decision_id=decision.pk),
                numbering_history(decision.organisation_id),
                # The title of the report it considered.
                Report.history.filter(id=decision.report_id or 0),
            ),
        ]
    )


DECISION_RECORD = register(
    PaperKind(
        slug="decision-record",
        model=DecisionRecord,
        title=lambda decision: f"Record of decision: {decision.title}",
        parts=decision_record_parts,
        is_final=lambda decision: decision.status != DecisionStatus.DRAFT,
        version=decision_version,
        filename=lambda decision: f"decision-{decision.pk}.pdf",
        url=lambda decision: reverse("decisions:decision_paper", args=[decision.pk]),
    )
)

#: The public's decision record while its exempt part is withheld: the
#: notice in its place (`decision_record_parts(public=True)`), stored under
#: its own key; the public site serves it (docs/exempt-information.md).
PUBLIC_DECISION_RECORD = register(
    PaperKind(
        slug="decision-record-public",
        model=DecisionRecord,
        title=DECISION_RECORD.title,
        parts=lambda decision: decision_record_parts(decision, public=True),
        is_final=DECISION_RECORD.is_final,
        version=decision_version,
        filename=lambda decision: f"decision-{decision.pk}-public.pdf",
        prepared_for=lambda decision: decision.withheld,
        url=lambda decision: reverse(
            "public:decision_paper",
            args=[decision.organisation.slug, decision.pk],
        ),
    )
)


# --- the committee report ---------------------------------------------------


def report_meeting(report):
    """The meeting the report goes to: the next one on whose agenda it is,
    else the latest."""
    items = sorted(report.agenda_items.all(), key=lambda item: item.meeting.starts_at)
    upcoming = [item for item in items if item.meeting.starts_at >= timezone.now()]
    chosen = (upcoming or items[-1:] or [None])[0]
    return chosen.meeting if chosen else None


def report_parts(report, meeting=None, *, item_number=None, public=False):
    """The report and its annexes: the record it presents (each annex its own
    part), then nothing else — typed annexes are listed in the report. Every
    annex, attached or the author's, has its own letter (`annexes.py`).

    `public`: the version for the public pack, without withheld annexes
    (their place says why). A report withheld whole is not printed there at
    all (`agenda_pack_parts`)."""
    annexes_withheld = public and report.annexes_withheld
    attached = report_subjects.annexes_of(report)
    letters, listed = letter_annexes(
        [title for title, _part in attached], report.annexes
    )
    annexes = (
        []
        if annexes_withheld
        else [
            (letter, title, part)
            for letter, (title, part) in zip(letters, attached, strict=True)
        ]
    )
    data = {
        "public": public,
        "annexes_withheld": annexes_withheld,
        "schedule": exempt.schedule_for(report.organisation).name,
        "report": report,
        "meeting": meeting if meeting is not None else report_meeting(report),
        "item_number": item_number,
        "recommendations": list(report.recommendations.all()),
        "numbering": numbering_for(report.organisation_id),
        "implications": report.implications(),
        "sections": report.sections(),
        "annexes": listed,
    }
    parts = [Part("papers/parts/committee_report.html", data, title=report.title)]
    for letter, title, part in annexes:
        part.data = {**part.data, "annex": letter, "annex_to": report.title}
        part.title = f"Annex {letter}: {title}"
        parts.append(part)
    return parts


def report_template_marks(reports):
    """History to watch for `reports`' papers: what they say under their
    council's headings, the headings and template themselves, and the posts
    they name (a new holder prints on the next paper)."""
    ids = [report.pk for report in reports]
    organisations = {report.organisation_id for report in reports}
    posts = {
        pk for report in reports for pk in (report.report_of_id, report.contact_id)
    }
    return [
        ReportText.history.filter(report_id__in=ids),
        ReportHeading.history.filter(organisation_id__in=organisations),
        ReportTemplate.history.filter(organisation_id__in=organisations),
        Post.history.filter(id__in=posts - {None}),
    ]


def report_is_final(report):
    """A report is published with the agenda it is on."""
    return any(item.meeting.agenda_published for item in report.agenda_items.all())


def report_version(report):
    # The meeting the report is headed for depends on the date as well as
    # the agenda: it is part of the version.
    meeting = report_meeting(report)
    return ".".join(
        [
            str(report.version),
            f"m{meeting.pk if meeting else 0}",
            history_marks(
                # The meeting it goes to: its committee's name and its date.
                Meeting.history.filter(id=meeting.pk if meeting else 0),
                Committee.history.filter(id=meeting.committee_id if meeting else 0),
                Recommendation.history.filter(report_id=report.pk),
                AgendaItem.history.filter(report_id=report.pk),
                numbering_history(report.organisation_id),
                *report_template_marks([report]),
            ),
            report_subjects.version_of(report),
        ]
    )


def report_in_background(report):
    """A report presenting a record whose own paper goes to the worker (a
    large workplan, or a review of one) goes to the worker too."""
    record = report_subjects.subject_of(report)
    if record is None:
        return False
    return any(
        kind.model is type(record)
        and not (kind.kept or kind.copy_of)
        and kind.in_background(record)
        for kind in all_kinds()
    )


COMMITTEE_REPORT = register(
    PaperKind(
        slug="committee-report",
        model=Report,
        title=lambda report: report.title,
        parts=report_parts,
        is_final=report_is_final,
        version=report_version,
        filename=lambda report: f"report-{report.pk}-{slugify(report.title)[:60]}.pdf",
        url=lambda report: reverse("decisions:report_paper", args=[report.pk]),
        background=report_in_background,
    )
)

#: The public's report paper while exempt information in it is withheld:
#: without the withheld annexes, the notice in their place
#: (`report_parts(public=True)`); the public site serves it.
PUBLIC_COMMITTEE_REPORT = register(
    PaperKind(
        slug="committee-report-public",
        model=Report,
        title=COMMITTEE_REPORT.title,
        parts=lambda report: report_parts(report, public=True),
        is_final=report_is_final,
        version=report_version,
        filename=lambda report: (
            f"report-{report.pk}-{slugify(report.title)[:60]}-public.pdf"
        ),
        prepared_for=lambda report: report.withheld,
        url=lambda report: reverse(
            "public:report_paper", args=[report.organisation.slug, report.pk]
        ),
        background=report_in_background,
    )
)


# --- the agenda pack --------------------------------------------------------


def agenda_pack_parts(meeting, items=None, *, supplement=0, reports=None, public=False):
    """The pack of `meeting`'s agenda, or of a supplementary pack (number
    `supplement`) carrying `items`, the agenda items whose reports were
    added or changed after the agenda was published. `reports` may hold
    each report's parts already built ({report id: parts}).

    `public`: the public's pack. An item whose report is withheld keeps its
    place on the agenda, with a neutral title (unless its title may be
    published) and "Not for publication: exempt under paragraph N", and its
    report is left out; withheld annexes are left out of their reports. The
    members' and officers' pack (not `public`) carries everything, marked."""
    if public:
        reports = None
    if items is None:
        items = list(
            meeting.agenda_items.select_related("report").prefetch_related(
                "report__recommendations",
                "report__agenda_items__meeting",
                "report__texts",
                "report__report_of",
                "report__contact",
            )
        )
    body = []
    agenda = []
    for item in items:
        if public and item.withheld:
            agenda.append(
                {
                    "position": item.position,
                    "title": item.public_title,
                    "report": None,
                    "report_title": "",
                    "anchor": "",
                    "notice": item.public_notice,
                    "exempt": True,
                }
            )
            continue
        row = {
            "position": item.position,
            "title": item.title,
            "report": item.report,
            "exempt": item.report is not None and item.report.withheld,
            # The report's own title only where the item is called otherwise.
            "report_title": (
                item.report.title
                if item.report is not None and item.report.title != item.title
                else ""
            ),
            "anchor": "",
        }
        agenda.append(row)
        if item.report is None:
            continue
        # Parts are numbered from 3 (after the front sheet and contents):
        # the item's page is where its report's first part starts.
        row["anchor"] = f"part-{len(body) + 3}"
        if reports and item.report_id in reports:
            body += reports[item.report_id]
        else:
            body += report_parts(
                item.report, meeting, item_number=item.position, public=public
            )
    entries = [
        {"anchor": f"part-{index}", "title": part.title, "annex": "annex" in part.data}
        for index, part in enumerate(body, start=3)
    ]
    committee = meeting.committee
    front = Part(
        "papers/parts/agenda_front_sheet.html",
        {
            "meeting": meeting,
            "committee": committee,
            "supplement": supplement,
            "members": committee_members(committee),
            "despatched_on": despatch_date(meeting),
            "exempt_items": [row for row in agenda if row["exempt"]],
            "schedule": exempt.schedule_for(committee.organisation).name,
            "public": public,
        },
        title=_("Supplementary agenda") if supplement else _("Agenda"),
    )
    contents = Part(
        "papers/parts/agenda_contents.html",
        {
            "meeting": meeting,
            "entries": entries,
            "items": agenda,
            "supplement": supplement,
        },
        title=_("Contents and agenda"),
    )
    return [front, contents, *body]


def committee_members(committee):
    """The committee's members as a summons lists them: the Chair, the
    Vice-chair, then the others by name."""
    order = {
        CommitteeMember.Role.CHAIR: 0,
        CommitteeMember.Role.VICE_CHAIR: 1,
    }
    return sorted(
        committee.members.all(),
        key=lambda member: (order.get(member.role, 2), member.name),
    )


def despatch_date(meeting):
    """The day the agenda was published, as it stands (the start of the
    latest run of history rows in which it is published), or None."""
    published_on = None
    for row in Meeting.history.filter(id=meeting.pk).order_by("history_date"):
        if not row.agenda_published:
            published_on = None
        elif published_on is None:
            published_on = timezone.localdate(row.history_date)
    return published_on if meeting.agenda_published else None


def agenda_pack_version(meeting):
    """Changes with the meeting, its agenda, any of its reports and what they
    present: a fixed number of queries, plus one set per presented record."""
    reports = list(
        Report.objects.filter(agenda_items__meeting=meeting).distinct().order_by("pk")
    )
    ids = [report.pk for report in reports]
    return ".".join(
        [
            history_marks(
                Meeting.history.filter(id=meeting.pk),
                Committee.history.filter(id=meeting.committee_id),
                AgendaItem.history.filter(meeting_id=meeting.pk),
                CommitteeMember.history.filter(committee_id=meeting.committee_id),
                Report.history.filter(id__in=ids),
                Recommendation.history.filter(report_id__in=ids),
                numbering_history(meeting.committee.organisation_id),
                *report_template_marks(reports),
            ),
            *(
                report_subjects.version_of(report)
                for report in reports
                if report.subject_content_type_id
            ),
        ]
    )


AGENDA_PACK = register(
    PaperKind(
        slug="agenda-pack",
        model=Meeting,
        title=lambda meeting: f"Agenda pack: {meeting}",
        parts=agenda_pack_parts,
        is_final=lambda meeting: meeting.agenda_published,
        version=agenda_pack_version,
        filename=lambda meeting: (
            f"agenda-pack-{slugify(meeting.committee.name)}-"
            f"{timezone.localtime(meeting.starts_at):%Y-%m-%d}.pdf"
        ),
        url=lambda meeting: reverse("decisions:meeting_pack", args=[meeting.pk]),
        background=True,
    )
)


#: The public's agenda pack: the same agenda without exempt information
#: (`agenda_pack_parts(public=True)`), stored under its own key.
PUBLIC_AGENDA_PACK = register(
    PaperKind(
        slug="agenda-pack-public",
        model=Meeting,
        title=lambda meeting: f"Agenda pack (public): {meeting}",
        parts=lambda meeting: agenda_pack_parts(meeting, public=True),
        is_final=lambda meeting: meeting.agenda_published,
        version=agenda_pack_version,
        filename=lambda meeting: (
            f"agenda-pack-{slugify(meeting.committee.name)}-"
            f"{timezone.localtime(meeting.starts_at):%Y-%m-%d}-public.pdf"
        ),
        url=lambda meeting: reverse("decisions:meeting_public_pack", args=[meeting.pk]),
        background=True,
    )
)


# --- papers as considered (`considered.py`) ---------------------------------

CONSIDERED_PAPER = register(
    PaperKind(
        slug="considered-paper",
        model=ConsideredPaper,
        title=lambda paper: paper.title,
        parts=None,
        is_final=lambda paper: True,
        version=lambda paper: "",
        filename=lambda paper: paper.filename,
        url=lambda paper: reverse("decisions:considered_paper", args=[paper.pk]),
        background=lambda paper: paper.is_pack,
        kept=True,
    )
)
