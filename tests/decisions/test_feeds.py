"""The Atom feed of decisions and the iCalendar feed of meetings and deadlines.

Meetings and decisions are made through the ordinary code paths: rows saved
with `save_with_reason`, decisions published through `DECISION_PATH`.
"""

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from decisions.call_in import LONDON
from decisions.choices import CommitteeKind, MeetingStatus
from decisions.decision_path import DECISION_PATH
from decisions.feeds import ics_fold, ics_text
from decisions.models import Committee, DecisionRecord, Meeting, Resolution
from governance.history import save_with_reason

from ..base import make_committee, make_person

ATOM = "{http://www.w3.org/2005/Atom}"
FEED_URL = reverse("decisions:decision_feed")
CALENDAR_URL = reverse("decisions:meeting_calendar")

# Published on Monday 1 October 2007: five working days, the day of
# publication counting, end at midnight on Friday 5 October 2007.
DECIDED_ON = date(2007, 10, 1)
PUBLISHED_AT = datetime(2007, 10, 1, 10, 0, tzinfo=LONDON)


# --- making meetings and decisions ------------------------------------------


def make_meeting(
    organisation,
    starts_at,
    *,
    committee="Cabinet",
    venue="Council Chamber",
    status=MeetingStatus.SCHEDULED,
):
    committee = Committee.objects.get(organisation=organisation, name=committee)
    meeting = Meeting(
        committee=committee, starts_at=starts_at, venue=venue, status=status
    )
    return save_with_reason(meeting, user=None, reason="Test set-up")


def make_decision(
    cast,
    title,
    *,
    published_at=PUBLISHED_AT,
    committee="Cabinet",
    urgent=False,
    publish=True,
):
    """A decision of council A taken on the day of `published_at`, published
    at that moment by the clerk (or left a draft)."""
    decided_on = published_at.astimezone(LONDON).date()
    meeting = make_meeting(
        cast.council_a,
        datetime.combine(decided_on, datetime.min.time(), tzinfo=LONDON),
        committee=committee,
    )
    decision = DecisionRecord(
        organisation=cast.council_a,
        meeting=meeting,
        decision_date=decided_on,
        title=title,
        record="The Cabinet agreed the recommendations.",
        reasons="To modernise the council's ICT.",
        urgent=urgent,
        urgency_reason="Contract expires this week." if urgent else "",
    )
    save_with_reason(decision, user=None, reason="Test set-up")
    resolution = Resolution(decision=decision, position=1, text="Agreed.")
    save_with_reason(resolution, user=None, reason="Test set-up")
    if publish:
        decision = DECISION_PATH.perform(
            decision, "publish", cast.clerk, inputs={"published_at": published_at}
        )
    return decision


def recently():
    """A moment a few minutes ago: a decision published then is open to call-in."""
    return timezone.now() - timedelta(minutes=5)


# --- reading the feeds ------------------------------------------------------


