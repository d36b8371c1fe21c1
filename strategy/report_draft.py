"""What a committee report about a strategy starts with ("Write a report to
committee" on the strategy's page): the officer changes what differs."""

from django.utils.translation import gettext as _

from decisions.drafting import with_scrutiny
from decisions.report_subjects import ReportDraft
from governance.lifecycle import LifecycleStatus


def replaced_name(strategy):
    """How a report names the strategy `strategy` replaces: its title, with
    its version where the two share a title; "" for a first version."""
    old = strategy.replaces
    if old is None:
        return ""
    if old.title != strategy.title:
        return old.title
    return _("%(title)s (%(version)s)") % {
        "title": old.title,
        "version": old.version_label.lower(),
    }


def report_draft(strategy):
    """With scrutiny: the committee is asked to comment on the draft and
    endorse it; otherwise to approve it, its summary saying what scrutiny
    said of the draft. A replacement says which strategy it replaces, so the
    officer does not type the old one's title again."""
    names = {"title": strategy.title, "old": replaced_name(strategy)}
    if strategy.status == LifecycleStatus.SCRUTINY:
        if names["old"]:
            purpose = (
                _(
                    "To consult the committee on the draft %(title)s, which is to "
                    "replace the %(old)s."
                )
                % names
            )
        else:
            purpose = _("To consult the committee on the draft %(title)s.") % names
        recommendations = (
            _(
                "That the committee comments on the draft %(title)s and endorses "
                "it for approval."
            )
            % names,
        )
    elif names["old"]:
        purpose = _("To seek approval of the %(title)s, replacing the %(old)s.") % names
        recommendations = (
            _("That the %(title)s be approved, replacing the %(old)s.") % names,
        )
    else:
        purpose = _("To seek approval of the %(title)s.") % names
        recommendations = (_("That the %(title)s be approved.") % names,)
    return ReportDraft(
        title=strategy.title,
        purpose=purpose,
        summary=with_scrutiny(strategy.summary, strategy),
        recommendations=recommendations,
        report_of=strategy.director,
    )
