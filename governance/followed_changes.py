"""The home page panel "Changes to what you follow": what changed in what
the person follows since their previous visit (`visits.since_last_visit`),
"3 items turned red since 1 October", from their notifications
(`notifications.Notification`)."""

from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import notifications
from .home import Panel, register_panel
from .notifications import ChangeKind
from .visits import since_last_visit

#: kind -> how a count of the records it changed reads.
_SENTENCES = {
    ChangeKind.TURNED_RED: lambda n: ngettext(
        "%(n)s item turned red", "%(n)s items turned red", n
    ),
    ChangeKind.RAG: lambda n: ngettext(
        "%(n)s item changed RAG status", "%(n)s items changed RAG status", n
    ),
    ChangeKind.TARGET: lambda n: ngettext(
        "%(n)s item's target date moved", "%(n)s items' target dates moved", n
    ),
    ChangeKind.MILESTONE: lambda n: ngettext(
        "%(n)s item's milestones moved", "%(n)s items' milestones moved", n
    ),
    ChangeKind.DECISION: lambda n: ngettext(
        "%(n)s decision published", "%(n)s decisions published", n
    ),
    ChangeKind.OUTCOME: lambda n: ngettext(
        "%(n)s call-in outcome recorded", "%(n)s call-in outcomes recorded", n
    ),
    ChangeKind.PAPERS: lambda n: ngettext(
        "papers published for %(n)s meeting", "papers published for %(n)s meetings", n
    ),
    ChangeKind.REVIEW: lambda n: ngettext(
        "%(n)s review opened", "%(n)s reviews opened", n
    ),
    ChangeKind.STATUS: lambda n: ngettext(
        "%(n)s record changed status", "%(n)s records changed status", n
    ),
}


def summary(recent, since):
    """[(sentence, latest notification of that kind)], most telling first."""
    records, latest = {}, {}
    for notification in recent:  # newest first
        change = notification.change
        records.setdefault(change.kind, set()).add(
            (change.content_type_id, change.object_id)
        )
        latest.setdefault(change.kind, notification)
    day = format_date(since, "j F")
    lines = []
    for kind, sentence in _SENTENCES.items():
        if kind in records:
            count = len(records[kind])
            text = sentence(count) % {"n": count}
            lines.append(
                (
                    _("%(what)s since %(day)s") % {"what": text, "day": day},
                    latest[kind],
                )
            )
    return lines


@register_panel(order=15)
def changes_followed(request):
    """Since the person's previous visit (the same "since" as the home
    page's other panels)."""
    user, organisation = request.user, request.organisation
    since = since_last_visit(request)
    recent = notifications.recent_for(user, organisation, since)
    if not recent:
        return None
    return Panel(
        _("Changes to what you follow"),
        "governance/home_followed_changes.html",
        {"lines": summary(recent, since), "recent": recent[:5]},
    )
