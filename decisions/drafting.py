"""What a new report or decision record starts with, so nothing is typed twice.

A report written from a strategy, workplan or review starts from that record
(each app says what in `report_subjects`); a decision recorded from a report
starts from the report and the meeting that took it. The person changes what
the meeting changed and saves: nothing here saves anything.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from . import decidable, report_subjects
from .call_in import LONDON, format_date


def report_initial(record, draft):
    """The report form's initial values and its recommendations' rows, from
    the `ReportDraft` of `record`."""
    initial = {
        "subject": report_subjects.value_of(record),
        "title": draft.title,
        "purpose": draft.purpose,
        "summary": draft.summary,
    }
    if draft.report_of is not None:
        initial["report_of"] = draft.report_of.pk
    rows = [
        {"position": number, "text": text}
        for number, text in enumerate(draft.recommendations, start=1)
    ]
    return initial, rows


def scrutiny_said(record):
    """What the scrutiny committee said of the draft `record` (a strategy or
    workplan), for the report that then asks for its approval, e.g. "The
    Overview and Scrutiny Committee considered the draft on Monday 4
    September 2017 and endorsed it, commenting: …"; "" if no outcome has
    been recorded. The clerk recorded it once: the officer does not type it
    again."""
    from governance.lifecycle import ScrutinyOutcome

    outcome = record.scrutiny_outcome
    meeting = record.scrutiny_meeting
    if not outcome or meeting is None:
        return ""
    names = {
        "committee": meeting.committee.name,
        "date": format_date(timezone.localtime(meeting.starts_at, LONDON).date()),
        "comments": record.scrutiny_comments.strip(),
    }
    referred = outcome == ScrutinyOutcome.REFERRED_BACK
    if names["comments"] and referred:
        said = _(
            "The %(committee)s considered the draft on %(date)s and referred it "
            "back to officers, commenting: %(comments)s"
        )
    elif names["comments"]:
        said = _(
            "The %(committee)s considered the draft on %(date)s and endorsed it, "
            "commenting: %(comments)s"
        )
    elif referred:
        said = _(
            "The %(committee)s considered the draft on %(date)s and referred it "
            "back to officers."
        )
    else:
        said = _("The %(committee)s considered the draft on %(date)s and endorsed it.")
    return said % names


def with_scrutiny(summary, record):
    """`summary`, followed by what scrutiny said of `record` (if anything)."""
    said = scrutiny_said(record)
    return "\n\n".join(part for part in (summary, said) if part)


def record_sentence(report, meeting):
    """E.g. "Cabinet considered the report of the Director of Resources,
    “ICT Strategy 2026–2030”." """
    names = {"committee": meeting.committee.name, "title": report.title}
    if report.report_of is None:
        return _("%(committee)s considered the report “%(title)s”.") % names
    return _(
        "%(committee)s considered the report of the %(report_of)s, “%(title)s”."
    ) % {**names, "report_of": report.report_of.name}


def decision_initial(report, meeting):
    """The decision form's initial values for `report`'s decision at
    `meeting`, and its resolutions' rows (the report's recommendations)."""
    initial = {
        "meeting": meeting.pk,
        "report": report.pk,
        "decision_date": timezone.localtime(meeting.starts_at, LONDON).date(),
        "title": report.title,
        "record": record_sentence(report, meeting),
        "reasons": report.reasons,
        "alternatives_rejected": report.other_options,
        "key_decision": report.key_decision,
    }
    subject = report_subjects.subject_of(report)
    if subject is not None and decidable.is_decidable(subject):
        initial["decides"] = [report_subjects.value_of(subject)]
    rows = [
        {"position": row.position, "text": row.text}
        for row in report.recommendations.all()
    ]
    return initial, rows
