"""What a new report or decision record starts with, so nothing is typed twice.

A report written from a strategy, workplan or review starts from that record
(each app says what in `report_subjects`); a decision recorded from a report
starts from the report and the meeting that took it. The person changes what
the meeting changed and saves: nothing here saves anything.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from . import decidable, report_subjects
from .call_in import LONDON


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
