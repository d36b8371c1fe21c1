"""What followers of a committee (or the whole council) are told about its
decisions and papers (see `governance.notifications`)."""

from django.utils.translation import gettext as _

from governance import notifications

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
