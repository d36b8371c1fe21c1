"""A member's home answers "how is it going and what needs me": delivery
of each strategy in force, decisions published since the last visit,
call-ins running, and the meetings of their committees with their papers."""

from datetime import timedelta

from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from decisions.models import CommitteeMember
from governance.history import save_with_reason
from governance.models import Membership
from governance.visits import Visit
from workplan.delivery import current_delivery
from workplan.models import WorkplanItem

from ..base import count_calls, make_decision, make_meeting, publish
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


def test_the_delivery_headline_is_drawn_again_by_queries_compiled_once(
    cast, business, client_for, monkeypatch
):
    """A figure that moves draws the headline again for every class of
    reader: by queries built and compiled once per class
    (`workplan.delivery`), each reading its own rows and today's day."""
    strategy, workplan = delivered(cast, business)
    assert "3 of 4 items on track, 1 red, 1 overdue." in home(client_for(cast.member))
    compiles = count_calls(monkeypatch, SQLCompiler, "as_sql")
    member = client_for(cast.member)
    home(member)
    compiles[0] = 0
    home(member)  # the headline as kept
    kept = compiles[0]
    item = workplan.items.get(reference="D03")
    item.rag, item.rag_reason = "amber", "Slipping"
    save_with_reason(item, user=cast.officer, reason="Progress")
    compiles[0] = 0
    assert "2 of 4 items on track, 1 amber, 1 red, 1 overdue." in home(member)
    assert compiles[0] == kept  # drawn again, and nothing more compiled
    # Another class of reader reads by queries of its own.
    assert "2 of 4 items on track, 1 amber" in home(client_for(cast.officer))
    # Tomorrow the items due today are overdue too: the day is a value the
    # kept queries are run with, not a part of their SQL.
    tomorrow = timezone.localdate() + timedelta(days=1)
    WorkplanItem.objects.filter(pk=item.pk).update(target_date=timezone.localdate())
    kept = current_delivery(cast.council_a, cast.member, today=tomorrow)
    assert kept[strategy.pk].overdue == 2
    today = current_delivery(cast.council_a, cast.member)
    assert today[strategy.pk].overdue == 1
