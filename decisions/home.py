"""What committee business needs a person now, for the home page."""

from django.utils import timezone
from django.utils.translation import gettext as _

from governance.home import Panel, register_panel
from governance.permissions import can

from .choices import DecisionStatus, MeetingStatus
from .models import DecisionRecord, Meeting


@register_panel
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


@register_panel
def upcoming_meetings(request):
    """The next meetings of the council's committees."""
    meetings = list(
        Meeting.objects.visible_to(request.user)
        .for_organisation(request.organisation)
        .filter(starts_at__gte=timezone.now())
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("committee")
        .order_by("starts_at")[:5]
    )
    if not meetings:
        return None
    return Panel(
        _("Coming up"),
        "decisions/home_meetings.html",
        {
            "meetings": meetings,
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
