"""Approved and published documents kept per version and reader class
(`governance/documents.py`): who gets the kept body, when it is rendered
again, the conditional GET, and what a page costs once it is kept.

The four pages: an approved strategy, a published decision record, a closed
review (its progress report) and a meeting whose agenda is published.
"""

from dataclasses import dataclass

import pytest
from django.contrib.messages import SUCCESS
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.documents import PRIVATE
from governance.history import save_with_reason
from strategy.models import Objective, Theme
from workplan.models import Review

DOCUMENT = "strategy/_strategy_document.html"


@dataclass
class Page:
    url_name: str
    document: str
    #: Who may read it besides the staff (the review's workplan is a draft
    #: in the business, so members do not reach it).
    reader: str

    def record(self, business):
        raise NotImplementedError

    def change(self, cast, record):
        """Change what the page prints; return the text it now prints."""
        raise NotImplementedError


class StrategyPage(Page):
    def record(self, business):
        return business.approved_strategy

    def change(self, cast, record):
        record.vision = "A vision amended under delegated powers."
        save_with_reason(record, user=cast.officer, reason="Minor amendment")
        return record.vision


class DecisionPage(Page):
    def record(self, business):
        return business.published_decision

    def change(self, cast, record):
        record.title = "A decision whose title was corrected"
        save_with_reason(record, user=cast.clerk, reason="Correction")
        return record.title


class ReviewPage(Page):
    def record(self, business):
        review = business.review
        review.status = Review.Status.CLOSED
        save_with_reason(review, user=None, reason="Closed (test set-up)")
        return review

    def change(self, cast, record):
        item = record.workplan.items.first()
        item.title = "An item whose title was corrected"
        save_with_reason(item, user=cast.officer, reason="Correction")
        return item.title


class MeetingPage(Page):
    def record(self, business):
        return business.meeting

    def change(self, cast, record):
        record.venue = "The Committee Room, moved"
        save_with_reason(record, user=cast.clerk, reason="Moved")
        return record.venue


PAGES = {
    "strategy": StrategyPage(
        "strategy:strategy_detail", "strategy/_strategy_document.html", "member"
    ),
    "decision": DecisionPage(
        "decisions:decision_detail", "decisions/_decision_document.html", "member"
    ),
    "review": ReviewPage(
        "workplan:review_detail", "workplan/_review_document.html", "officer"
    ),
    "meeting": MeetingPage(
        "decisions:meeting_detail", "decisions/_meeting_document.html", "member"
    ),
}


@pytest.fixture(params=list(PAGES))
def page(request):
    return PAGES[request.param]


def page_url(page, record):
    return reverse(page.url_name, args=[record.pk])


def kept(page, response):
    """Whether `response` was served from the kept document."""
    return page.document not in [template.name for template in response.templates]