def atom_entries(response):
    """(feed element, [entry elements]) of an Atom response."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    # Our own response, in a test: not untrusted input.
    feed = ET.fromstring(response.content)  # noqa: S314
    assert feed.tag == f"{ATOM}feed"
    return feed, feed.findall(f"{ATOM}entry")


def entry_link(entry):
    return entry.find(f"{ATOM}link[@rel='alternate']").get("href")


def calendar_events(response):
    """The VEVENTs of an iCalendar response, each a dict of property -> value."""
    assert response.status_code == 200
    text = response.content.decode("utf-8").replace("\r\n ", "")
    events, current = [], None
    for line in text.split("\r\n"):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            assert name not in current, f"{name} twice in one event"
            current[name] = value
    return events


def by_uid(events):
    return {event["UID"]: event for event in events}


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


# --- the Atom feed ----------------------------------------------------------


def test_the_atom_feed_lists_a_published_decision_with_its_call_in_deadline(
    cast, client_for
):
    decision = make_decision(cast, "Adopt the ICT strategy 2025 to 2030")
    urgent = make_decision(
        cast,
        "Replace the failing telephone system",
        published_at=datetime(2008, 3, 3, 9, 0, tzinfo=LONDON),
        urgent=True,
    )
    client = client_for(cast.member)

    feed, entries = atom_entries(client.get(FEED_URL))

    assert feed.findtext(f"{ATOM}title") == "Decisions – Ashdown Borough Council"
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        "Replace the failing telephone system",
        "Adopt the ICT strategy 2025 to 2030",
    ], "newest publication first"
    entry = entries[1]
    summary = entry.findtext(f"{ATOM}summary")
    assert entry.find(f"{ATOM}summary").get("type") == "html"
    assert "Decided on Monday 1 October 2007 by Cabinet" in summary
    assert "Status: Effective" in summary
    assert "Call-in: not later than midnight on Friday 5 October 2007" in summary
    published = datetime.fromisoformat(entry.findtext(f"{ATOM}published"))
    assert published == PUBLISHED_AT
    assert datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) == PUBLISHED_AT
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Ashdown Borough Council"
    link = entry_link(entry)
    assert link == f"http://testserver{decision.get_absolute_url()}"
    assert entry.findtext(f"{ATOM}id") == link
    assert "Urgent: not subject to call-in" in entries[0].findtext(f"{ATOM}summary")
    assert entry_link(entries[0]) == f"http://testserver{urgent.get_absolute_url()}"

    assert client.get(link).status_code == 200


def test_a_decision_still_open_to_call_in_shows_its_status_and_deadline(
    cast, client_for
):
    decision = make_decision(cast, "Move email to the cloud", published_at=recently())

    _feed, entries = atom_entries(client_for(cast.officer).get(FEED_URL))

    summary = entries[0].findtext(f"{ATOM}summary")
    assert "Status: Published, subject to call-in" in summary
    deadline = decision.call_in_deadline.astimezone(LONDON)
    assert deadline > timezone.now()
    assert "Call-in: not later than midnight on " in summary


def test_drafts_never_appear_in_the_feed_even_for_the_clerk(cast, client_for):
    make_decision(cast, "A published decision")
    make_decision(cast, "A draft nobody outside may read", publish=False)

    for person in (cast.clerk, cast.administrator, cast.member):
        _feed, entries = atom_entries(client_for(person).get(FEED_URL))
        titles = [entry.findtext(f"{ATOM}title") for entry in entries]
        assert titles == ["A published decision"], person


def test_another_councils_officer_gets_an_empty_feed_and_404_on_its_entries(
    cast, client_for
):
    make_decision(cast, "Adopt the ICT strategy")
    _feed, entries = atom_entries(client_for(cast.member).get(FEED_URL))
    link = entry_link(entries[0])

    client = client_for(cast.other_council)
    feed, entries = atom_entries(client.get(FEED_URL))

    assert entries == []
    assert feed.findtext(f"{ATOM}title") == "Decisions – Brackley District Council"
    assert client.get(link).status_code == 404


def test_a_person_with_no_council_gets_empty_feeds(cast, client_for):
    make_decision(cast, "Adopt the ICT strategy", published_at=recently())
    client = client_for(make_person("no_council"))

    _feed, entries = atom_entries(client.get(FEED_URL))
    assert entries == []
    assert calendar_events(client.get(CALENDAR_URL)) == []


def test_hostile_text_in_a_decision_is_escaped_and_the_feed_still_parses(
    cast, client_for
):
    title = "<script>alert(1)</script> ]]> & \"quoted\" 'text'"
    make_committee(cast.council_a, "Cabinet <b>&</b>", CommitteeKind.EXECUTIVE)
    make_decision(cast, title, committee="Cabinet <b>&</b>")

    response = client_for(cast.member).get(FEED_URL)

    assert b"<script>" not in response.content
    assert b"<b>" not in response.content
    assert b"]]>" not in response.content
    _feed, entries = atom_entries(response)
    assert entries[0].findtext(f"{ATOM}title") == title, "escaped once, not twice"
    # The summary is HTML: the committee's name appears in it as text.
    summary = entries[0].findtext(f"{ATOM}summary")
    assert "by Cabinet &lt;b&gt;&amp;&lt;/b&gt;" in summary
    assert "<b>" not in summary


def test_the_feed_takes_the_same_number_of_queries_for_3_and_9_decisions(
    cast, client_for
):
    client = client_for(cast.member)
    for number in range(3):
        make_decision(cast, f"Decision {number}")
    few, response = queries_for(client, FEED_URL)
    assert len(atom_entries(response)[1]) == 3

    for number in range(3, 9):
        make_decision(
            cast, f"Decision {number}", committee="Overview and Scrutiny Committee"
        )
    many, response = queries_for(client, FEED_URL)
    assert len(atom_entries(response)[1]) == 9

    assert few == many


# --- the calendar -----------------------------------------------------------


def test_the_calendar_has_an_event_per_meeting_and_open_call_in_deadline(
    cast, client_for
):
    next_year = timezone.localdate().year + 1
    summer = make_meeting(
        cast.council_a,
        datetime(next_year, 7, 15, 19, 0, tzinfo=LONDON),
        venue="Council Chamber, Town Hall; Room 1\nHigh Street \\ Ashdown",
    )
    winter = make_meeting(
        cast.council_a,
        datetime(next_year, 1, 20, 19, 0, tzinfo=LONDON),
        committee="Overview and Scrutiny Committee",
    )
    cancelled = make_meeting(
        cast.council_a,
        datetime(next_year, 2, 10, 18, 30, tzinfo=LONDON),
        status=MeetingStatus.CANCELLED,
    )
    long_ago = make_meeting(
        cast.council_a, datetime(next_year - 3, 5, 5, 19, 0, tzinfo=LONDON)
    )
    open_decision = make_decision(
        cast, "Adopt the ICT strategy, 2025; phase 2", published_at=recently()
    )
    closed_decision = make_decision(cast, "An old decision")
    urgent_decision = make_decision(
        cast, "An urgent decision", published_at=recently(), urgent=True
    )
    draft = make_decision(cast, "A draft", published_at=recently(), publish=False)
    client = client_for(cast.member)

    response = client.get(CALENDAR_URL)

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="meetings.ics"'
    events = by_uid(calendar_events(response))

    meeting_uid = "meeting-{}@testserver".format
    summer_event = events[meeting_uid(summer.pk)]
    assert summer_event["DTSTART"] == f"{next_year}0715T180000Z", "BST is UTC+1"
    assert summer_event["DTEND"] == f"{next_year}0715T200000Z"
    assert summer_event["SUMMARY"] == "Cabinet"
    assert summer_event["LOCATION"] == (
        "Council Chamber\\, Town Hall\\; Room 1\\nHigh Street \\\\ Ashdown"
    )
    assert summer_event["URL"] == f"http://testserver{summer.get_absolute_url()}"
    assert summer_event["STATUS"] == "CONFIRMED"
    winter_event = events[meeting_uid(winter.pk)]
    assert winter_event["DTSTART"] == f"{next_year}0120T190000Z", "GMT is UTC"
    assert winter_event["DTEND"] == f"{next_year}0120T210000Z"
    assert winter_event["SUMMARY"] == "Overview and Scrutiny Committee"
    assert events[meeting_uid(cancelled.pk)]["STATUS"] == "CANCELLED"
    assert meeting_uid(long_ago.pk) not in events

    deadline = events[f"call-in-{open_decision.pk}@testserver"]
    assert deadline["SUMMARY"] == (
        "Call-in deadline: Adopt the ICT strategy\\, 2025\\; phase 2"
    )
    assert deadline["DTSTART"] == open_decision.call_in_deadline.astimezone(
        UTC
    ).strftime("%Y%m%dT%H%M%SZ")
    assert "DTEND" not in deadline, "a moment: no DTEND equal to DTSTART"
    assert deadline["URL"] == f"http://testserver{open_decision.get_absolute_url()}"
    for decision in (closed_decision, urgent_decision, draft):
        assert f"call-in-{decision.pk}@testserver" not in events

    for event in events.values():
        assert event["DTSTAMP"].endswith("Z")
    # The meetings of the three recent decisions and the three upcoming
    # meetings; not those of long ago (nor the 2007 decision's).
    meetings = [uid for uid in events if uid.startswith("meeting-")]
    assert len(meetings) == 3 + 3
    assert len(events) == len(meetings) + 1


def test_the_calendar_has_crlf_line_endings_and_folds_long_lines_at_75_octets(
    cast, client_for
):
    title = "Ffordd ymlaen – strategaeth ddigidol ‘Cymraeg’ € " * 4
    make_decision(cast, title.strip(), published_at=recently())

    content = client_for(cast.member).get(CALENDAR_URL).content

    assert content.startswith(b"BEGIN:VCALENDAR\r\n")
    assert content.endswith(b"END:VCALENDAR\r\n")
    assert content.count(b"\n") == content.count(b"\r\n")
    assert b"\r\n " in content, "the long summary is folded"
    for line in content.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # no character split across lines
    summaries = [
        event["SUMMARY"]
        for event in calendar_events(client_for(cast.member).get(CALENDAR_URL))
        if event["UID"].startswith("call-in-")
    ]
    assert summaries == [f"Call-in deadline: {title.strip()}"]


@pytest.mark.parametrize(
    "line",
    [
        "SUMMARY:" + "a" * 200,
        "SUMMARY:" + "é" * 100,
        "SUMMARY:" + "x" + "€" * 60,
        "SUMMARY:" + "😀" * 40,
        "SUMMARY:short",
    ],
)
def test_folding_never_splits_a_character_or_exceeds_75_octets(line):
    folded = ics_fold(line)

    assert folded.replace("\r\n ", "") == line
    for physical in folded.split("\r\n"):
        assert len(physical.encode("utf-8")) <= 75


def test_text_values_escape_backslashes_separators_and_line_breaks():
    assert ics_text("a\\b;c,d\r\ne\nf\rg") == "a\\\\b\\;c\\,d\\ne\\nf\\ng"
    assert ics_text("bell\x07") == "bell"


def test_another_councils_officer_never_sees_council_a_in_the_calendar(
    cast, client_for
):
    next_year = timezone.localdate().year + 1
    a_meeting = make_meeting(
        cast.council_a, datetime(next_year, 7, 15, 19, 0, tzinfo=LONDON)
    )
    b_meeting = make_meeting(
        cast.council_b, datetime(next_year, 7, 16, 19, 0, tzinfo=LONDON)
    )
    decision = make_decision(cast, "Adopt the ICT strategy", published_at=recently())

    events = by_uid(calendar_events(client_for(cast.other_council).get(CALENDAR_URL)))

    assert list(events) == [f"meeting-{b_meeting.pk}@testserver"]
    assert f"meeting-{a_meeting.pk}@testserver" not in events
    assert f"call-in-{decision.pk}@testserver" not in events


def test_the_calendar_takes_the_same_number_of_queries_for_3_and_9_items(
    cast, client_for
):
    client = client_for(cast.member)
    for number in range(3):
        make_decision(cast, f"Decision {number}", published_at=recently())
    few, response = queries_for(client, CALENDAR_URL)
    assert len(calendar_events(response)) == 3 + 3

    for number in range(3, 9):
        make_decision(
            cast,
            f"Decision {number}",
            published_at=recently(),
            committee="Overview and Scrutiny Committee",
        )
    many, response = queries_for(client, CALENDAR_URL)
    assert len(calendar_events(response)) == 9 + 9

    assert few == many


# --- access -----------------------------------------------------------------


@pytest.mark.parametrize("url", [FEED_URL, CALENDAR_URL])
def test_anonymous_is_sent_to_the_sign_in_page(cast, client_for, url):
    response = client_for(None).get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")
