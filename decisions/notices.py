"""What followers of a committee (or the whole council) are told about its
decisions and papers (see `governance.notifications`)."""

from django.utils.translation import gettext as _

from governance import notifications

from .choices import CallInOutcome
from .models import DecisionRecord, Meeting


def _decision_step(event, decision):
    """Publication says when call-in ends; other steps say the new status."""
    if event.transition == "publish":
        if decision.call_in_deadline:
            summary = _("Decision published: a call-in must be made %(when)s") % {
                "when": decision.deadline_text
            }
        else:
            summary = _("Decision published (not subject to call-in)")
        return (notifications.ChangeKind.DECISION, summary, "", "")
    if event.transition == "record_outcome":
        if decision.call_in_outcome == CallInOutcome.NO_FURTHER_ACTION:
            summary = _(
                "Call-in outcome: no further action. The decision is confirmed "
                "and takes effect on %(when)s"
            ) % {"when": decision.takes_effect_text}
        else:
            summary = _(
                "Call-in outcome: referred back to the decision maker. The "
                "decision does not take effect"
            )
        return (notifications.ChangeKind.OUTCOME, summary, event.comment, "")
    return None


def papers_sent(meeting, sent, user):
    """The papers of `meeting`'s published agenda were sent (`sent`: a
    `considered.Sent`): tell the committee's followers."""
    if sent.supplement == 0:
        summary = _("Agenda and papers published")
    else:
        summary = _("Supplementary pack %(number)s published") % {
            "number": sent.supplement
        }
    notifications.record_change(
        meeting, notifications.ChangeKind.PAPERS, summary, user=user
    )


def register():
    from .exempt import reminders_due

    notifications.register_reminder_source(reminders_due)
    notifications.register_followable_parents(
        DecisionRecord, lambda decision: [decision.meeting.committee]
    )
    notifications.register_event_describer(DecisionRecord, _decision_step)
    notifications.register_followable_parents(
        Meeting, lambda meeting: [meeting.committee]
    )
