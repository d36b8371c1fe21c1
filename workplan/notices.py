"""What followers of a workplan, an item (or their strategy, or the whole
council) are told, and the reminders of updates due in an open review (see
`governance.notifications`)."""

from datetime import timedelta

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from decisions.call_in import format_date
from governance import notifications
from governance.notifications import ChangeKind

from .choices import Rag
from .models import Milestone, ProgressUpdate, Review, Workplan, WorkplanItem
from .reminders import ReminderSent


def _rag_label(value):
    return str(Rag(value).label) if value else _("Not yet rated")


def _date_label(day):
    return format_date(day) if day else _("none")


def item_history_recorded(sender, instance, history_instance, **kwargs):
    """An item was saved (any form, the review's update, an import): its
    RAG status or target date changed? Tell its followers, in the same
    transaction as the save."""
    if history_instance.history_type != "~":
        return
    previous = history_instance.prev_record
    if previous is None:
        return
    user = history_instance.history_user
    if previous.rag != instance.rag:
        notifications.record_change(
            instance,
            ChangeKind.TURNED_RED if instance.rag == Rag.RED else ChangeKind.RAG,
            f"{_rag_label(previous.rag)} → {_rag_label(instance.rag)}",
            user=user,
            reason=instance.rag_reason if instance.rag else "",
            # Its RAG and progress at each review, on its page.
            diff_url=instance.get_absolute_url() + "#progress",
        )
    if previous.target_date != instance.target_date:
        notifications.record_change(
            instance,
            ChangeKind.TARGET,
            _date_moved(_("Target date"), previous.target_date, instance.target_date),
            user=user,
            diff_url=reverse("workplan:item_history", args=[instance.pk]),
        )


def _date_moved(what, old, new):
    """How a date moved, e.g. Target date moved from 31 March 2027 to 30
    June 2027 (91 days later); set: 30 June 2027; removed (was …)."""
    if old is None:
        return _("%(what)s set: %(new)s") % {"what": what, "new": _date_label(new)}
    if new is None:
        return _("%(what)s removed (was %(old)s)") % {
            "what": what,
            "old": _date_label(old),
        }
    days = (new - old).days
    if days > 0:
        difference = ngettext("%(n)s day later", "%(n)s days later", days)
    else:
        difference = ngettext("%(n)s day earlier", "%(n)s days earlier", -days)
    return _("%(what)s moved from %(old)s to %(new)s (%(difference)s)") % {
        "what": what,
        "old": _date_label(old),
        "new": _date_label(new),
        "difference": difference % {"n": abs(days)},
    }


def milestone_history_recorded(sender, instance, history_instance, **kwargs):
    """A milestone's due date moved: tell its item's followers (the
    milestone is part of the item: whoever may read the item reads it)."""
    if history_instance.history_type != "~":
        return
    previous = history_instance.prev_record
    if previous is None or previous.due == instance.due:
        return
    title = Truncator(instance.title).chars(120)
    notifications.record_change(
        instance.item,
        ChangeKind.MILESTONE,
        _date_moved(
            _("Milestone “%(title)s”") % {"title": title}, previous.due, instance.due
        ),
        user=history_instance.history_user,
        diff_url=reverse("workplan:item_history", args=[instance.item_id]),
    )


def review_opened(review, user):
    """A review round was opened: say when the updates are due."""
    notifications.record_change(
        review,
        ChangeKind.REVIEW,
        _("Review %(number)s opened: updates are due by %(due)s")
        % {"number": review.number, "due": format_date(review.due)},
        user=user,
    )


def reminders_due(today):
    """The reminders to send today: for each open review due in a week or
    today, each lead officer's items that have no update for it yet (and
    no reminder of that kind), with their last update and the due date."""
    reminders = []
    kinds = (
        (ReminderSent.Kind.WEEK_BEFORE, today + timedelta(days=7)),
        (ReminderSent.Kind.ON_THE_DAY, today),
    )
    for kind, due in kinds:
        reviews = Review.objects.filter(status=Review.Status.OPEN, due=due)
        for review in reviews.select_related("workplan__organisation"):
            reminders.extend(_reminders_for(review, kind))
    return reminders


def _reminders_for(review, kind):
    items = list(
        WorkplanItem.objects.filter(workplan=review.workplan_id)
        .in_the_plan()
        .exclude(updates__review=review)
        .exclude(
            pk__in=ReminderSent.objects.filter(review=review, kind=kind).values("item")
        )
        .filter(lead_officer__isnull=False, lead_officer__ended_at__isnull=True)
        .select_related("lead_officer__user")
        .order_by("position", "pk")
    )
    last = {}
    for update in (
        ProgressUpdate.objects.filter(item__in=items)
        .select_related("review")
        .order_by("item", "-as_at", "-pk")
    ):
        last.setdefault(update.item_id, update)
    by_officer = {}
    for item in items:
        by_officer.setdefault(item.lead_officer.user, []).append(item)
    organisation = review.workplan.organisation
    reminders = []
    for officer, theirs in by_officer.items():
        # Only what the officer may see now (their role may have changed).
        visible = set(
            WorkplanItem.objects.visible_to(officer)
            .filter(pk__in=[i.pk for i in theirs])
            .values_list("pk", flat=True)
        )
        lines = [
            {
                "review": review,
                "item": item,
                "last_update": last.get(item.pk),
                "url": reverse("workplan:progress_update", args=[review.pk, item.pk]),
            }
            for item in theirs
            if item.pk in visible
        ]
        if not lines:
            continue
        when = (
            _("due in a week")
            if kind == ReminderSent.Kind.WEEK_BEFORE
            else _("due today")
        )
        reminders.append(
            {
                "recipient": officer,
                "organisation": organisation,
                "kind": kind,
                "review": review,
                "due": format_date(review.due),
                "subject": _("Progress updates %(when)s: %(review)s")
                % {"when": when, "review": review},
                "lines": lines,
                "note_sent": _noter(review, kind, officer, lines),
            }
        )
    return reminders


def _noter(review, kind, officer, lines):
    def note_sent(now):
        ReminderSent.objects.bulk_create(
            [
                ReminderSent(
                    review=review,
                    item=line["item"],
                    kind=kind,
                    recipient=officer,
                    sent_at=now,
                )
                for line in lines
            ],
            ignore_conflicts=True,
        )

    return note_sent


def register():
    from simple_history.signals import post_create_historical_record

    notifications.register_followable_parents(
        Workplan, lambda workplan: [workplan, workplan.strategy]
    )
    notifications.register_followable_parents(
        WorkplanItem, lambda item: [item, item.workplan, item.workplan.strategy]
    )
    notifications.register_followable_parents(
        Review, lambda review: [review.workplan, review.workplan.strategy]
    )
    notifications.register_reminder_source(reminders_due)
    post_create_historical_record.connect(
        item_history_recorded,
        sender=WorkplanItem.history.model,
        dispatch_uid="workplan.notices.item_history_recorded",
    )
    post_create_historical_record.connect(
        milestone_history_recorded,
        sender=Milestone.history.model,
        dispatch_uid="workplan.notices.milestone_history_recorded",
    )
