"""A committee's own page: its members and contact officer, meetings to come
(soonest first) and past (most recent first), its decisions and the key
decisions it is to take; each list holds only what the reader may open."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from decisions.models import Committee, CommitteeMember

from ..base import make_decision, make_meeting, make_report, publish, put_on_agenda


def committee_url(committee):
    return reverse(
        "decisions:committee_detail",
        args=[committee.organisation.slug, committee.pk],
    )


def build(cast, business, meetings=2):
    cabinet = business.cabinet
    for name, role in (
        ("Cllr Zoe Young", CommitteeMember.Role.MEMBER),
        ("Cllr Adam Brown", CommitteeMember.Role.VICE_CHAIR),
        ("Cllr Mary Leader", CommitteeMember.Role.CHAIR),
    ):
        CommitteeMember.objects.create(committee=cabinet, name=name, role=role)
    now = timezone.now()
    for days in range(1, meetings + 1):
        make_meeting(cabinet, now + timedelta(days=days * 7), venue=f"Room {days}")
        past = make_meeting(cabinet, now - timedelta(days=days * 7))
        publish(make_decision(past, f"Decision {days}"), cast.clerk)
        make_decision(past, f"Draft decision {days}")
    return cabinet


def test_a_member_reads_a_committees_members_meetings_and_decisions(
    cast, business, client_for
):
    cabinet = build(cast, business)
    key = make_report(cast.council_a, "Data centre exit", key_decision=True)
    upcoming = cabinet.meetings.filter(starts_at__gt=timezone.now()).earliest(
        "starts_at"
    )
    put_on_agenda(upcoming, key)

    page = client_for(cast.member).get(committee_url(cabinet)).content.decode()

    # The Chair first, then the Vice-chair, then members by name.
    assert (
        page.index("Cllr Mary Leader (Chair)")
        < page.index("Cllr Adam Brown (Vice-chair)")
        < page.index("Cllr Zoe Young")
    )
    coming = page[page.index("Meetings to come") : page.index("Key decisions")]
    assert coming.index("Room 1") < coming.index("Room 2")
    past = page[page.index("Past meetings") : page.index("<h2", page.index("Past"))]
    days = [
        (timezone.localtime(m.starts_at)).strftime("%-d %B %Y")
        for m in cabinet.meetings.filter(starts_at__lt=timezone.now()).order_by(
            "-starts_at"
        )
    ]
    assert past.index(days[0]) < past.index(days[1])
    # A member reads published decisions only; a clerk sees drafts too.
    assert "Decision 1" in page
    assert "Draft decision" not in page
    clerk_page = client_for(cast.clerk).get(committee_url(cabinet)).content.decode()
    assert "Draft decision 1" in clerk_page
    # The key decision the committee is to take; members read the report
    # once its agenda is published.
    assert "Data centre exit" in clerk_page
    assert "Data centre exit" not in page


def test_another_councils_committee_is_not_found(cast, business, client_for):
    other = Committee.objects.filter(organisation=cast.council_b).first() or None
    response = client_for(cast.officer).get(
        reverse("decisions:committee_detail", args=["ashdown", 999999])
    )
    assert response.status_code == 404
    if other is not None:
        response = client_for(cast.officer).get(
            reverse("decisions:committee_detail", args=["ashdown", other.pk])
        )
        assert response.status_code == 404


def test_the_committee_page_makes_as_many_queries_however_many_meetings(
    cast, business, client_for
):
    cabinet = build(cast, business, meetings=2)
    client = client_for(cast.clerk)
    client.get(committee_url(cabinet))
    with CaptureQueriesContext(connection) as few:
        client.get(committee_url(cabinet))
    for days in range(3, 12):
        make_meeting(cabinet, timezone.now() + timedelta(days=days * 7))
        past = make_meeting(cabinet, timezone.now() - timedelta(days=days * 7))
        publish(make_decision(past, f"Decision {days}"), cast.clerk)
    with CaptureQueriesContext(connection) as many:
        client.get(committee_url(cabinet))
    assert len(many) == len(few)
