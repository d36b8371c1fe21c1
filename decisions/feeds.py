"""Feeds a person can subscribe to: an Atom feed of decisions, and a calendar.

Both answer for the council the signed-in person is working in
(`request.organisation`) and start from the access policy's `visible_to()`,
so a person sees in a feed exactly what they could open as a page. Drafts are
never in a feed, not even a clerk's. At these addresses both stay behind
sign-in (`LoginRequiredMiddleware`); a person with no council gets an empty
feed. Each person also has private addresses for them
(`/feeds/<key>/calendar.ics`, `/feeds/<key>/decisions.atom`, keys in
`governance/feed_keys.py`) that a calendar or feed reader fetches with no
session: the same feeds, as the key's owner may see them now, the calendar
narrowed to the committees the owner sits on (if any). The public site
(`public/`) serves the same feeds for a `PublicReader`: what anyone may read
(`public(organisation)`), with links to the public pages.

* `DecisionFeed` -- Atom (RFC 4287): the council's published decisions,
  newest publication first, each with its committee, its status now and its
  call-in deadline as the council writes it.
* `meeting_calendar` -- iCalendar (RFC 5545): the council's meetings from a
  year ago onwards, and the call-in deadline of every published decision
  whose call-in period is open or ended in the last 30 days, and the due
  dates of open reviews' progress updates (for those who may open them).
  The serializer
  is the small one below: TEXT values escaped (RFC 5545 §3.3.11), CRLF line
  endings, lines folded at 75 octets without splitting a UTF-8 character.
"""

import re
from dataclasses import dataclass
from datetime import UTC, timedelta

from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html_join
from django.views.decorators.http import require_safe

from governance import feed_keys
from governance.downloads import keep_private

from .call_in import format_date
from .choices import DecisionStatus, MeetingStatus
from .models import CommitteeMember, DecisionRecord, Meeting

#: At most this many entries in the Atom feed.
FEED_LIMIT = 50
#: At most this many meetings (and, separately, deadlines) in the calendar.
CALENDAR_LIMIT = 500
#: Meetings from this long ago onwards are in the calendar.
CALENDAR_PAST_MEETINGS = timedelta(days=365)
#: Call-in deadlines that passed no longer ago than this are in the calendar.
CALENDAR_PAST_DEADLINES = timedelta(days=30)
#: A meeting is shown as lasting this long (the record has no end time).
MEETING_LENGTH = timedelta(hours=2)

# Characters XML 1.0 and iCalendar TEXT cannot carry (tab and newlines can).
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _printable(text):
    """`text` without control characters, which neither format allows."""
    return _CONTROL_CHARACTERS.sub("", str(text))


def call_in_text(decision):
    """The call-in line of a published decision, as the council writes it.

    "Call-in: not later than midnight on Friday 5 October 2007" (or "5pm"
    with a cut-off), "Urgent: not subject to call-in", or "" when there is
    no deadline (a draft).
    """
    if decision.urgent:
        return "Urgent: not subject to call-in"
    if not decision.subject_to_call_in:
        return "Not subject to call-in"
    if not decision.deadline_text:
        return ""
    return f"Call-in: {decision.deadline_text}"


def published_decisions(user, organisation):
    """The published decisions of `organisation` that `user` (a person, or a
    `PublicReader`) may read."""
    if organisation is None:
        return DecisionRecord.objects.none()
    return (
        DecisionRecord.objects.readable_by(user)
        .for_organisation(organisation)
        .exclude(status=DecisionStatus.DRAFT)
        .select_related("organisation", "meeting__committee")
    )


# --- Atom --------------------------------------------------------------------


@dataclass(frozen=True)
class _FeedRequest:
    """What one request's feed is for (the Feed instance is shared): whose
    it is, for which council, and the private key it was fetched with."""

    request: object
    user: object
    organisation: object
    key: str = ""


