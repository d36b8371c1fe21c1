"""What committee business needs a person now, for the home page."""

from django.utils import timezone
from django.utils.translation import gettext as _

from governance.home import Panel, register_panel
from governance.permissions import can
from governance.visits import since_last_visit

from .call_in import format_date as format_day
from .choices import DecisionStatus, MeetingStatus
from .models import CommitteeMember, DecisionRecord, Meeting


@register_panel(order=20)
def published_since_last_visit(request):
    """Decisions published since the person's previous visit."""
    since = since_last_visit(request)
    decisions = list(
        DecisionRecord.objects.visible_to(request.user)
        .for_organisation(request.organisation)
        .exclude(status=DecisionStatus.DRAFT)
        .filter(published_at__gt=since)
        .select_related("meeting__committee")
        .order_by("-published_at", "-pk")[:10]
    )
    if not decisions:
        return None
    return Panel(
        _("Decisions published since %(day)s")
        % {"day": format_day(timezone.localdate(since))},
        "decisions/home_published.html",
        {"decisions": decisions},
    )


@register_panel(order=30)
def call_in_deadlines(request):
    """Published decisions whose call-in period is running."""
    now = timezone.now()
    decisions = list(
        DecisionRecord.objects.visible_to(request.user)
        .for_organisation(request.organisation)
        .filter(status=DecisionStatus.PUBLISHED, call_in_deadline__gt=now)
        .select_related("meeting__committee")
        .order_by("call_in_deadline")[:10]
    )
    if not decisions:
        return None
    return Panel(
        _("Call-in deadlines running"),
        "decisions/home_call_in.html",
        {"decisions": decisions},
    )


@register_panel(order=40)
def upcoming_meetings(request):
    """The next meetings of the committees the person sits on (or, for
    someone on none, of the council's committees), with their papers."""
    meetings = (
        Meeting.objects.visible_to(request.user)
        .for_organisation(request.organisation)
        .filter(starts_at__gte=timezone.now())
        .exclude(status=MeetingStatus.CANCELLED)
    )
    places = CommitteeMember.objects.filter(
        membership__user=request.user,
        membership__ended_at__isnull=True,
        committee__organisation=request.organisation,
    ).values("committee_id")
    own = list(
        meetings.filter(committee__in=places)
        .select_related("committee")
        .order_by("starts_at")[:5]
    )
    if not own:
        meetings = list(meetings.select_related("committee").order_by("starts_at")[:5])
    if not (own or meetings):
        return None
    return Panel(
        _("Your committees' meetings") if own else _("Coming up"),
        "decisions/home_meetings.html",
        {
            "meetings": own or meetings,
            "can_manage": can(
                request.user, "manage_committee_business", request.organisation
            ),
        },
    )


@register_panel
def drafts_to_publish(request):
    """Draft decision records, for the clerks who publish them."""
    if not can(request.user, "manage_committee_business", request.organisation):
        return None
    drafts = list(
        DecisionRecord.objects.visible_to(request.user)
        .for_organisation(request.organisation)
        .filter(status=DecisionStatus.DRAFT)
        .order_by("-decision_date")[:10]
    )
    if not drafts:
        return None
    return Panel(
        _("Draft decision records to publish"),
        "decisions/home_drafts.html",
        {"decisions": drafts},
    )
