"""What committee business needs a person now, for the home page."""

from django.utils import timezone
from django.utils.translation import gettext as _

from governance.home import Panel, register_panel
from governance.kept_queries import kept_query, reader_key
from governance.permissions import can
from governance.visits import since_last_visit

from .call_in import format_date as format_day
from .choices import DecisionStatus, MeetingStatus
from .models import CommitteeMember, DecisionRecord, Meeting


@register_panel(order=20)
def published_since_last_visit(request):
    """Decisions published since the person's previous visit."""
    since = since_last_visit(request)

    def build(organisation, reader, since):
        return (
            DecisionRecord.objects.visible_to(reader)
            .filter(organisation=organisation)
            .exclude(status=DecisionStatus.DRAFT)
            .filter(published_at__gt=since)
            .select_related("meeting__committee")
            .order_by("-published_at", "-pk")[:10]
        )

    decisions = list(_kept(request, "published", build, since=since))
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

    def build(organisation, reader, now):
        return (
            DecisionRecord.objects.visible_to(reader)
            .filter(organisation=organisation)
            .filter(status=DecisionStatus.PUBLISHED, call_in_deadline__gt=now)
            .select_related("meeting__committee")
            .order_by("call_in_deadline")[:10]
        )

    decisions = list(_kept(request, "call-in", build, now=timezone.now()))
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

    def coming(organisation, reader, now):
        return (
            Meeting.objects.visible_to(reader)
            .filter(committee__organisation=organisation)
            .filter(starts_at__gte=now)
            .exclude(status=MeetingStatus.CANCELLED)
            .select_related("committee")
            .order_by("starts_at")
        )

    def own_committees(organisation, reader, now):
        places = CommitteeMember.objects.filter(
            membership__user=reader,
            membership__ended_at__isnull=True,
            committee__organisation=organisation,
        ).values("committee_id")
        return coming(organisation, reader, now).filter(committee__in=places)[:5]

    def all_committees(organisation, reader, now):
        return coming(organisation, reader, now)[:5]

    now = timezone.now()
    own = list(_kept(request, "own meetings", own_committees, now=now))
    meetings = []
    if not own:
        meetings = list(_kept(request, "meetings", all_committees, now=now))
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


def _kept(request, panel, build, **moments):
    """`build`'s queryset for the council worked in, as the reader may read
    it, built and compiled once per panel and class of reader
    (`governance.kept_queries`)."""
    return kept_query(
        ("home", panel, reader_key(request.user)),
        build,
        record=request.organisation.pk,
        reader=request.user,
        **moments,
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
