"""Approved and published documents kept per version and reader class
(`governance/documents.py`): who gets the kept body, when it is rendered
again, the conditional GET, and what a page costs once it is kept."""

from django.contrib.messages import SUCCESS
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.documents import PRIVATE
from governance.history import save_with_reason
from strategy.models import Objective, Theme

DOCUMENT = "strategy/_strategy_document.html"


def strategy_url(strategy):
    return reverse("strategy:strategy_detail", args=[strategy.pk])


def rendered_document(response):
    """Whether the document template was rendered for `response`."""
    return DOCUMENT in [template.name for template in response.templates]


def view(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, len(queries)


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
    client = client_for(cast.member)
    url = strategy_url(business.approved_strategy)
    view(client, url)
    _, few = view(client, url)
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
    view(client, url)
    _, many = view(client, url)
    # The session, the user, the roles, the council, the record, the data
    # mark, the follow and the reader's actions: nothing per theme.
    assert many == few
    assert few <= 14


def test_the_same_etag_is_answered_not_modified_with_nothing_rendered(
    cast, business, client_for
):
    client = client_for(cast.member)
    url = strategy_url(business.approved_strategy)
    etag = client.get(url)["ETag"]
    response, queries = view(client, url, if_none_match=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == PRIVATE
    assert queries <= 12


def test_another_reader_does_not_match_the_etag(cast, business, client_for):
    url = strategy_url(business.approved_strategy)
    etag = client_for(cast.member).get(url)["ETag"]
    officer = client_for(cast.officer)
    response = officer.get(url, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_another_councils_user_gets_404_never_the_kept_body(cast, business, client_for):
    url = strategy_url(business.approved_strategy)
    for reader in (cast.member, cast.officer, cast.clerk, cast.administrator):
        etag = client_for(reader).get(url)["ETag"]
    other = client_for(cast.other_council)
    assert other.get(url).status_code == 404
    assert other.get(url, headers={"if-none-match": etag}).status_code == 404
    assert business.approved_strategy.title.encode() not in other.get(url).content


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


def test_a_new_version_is_served_at_once(cast, business, client_for):
    client = client_for(cast.member)
    strategy = business.approved_strategy
    url = strategy_url(strategy)
    etag = client.get(url)["ETag"]
    strategy.vision = "A vision amended under delegated powers."
    save_with_reason(strategy, user=cast.officer, reason="Minor amendment")
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert rendered_document(response)
    assert b"A vision amended under delegated powers." in response.content


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


def test_a_waiting_message_is_shown_not_answered_not_modified(
    cast, business, client_for, rf
):
    client = client_for(cast.member)
    url = strategy_url(business.approved_strategy)
    etag = client.get(url)["ETag"]
    # A message left by the last request (as after a form's redirect).
    storage = CookieStorage(rf.get("/"))
    storage.add(SUCCESS, "You are now following it.")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies[storage.cookie_name] = carrier.cookies[storage.cookie_name].value
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert b"You are now following it." in response.content


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