def view(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, len(queries)


def test_the_document_is_rendered_once_and_then_served_from_the_cache(
    cast, business, client_for, page
):
    client = client_for(getattr(cast, page.reader))
    record = page.record(business)
    url = page_url(page, record)
    first, first_queries = view(client, url)
    assert first.status_code == 200
    assert not kept(page, first)
    assert first["Cache-Control"] == PRIVATE
    assert first["ETag"]
    again, again_queries = view(client, url)
    assert again.status_code == 200
    assert kept(page, again)
    assert again.content.count(b"</main>") == 1
    # The document's own reads are skipped; the reader's parts are drawn.
    assert again_queries < first_queries
    user = getattr(cast, page.reader)
    assert user.get_full_name().encode() in again.content
    # The same document, around a fresh header (a new CSRF token).
    assert len(again.content) == pytest.approx(len(first.content), abs=200)


def test_the_same_etag_is_answered_not_modified(cast, business, client_for, page):
    client = client_for(getattr(cast, page.reader))
    url = page_url(page, page.record(business))
    etag = client.get(url)["ETag"]
    response, queries = view(client, url, if_none_match=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == PRIVATE
    # The session with the person, the record with its follow state, its
    # council's data mark (a prepared statement) (docs/kept-documents.md,
    # "Cost").
    assert queries <= 3


def test_another_councils_user_gets_404_never_the_kept_body(
    cast, business, client_for, page
):
    record = page.record(business)
    url = page_url(page, record)
    for reader in (cast.officer, cast.clerk, cast.administrator):
        etag = client_for(reader).get(url)["ETag"]
    other = client_for(cast.other_council)
    response = other.get(url)
    assert response.status_code == 404
    assert "ETag" not in response
    assert other.get(url, headers={"if-none-match": etag}).status_code == 404


def test_a_new_version_is_served_at_once(cast, business, client_for, page):
    client = client_for(getattr(cast, page.reader))
    record = page.record(business)
    url = page_url(page, record)
    etag = client.get(url)["ETag"]
    client.get(url)
    text = page.change(cast, record)
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert not kept(page, response)
    assert text.encode() in response.content


def test_another_reader_does_not_match_the_etag(cast, business, client_for, page):
    url = page_url(page, page.record(business))
    etag = client_for(cast.clerk).get(url)["ETag"]
    response = client_for(cast.officer).get(url, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag


# --- the strategy page in detail ------------------------------------------------


def strategy_url(strategy):
    return reverse("strategy:strategy_detail", args=[strategy.pk])


def rendered_document(response):
    """Whether the document template was rendered for `response`."""
    return DOCUMENT in [template.name for template in response.templates]


def test_an_approved_strategy_is_rendered_once_and_served_from_the_cache(
    cast, business, client_for
):
    client = client_for(cast.member)
    url = strategy_url(business.approved_strategy)
    first, first_queries = view(client, url)
    assert first.status_code == 200
    assert rendered_document(first)
    assert first["Cache-Control"] == PRIVATE
    assert first["ETag"]
    again, again_queries = view(client, url)
    assert again.status_code == 200
    assert not rendered_document(again)
    assert again.content.decode().count(business.approved_strategy.title) == (
        first.content.decode().count(business.approved_strategy.title)
    )
    # The document's own reads (themes, objectives, risks, events, papers,
    # decisions, delivery, journey) are all skipped.
    assert again_queries < first_queries - 5
    # The reader's parts are still drawn around it.
    assert cast.member.get_full_name() in again.content.decode()
    assert "Follow" in again.content.decode()


def test_a_kept_page_costs_the_same_queries_however_long_the_document(
    cast, business, client_for
):
    url = strategy_url(business.approved_strategy)
    client_for(cast.member).get(url)
    # A new session each time: the full way, the document kept (a session's
    # own repeated request is answered before the view: test_kept_pages.py).
    _, few = view(client_for(cast.member), url)
    strategy = business.approved_strategy
    for position in range(10, 20):
        theme = save_with_reason(
            Theme(strategy=strategy, position=position, title=f"Theme {position}"),
            user=cast.officer,
            reason="Added",
        )
        for number in range(1, 4):
            save_with_reason(
                Objective(theme=theme, position=number, text=f"Objective {number}"),
                user=cast.officer,
                reason="Added",
            )
    client_for(cast.member).get(url)
    _, many = view(client_for(cast.member), url)
    # The session with the person, their roles and council; the record with
    # its follow state; the council's data mark; the approving decision the
    # lifecycle buttons read: nothing per theme.
    assert many == few
    assert few <= 4


def test_a_draft_is_never_kept_and_a_member_never_reaches_it(
    cast, business, client_for
):
    url = strategy_url(business.draft_strategy)
    officer = client_for(cast.officer)
    first = officer.get(url)
    assert first.status_code == 200
    assert "ETag" not in first
    assert rendered_document(officer.get(url))
    member = client_for(cast.member)
    response = member.get(url)
    assert response.status_code == 404
    assert business.draft_strategy.title.encode() not in response.content


def test_each_role_gets_the_document_of_its_class(cast, business, client_for):
    """An officer's and a member's kept documents are separate entries, and
    the officer's actions are never shown to the member."""
    url = strategy_url(business.approved_strategy)
    officer_page = client_for(cast.officer).get(url).content.decode()
    assert "Make a minor amendment" in officer_page
    member = client_for(cast.member)
    first = member.get(url)
    assert rendered_document(first)
    assert "Make a minor amendment" not in first.content.decode()


def test_a_change_to_a_related_record_is_served_at_once(cast, business, client_for):
    """A related row's save moves the data mark, not the strategy's
    version: the kept document is not served."""
    client = client_for(cast.member)
    url = strategy_url(business.approved_strategy)
    client.get(url)
    theme = business.approved_strategy.themes.first()
    theme.title = "A theme renamed"
    save_with_reason(theme, user=cast.officer, reason="Renamed")
    response = client.get(url)
    assert rendered_document(response)
    assert b"A theme renamed" in response.content


def leave_message(client, rf, text):
    """A flash message left for `client`'s next request in the messages
    cookie, as after a form's redirect."""
    storage = CookieStorage(rf.get("/"))
    storage.add(SUCCESS, text)
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies[storage.cookie_name] = carrier.cookies[storage.cookie_name].value


def test_a_waiting_message_is_shown_not_answered_not_modified(
    cast, business, client_for, rf
):
    client = client_for(cast.member)
    url = strategy_url(business.approved_strategy)
    etag = client.get(url)["ETag"]
    leave_message(client, rf, "You are now following it.")
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert b"You are now following it." in response.content
    # The page with the message has no ETag, so the browser's copy of it is
    # never revalidated: asked for again, the page comes without it.
    assert "ETag" not in response
    again = client.get(url)
    assert again.status_code == 200
    assert b"You are now following it." not in again.content


def test_following_the_record_moves_the_etag(cast, business, client_for):
    from governance import notifications

    client = client_for(cast.member)
    strategy = business.approved_strategy
    url = strategy_url(strategy)
    etag = client.get(url)["ETag"]
    notifications.follow(cast.member, strategy.organisation, strategy)
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert b"Stop following" in response.content


def test_a_draft_decision_is_never_kept_and_only_the_clerks_reach_it(
    cast, business, client_for
):
    url = reverse("decisions:decision_detail", args=[business.draft_decision.pk])
    clerk = client_for(cast.clerk)
    assert "ETag" not in clerk.get(url)
    assert "ETag" not in clerk.get(url)
    for reader in (cast.member, cast.officer, cast.other_council):
        response = client_for(reader).get(url)
        assert response.status_code == 404
        assert business.draft_decision.title.encode() not in response.content


def test_a_meeting_whose_agenda_is_not_published_is_never_kept(
    cast, business, client_for
):
    url = reverse("decisions:meeting_detail", args=[business.later_meeting.pk])
    clerk_page = client_for(cast.clerk).get(url)
    assert "ETag" not in clerk_page
    assert business.unpublished_report.title.encode() in clerk_page.content
    member_page = client_for(cast.member).get(url)
    assert member_page.status_code == 200
    assert business.unpublished_report.title.encode() not in member_page.content


# --- who the reader is, read afresh on every request -----------------------------


def test_a_member_whose_role_ended_is_refused_at_once_never_the_kept_body(
    cast, business, client_for, page
):
    """The person, their roles and their councils are read on every request
    (`governance/principal.py`), never kept: the next request after a role
    ends is refused, its ETag included, and the kept body never served."""
    from django.utils import timezone

    from governance.models import Membership

    reader = getattr(cast, page.reader)
    client = client_for(reader)
    record = page.record(business)
    url = page_url(page, record)
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    title = client.get(url).content.split(b"<title>")[1].split(b"</title>")[0]
    membership = Membership.objects.get(user=reader, organisation=cast.council_a)
    membership.ended_at = timezone.now()
    membership.save()
    for headers in ({"if-none-match": etag}, {}):
        response = client.get(url, headers=headers)
        assert response.status_code in (403, 404)
        assert "ETag" not in response
        assert title not in response.content


def test_a_role_changed_takes_effect_at_once(cast, business, client_for):
    """An officer made a member: the officer's actions and ETag go on the
    very next request."""
    from governance.choices import Role
    from governance.models import Membership

    client = client_for(cast.officer)
    url = strategy_url(business.approved_strategy)
    etag = client.get(url)["ETag"]
    assert "Make a minor amendment" in client.get(url).content.decode()
    membership = Membership.objects.get(user=cast.officer, organisation=cast.council_a)
    membership.role = Role.MEMBER
    membership.save()
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert "Make a minor amendment" not in response.content.decode()


def test_the_data_mark_is_a_prepared_statement_that_moves(cast, business, page):
    """The council's mark is run as a statement prepared on the connection
    (parsed and planned once, `governance/prepared.py`), and still moves
    with a change to what each page prints."""
    from governance.data_mark import data_mark

    record = page.record(business)
    before = data_mark(record.organisation)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements "
            "WHERE statement LIKE %s AND statement LIKE %s",
            ["%governance_datachange%", "%governance_organisation%"],
        )
        assert cursor.fetchone()[0] == 1
    with CaptureQueriesContext(connection) as queries:
        assert data_mark(record.organisation.pk) == before
    assert len(queries) == 1
    page.change(cast, record)
    assert data_mark(record.organisation) != before


def test_the_record_of_a_document_is_read_by_a_prepared_statement(
    cast, business, page, client_for
):
    """The record a document page is about is read by its kept query run as
    a prepared statement (`kept_query(..., prepared=True)`: one record by
    its key, planned once per connection); another council's reader still
    gets 404 through it."""
    record = page.record(business)
    url = page_url(page, record)
    table = record._meta.db_table
    assert client_for(cast.officer).get(url).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            [f'SELECT "{table}"."id"%'],
        )
        assert cursor.fetchone()[0] >= 1
    assert client_for(cast.other_council).get(url).status_code == 404