class DecisionFeed(Feed):
    """Atom feed of the published decisions of the council being worked in."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        # Behind sign-in and different for each person: a private download.
        return keep_private(super().__call__(request, *args, **kwargs))

    def get_object(self, request, *args, **kwargs):
        return _FeedRequest(
            request=request, user=request.user, organisation=request.organisation
        )

    def title(self, obj):
        if obj.organisation is None:
            return "Decisions"
        return _printable(f"Decisions – {obj.organisation.name}")

    def subtitle(self, obj):
        return "Decision records published by the council, newest first."

    def link(self, obj):
        return reverse("decisions:decision_list")

    def feed_url(self, obj):
        if obj.key:
            return reverse("decisions:personal_decision_feed", args=[obj.key])
        return reverse("decisions:decision_feed")

    def author_name(self, obj):
        if obj.organisation is None:
            return None
        return _printable(obj.organisation.name)

    def items(self, obj):
        return published_decisions(obj.user, obj.organisation).order_by(
            "-published_at", "-pk"
        )[:FEED_LIMIT]

    def item_title(self, item):
        # An Atom <title> is plain text: the XML writer escapes it once, and
        # a reader shows exactly the title (no HTML double escaping).
        return _printable(item.title)

    def item_description(self, item):
        # An Atom <summary> is written as type="html": every value is
        # escaped by format_html_join, and the XML writer escapes again.
        lines = [
            f"Decided on {format_date(item.decision_date)} "
            f"by {item.meeting.committee.name}",
            f"Status: {item.current_status().label}",
            call_in_text(item),
        ]
        return _printable(
            format_html_join("\n", "<p>{}</p>", ((line,) for line in lines if line))
        )

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at

    def item_author_name(self, item):
        return _printable(item.organisation.name)


# --- iCalendar ---------------------------------------------------------------


def ics_text(value):
    """`value` as an iCalendar TEXT value (RFC 5545 §3.3.11).

    Backslash, semicolon and comma are escaped with a backslash, and every
    line break becomes the two characters ``\\n``.
    """
    value = _printable(value.replace("\r\n", "\n").replace("\r", "\n"))
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\n", "\\n")
    )


def ics_datetime(moment):
    """An aware datetime as an iCalendar UTC DATE-TIME: 20070705T180000Z."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def ics_fold(line):
    """Fold a content line into lines of at most 75 octets (RFC 5545 §3.1).

    Each continuation line starts with one space. A UTF-8 character is never
    split across lines. Returns the folded line without its final CRLF.
    """
    pieces = []
    current = []
    size = 0
    limit = 75
    for character in line:
        octets = len(character.encode("utf-8"))
        if size + octets > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, 74  # the leading space is one octet
        current.append(character)
        size += octets
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


class _Calendar:
    """Content lines of one VCALENDAR, written out with CRLF endings."""

    def __init__(self):
        self.lines = []

    def add(self, name, value):
        """A property whose value is already in its iCalendar form."""
        self.lines.append(f"{name}:{value}")

    def text(self, name, value):
        """A property whose value is TEXT."""
        self.add(name, ics_text(value))

    def serialize(self):
        return "".join(f"{ics_fold(line)}\r\n" for line in self.lines)


def _calendar_name(organisation):
    if organisation is None:
        return "Meetings"
    return f"Meetings – {organisation.name}"


@require_safe
def meeting_calendar(request):
    """The council's meetings and call-in deadlines as an iCalendar file."""
    return keep_private(calendar_response(request, request.user, request.organisation))


