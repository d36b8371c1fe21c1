"""What a committee report about a workplan or one of its reviews starts
with ("Write a report to committee" on their pages): the standard
recommendations (approve the workplan; note the progress report), what
scrutiny said of the draft workplan, and, as the report's author, the
director named on the workplan's strategy; the officer changes them as
needed."""

from django.utils.translation import gettext as _

from decisions.drafting import with_scrutiny
from decisions.report_subjects import ReportDraft


def workplan_report_draft(workplan):
    names = {"workplan": workplan, "strategy": workplan.strategy.title}
    return ReportDraft(
        title=str(workplan),
        purpose=_("To seek approval of the %(workplan)s.") % names,
        summary=with_scrutiny(
            _(
                "The workplan sets out the work planned for the year to deliver "
                "the %(strategy)s. Its items are listed by theme in the appendix."
            )
            % names,
            workplan,
        ),
        recommendations=(
            _("That the %(workplan)s be approved.") % names,
            _("That progress in delivering the workplan be reviewed every six months."),
        ),
        report_of=workplan.strategy.director,
    )


def review_report_draft(review):
    names = {"workplan": review.workplan, "number": review.number}
    return ReportDraft(
        title=_("%(workplan)s: progress report") % names,
        purpose=_(
            "To report progress in delivering the %(workplan)s (review %(number)s)."
        )
        % names,
        summary=_(
            "The progress report attached gives each item's progress and RAG "
            "status, and the variations agreed since the last review."
        ),
        recommendations=(
            _(
                "That the progress made in delivering the %(workplan)s, set out "
                "in the progress report, be noted."
            )
            % names,
        ),
        report_of=review.workplan.strategy.director,
    )
