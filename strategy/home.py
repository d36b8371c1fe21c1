"""What strategies need a person now, for the home page."""

from django.db.models import Q
from django.utils.translation import gettext as _

from governance.home import Panel, register_panel
from governance.lifecycle import APPROVE, LifecycleStatus
from governance.permissions import can
from governance.policy import STRATEGY

from .models import Strategy


@register_panel
def my_drafts(request):
    """Officers: the draft strategies they wrote or lead."""
    if not STRATEGY.allows(request.user, "create", request.organisation):
        return None
    drafts = list(
        Strategy.objects.visible_to(request.user)
        .for_organisation(request.organisation)
        .filter(status=LifecycleStatus.DRAFT)
        .filter(Q(created_by=request.user) | Q(lead_officer__user=request.user))
        .order_by("-period_start_year")[:10]
    )
    if not drafts:
        return None
    return Panel(
        _("Your draft strategies"), "strategy/home_list.html", {"strategies": drafts}
    )


@register_panel
def awaiting_committee(request):
    """Clerks: strategies waiting for a scrutiny outcome or an approval."""
    if not can(request.user, APPROVE, request.organisation):
        return None
    waiting = list(
        Strategy.objects.visible_to(request.user)
        .for_organisation(request.organisation)
        .filter(status__in=[LifecycleStatus.SCRUTINY, LifecycleStatus.APPROVAL])
        .order_by("title")[:10]
    )
    if not waiting:
        return None
    return Panel(
        _("Strategies waiting for a committee"),
        "strategy/home_list.html",
        {"strategies": waiting},
    )