def calendar_response(
    request, user, organisation, *, own_committees=False, url_of=None
):
    """The iCalendar file of `organisation`'s meetings (with `own_committees`,
    only those of the committees `user` sits on, if any), the call-in
    deadlines of its published decisions and the due dates of its open
    reviews' progress updates: each only if `user` (a person, or a
    `PublicReader`) may open it, linked to `url_of(record)` (by default the
    record's page behind sign-in). Returns the response with no
    Cache-Control: the caller says who may keep it."""
    url_of = url_of or (lambda record: record.get_absolute_url())
    now = timezone.now()
    host = request.get_host()
    stamp = ics_datetime(now)

    if organisation is None:
        meetings = Meeting.objects.none()
        decisions = DecisionRecord.objects.none()
        reviews = []
    else:
        meetings = (
            Meeting.objects.readable_by(user)
            .for_organisation(organisation)
            .filter(starts_at__gte=now - CALENDAR_PAST_MEETINGS)
        )
        if own_committees:
            places = CommitteeMember.objects.filter(
                membership__user=user, committee__organisation=organisation
            ).values("committee_id")
            if places.exists():
                meetings = meetings.filter(committee__in=places)
        meetings = meetings.select_related("committee").order_by("starts_at", "pk")[
            :CALENDAR_LIMIT
        ]
        decisions = (
            published_decisions(user, organisation)
            .filter(
                urgent=False,
                call_in_deadline__isnull=False,
                call_in_deadline__gte=now - CALENDAR_PAST_DEADLINES,
            )
            .order_by("call_in_deadline", "pk")[:CALENDAR_LIMIT]
        )
        reviews = open_reviews(user, organisation)

    calendar = _Calendar()
    calendar.add("BEGIN", "VCALENDAR")
    calendar.add("VERSION", "2.0")
    calendar.text("PRODID", "-//ICT strategy governance//Meetings//EN")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    calendar.text("X-WR-CALNAME", _calendar_name(organisation))
    calendar.add("X-PUBLISHED-TTL", "PT1H")

    for meeting in meetings:
        calendar.add("BEGIN", "VEVENT")
        calendar.text("UID", f"meeting-{meeting.pk}@{host}")
        calendar.add("DTSTAMP", stamp)
        calendar.add("DTSTART", ics_datetime(meeting.starts_at))
        calendar.add("DTEND", ics_datetime(meeting.starts_at + MEETING_LENGTH))
        calendar.text("SUMMARY", meeting.committee.name)
        calendar.text("LOCATION", meeting.venue)
        calendar.add("URL", request.build_absolute_uri(url_of(meeting)))
        if meeting.status == MeetingStatus.CANCELLED:
            calendar.add("STATUS", "CANCELLED")
        else:
            calendar.add("STATUS", "CONFIRMED")
        calendar.add("END", "VEVENT")

    for decision in decisions:
        # A moment, not a span: with no DTEND the event lasts no time
        # (RFC 5545 §3.6.1); a DTEND equal to DTSTART would be invalid.
        calendar.add("BEGIN", "VEVENT")
        calendar.text("UID", f"call-in-{decision.pk}@{host}")
        calendar.add("DTSTAMP", stamp)
        calendar.add("DTSTART", ics_datetime(decision.call_in_deadline))
        calendar.text("SUMMARY", f"Call-in deadline: {decision.title}")
        calendar.text(
            "DESCRIPTION",
            f"{call_in_text(decision)}\n{decision.meeting.committee.name}, "
            f"{format_date(decision.decision_date)}",
        )
        calendar.add("URL", request.build_absolute_uri(url_of(decision)))
        calendar.add("TRANSP", "TRANSPARENT")
        calendar.add("END", "VEVENT")

    for review in reviews:
        # A day, not a moment: updates are due by the end of it.
        calendar.add("BEGIN", "VEVENT")
        calendar.text("UID", f"review-{review.pk}@{host}")
        calendar.add("DTSTAMP", stamp)
        calendar.add("DTSTART;VALUE=DATE", review.due.strftime("%Y%m%d"))
        calendar.text("SUMMARY", f"Progress updates due: {review.workplan}")
        calendar.text(
            "DESCRIPTION", f"Review {review.number} of {review.workplan} is open."
        )
        calendar.add("URL", request.build_absolute_uri(url_of(review)))
        calendar.add("TRANSP", "TRANSPARENT")
        calendar.add("END", "VEVENT")

    calendar.add("END", "VCALENDAR")

    response = HttpResponse(
        calendar.serialize().encode("utf-8"),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="meetings.ics"'
    return response


def open_reviews(user, organisation):
    """The open review rounds of `organisation`'s workplans that `user` may
    open (officers, clerks and administrators: a round in progress is not
    yet published to members, nor to the public)."""
    # Imported here: the workplan app builds on this one.
    from workplan.models import Review

    return list(
        Review.objects.readable_by(user)
        .for_organisation(organisation)
        .filter(status=Review.Status.OPEN)
        .select_related("workplan__strategy")
        .order_by("due", "pk")[:CALENDAR_LIMIT]
    )


# --- private addresses ---------------------------------------------------------


def _owner_or_404(key):
    owner = feed_keys.owner_of(key)
    if owner is None:
        raise Http404("No such feed.")
    return owner


@login_not_required
@require_safe
def personal_calendar(request, key):
    """The person's calendar at their private address (no session needed):
    their committees' meetings, call-in deadlines, review due dates."""
    user, organisation = _owner_or_404(key)
    return keep_private(
        calendar_response(request, user, organisation, own_committees=True)
    )


class PersonalDecisionFeed(DecisionFeed):
    """The Atom feed of decisions at the person's private address."""

    def get_object(self, request, key, *args, **kwargs):
        user, organisation = _owner_or_404(key)
        return _FeedRequest(
            request=request, user=user, organisation=organisation, key=key
        )


personal_decision_feed = login_not_required(PersonalDecisionFeed())
