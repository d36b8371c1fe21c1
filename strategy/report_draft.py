"""What a committee report about a strategy starts with ("Write a report to
committee" on the strategy's page): the officer changes what differs."""

from django.utils.translation import gettext as _

from decisions.report_subjects import ReportDraft
from governance.lifecycle import LifecycleStatus


def report_draft(strategy):
    """With scrutiny: the committee is asked to comment on the draft and
    endorse it; otherwise to approve it."""
    names = {"title": strategy.title}
    if strategy.status == LifecycleStatus.SCRUTINY:
        purpose = _("To consult the committee on the draft %(title)s.") % names
        recommendations = (
            _(
                "That the committee comments on the draft %(title)s and endorses "
                "it for approval."
            )
            % names,
        )
    else:
        purpose = _("To seek approval of the %(title)s.") % names
        recommendations = (_("That the %(title)s be approved.") % names,)
    return ReportDraft(
        title=strategy.title,
        purpose=purpose,
        summary=strategy.summary,
        recommendations=recommendations,
        report_of=strategy.director,
    )
