"""Private feed addresses: a calendar client or feed reader fetches a
person's calendar and decisions with no session, seeing only what that
person could open now; a revoked, altered, guessed or orphaned key finds
nothing (404, never a 500, never a leak)."""

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from decisions.models import CommitteeMember
from governance import feed_keys
from governance.models import Membership

from ..base import make_committee, make_meeting

ATOM = "decisions:personal_decision_feed"
CALENDAR = "decisions:personal_calendar"


def fetch(name, token):
    """As a calendar client would: no cookies, no session."""
    return Client().get(reverse(name, args=[token]))


def make_addresses(client):
    response = client.post(reverse("feed_addresses"), {"action": "new"})
    assert response.status_code == 302
    return response


def test_a_member_makes_addresses_that_work_without_signing_in(
    cast, business, client_for
):
    client = client_for(cast.member)
    page = client.get(reverse("account_security")).content.decode()
    assert "Make my calendar and feed addresses" in page
    make_addresses(client)
    key = feed_keys.live_key(cast.member, cast.council_a)
    page = client.get(reverse("account_security")).content.decode()
    assert f"/feeds/{key.token}/calendar.ics" in page
    assert f"/feeds/{key.token}/decisions.atom" in page

    calendar = fetch(CALENDAR, key.token)
    assert calendar.status_code == 200
    assert calendar["Content-Type"].startswith("text/calendar")
    assert "private" in calendar["Cache-Control"]
    body = calendar.content.decode()
    assert "BEGIN:VCALENDAR" in body
    assert f"meeting-{business.meeting.pk}@" in body
    # An open review is not yet published to members.
    assert "Progress updates due" not in body

    feed = fetch(ATOM, key.token)
    assert feed.status_code == 200
    text = feed.content.decode()
    assert business.published_decision.title in text
    assert business.draft_decision.title not in text
    assert f"/feeds/{key.token}/decisions.atom" in text


def test_an_officers_calendar_has_the_dates_updates_are_due(cast, business, client_for):
    make_addresses(client_for(cast.officer))
    key = feed_keys.live_key(cast.officer, cast.council_a)
    body = fetch(CALENDAR, key.token).content.decode()
    assert f"review-{business.review.pk}@" in body
    assert f"DTSTART;VALUE=DATE:{business.review.due:%Y%m%d}" in body


def test_a_members_calendar_holds_the_meetings_of_their_committees(
    cast, business, client_for
):
    finance = make_committee(cast.council_a, "Finance Committee", "decision-making")
    finance_meeting = make_meeting(finance, timezone.now() + timedelta(days=9))
    membership = Membership.objects.get(user=cast.member, organisation=cast.council_a)
    CommitteeMember.objects.create(
        committee=finance, name="Cllr Member", membership=membership
    )
    make_addresses(client_for(cast.member))
    body = fetch(CALENDAR, feed_keys.live_key(cast.member, cast.council_a).token)
    text = body.content.decode()
    assert f"meeting-{finance_meeting.pk}@" in text
    assert f"meeting-{business.meeting.pk}@" not in text


def test_new_addresses_stop_the_old_and_stopping_stops_them(cast, business, client_for):
    client = client_for(cast.member)
    make_addresses(client)
    old = feed_keys.live_key(cast.member, cast.council_a).token
    make_addresses(client)
    new = feed_keys.live_key(cast.member, cast.council_a).token
    assert old != new
    assert fetch(CALENDAR, old).status_code == 404
    assert fetch(ATOM, old).status_code == 404
    assert fetch(CALENDAR, new).status_code == 200

    client.post(reverse("feed_addresses"), {"action": "stop"})
    assert fetch(CALENDAR, new).status_code == 404
    assert feed_keys.live_key(cast.member, cast.council_a) is None


def test_altered_guessed_and_orphaned_keys_find_nothing(cast, business, client_for):
    make_addresses(client_for(cast.member))
    token = feed_keys.live_key(cast.member, cast.council_a).token
    nonce, signature = token.split("-")
    flipped = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    for bad in (
        f"{nonce}-{flipped}",
        f"{nonce}-",
        nonce,
        "-" + signature,
        "x" * 200,
        "' OR 1=1 --",
        f"{'0' * 32}-{signature}",
    ):
        assert fetch(CALENDAR, bad).status_code == 404, bad
        assert fetch(ATOM, bad).status_code == 404, bad
    # The member's role ends: the address stops with it.
    Membership.objects.filter(user=cast.member, organisation=cast.council_a).update(
        ended_at=timezone.now() - timedelta(minutes=1)
    )
    assert fetch(CALENDAR, token).status_code == 404
    assert fetch(ATOM, token).status_code == 404


def test_another_councils_key_shows_only_its_own_council(cast, business, client_for):
    make_addresses(client_for(cast.other_council))
    token = feed_keys.live_key(cast.other_council, cast.council_b).token
    body = fetch(ATOM, token).content.decode()
    assert business.published_decision.title not in body
    calendar = fetch(CALENDAR, token).content.decode()
    assert f"meeting-{business.meeting.pk}@" not in calendar
    assert "BEGIN:VCALENDAR" in calendar
