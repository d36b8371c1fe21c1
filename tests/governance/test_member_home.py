"""A member's home answers "how is it going and what needs me": delivery
of each strategy in force, decisions published since the last visit,
call-ins running, and the meetings of their committees with their papers."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from decisions.models import CommitteeMember
from governance.history import save_with_reason
from governance.models import Membership
from governance.visits import Visit

from ..base import make_decision, make_meeting, publish
from ..strategy.test_delivery import delivered


def home(client):
    return client.get(reverse("governance:home")).content.decode()


def test_the_home_page_gives_each_strategys_delivery_headline(
    cast, business, client_for
):
    strategy, workplan = delivered(cast, business)
    page = home(client_for(cast.member))
    panel = page[page.index("How delivery is going") :]
    assert strategy.title in panel
    assert f"{workplan}</a>: 3 of 4 items on track, 1 red, 1 overdue." in panel
    assert "Latest progress report" in panel
    # It comes first: what a councillor asks first.
    assert page.index("How delivery is going") < page.index("Coming up")


def test_decisions_published_since_the_last_visit(cast, business, client_for):
    client = client_for(cast.member)
    home(client)  # the first visit
    visit = Visit.objects.get(user=cast.member, organisation=cast.council_a)
    # The visit ended two hours ago; a decision was published since.
    Visit.objects.filter(pk=visit.pk).update(
        last_at=timezone.now() - timedelta(hours=2)
    )
    meeting = make_meeting(business.cabinet, timezone.now() - timedelta(days=1))
    publish(
        make_decision(meeting, "Cloud telephony"),
        cast.clerk,
        published_at=timezone.now() - timedelta(minutes=30),
    )
    page = home(client)
    assert "Decisions published since" in page
    assert "Cloud telephony" in page
    # Reloading during the same visit keeps what it says.
    assert "Cloud telephony" in home(client)
    visit.refresh_from_db()
    assert visit.previous_at < timezone.now() - timedelta(minutes=119)
    assert visit.last_at > timezone.now() - timedelta(minutes=1)


def test_a_member_on_a_committee_sees_its_meetings_with_their_papers(
    cast, business, client_for
):
    membership = Membership.objects.get(user=cast.member, organisation=cast.council_a)
    CommitteeMember.objects.create(
        committee=business.cabinet, name="Cllr Member", membership=membership
    )
    meeting = make_meeting(
        business.cabinet, timezone.now() + timedelta(days=3), agenda_published=True
    )
    page = home(client_for(cast.member))
    panel = page[page.index("Your committees&#x27; meetings") :]
    assert reverse("decisions:meeting_pack", args=[meeting.pk]) in panel


def test_the_delivery_headline_is_kept_until_a_figure_moves(cast, business, client_for):
    """Drawn once per reader class and kept (`workplan.home`): an update
    that moves no figure is served from what was kept; a RAG status or a
    renamed strategy shows at once; an officer's class has its own."""
    strategy, workplan = delivered(cast, business)
    member = client_for(cast.member)
    assert "3 of 4 items on track, 1 red, 1 overdue." in home(member)
    item = workplan.items.get(reference="D03")

    with CaptureQueriesContext(connection) as first:
        home(member)
    item.percent_complete = 60
    save_with_reason(item, user=cast.officer, reason="Progress")
    with CaptureQueriesContext(connection) as kept:
        assert "3 of 4 items on track" in home(member)
    assert len(kept) == len(first)

    item.rag, item.rag_reason = "amber", "Slipping"
    save_with_reason(item, user=cast.officer, reason="Progress")
    with CaptureQueriesContext(connection) as drawn:
        assert "2 of 4 items on track, 1 amber, 1 red, 1 overdue." in home(member)
    assert len(drawn) > len(kept)

    strategy.title = "ICT Strategy, renamed"
    save_with_reason(strategy, user=cast.officer, reason="Minor amendment")
    assert "ICT Strategy, renamed" in home(member)
    assert "ICT Strategy, renamed" in home(client_for(cast.officer))
