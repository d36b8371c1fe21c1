"""A kept document's page answered again to the same session before the
request is built (`governance/kept_pages.py`): only while nothing it
depended on has changed, and never to anyone else."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance import notifications
from governance.documents import PRIVATE
from governance.models import Membership
from tests.governance.test_documents import PAGES, leave_message, page_url

#: The principal's query (the person with the session) with the council's
#: data mark: all an answer from an entry costs.
ANSWERED_FROM_ENTRY = 1


@pytest.fixture(params=list(PAGES))
def page(request):
    return PAGES[request.param]


def count(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, len(queries)


def settled(client, url):
    """Ask twice: the first answer sets the CSRF cookie, the second's is
    kept for the session."""
    client.get(url)
    response = client.get(url)
    assert response.status_code == 200
    return response


def without_tokens(body):
    """The page with its forms' CSRF tokens (masked anew on every answer)
    taken out."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)


def test_the_same_sessions_request_is_answered_from_its_entry(
    cast, business, client_for, page
):
    client = client_for(getattr(cast, page.reader))
    url = page_url(page, page.record(business))
    full = settled(client, url)
    again, queries = count(client, url)
    assert queries == ANSWERED_FROM_ENTRY
    assert again.status_code == 200
    assert not again.templates  # no view, no template
    assert without_tokens(again.content) == without_tokens(full.content)
    assert again["ETag"] == full["ETag"]
    assert again["Cache-Control"] == PRIVATE
    assert again["X-Frame-Options"] == full["X-Frame-Options"]
    assert "Content-Security-Policy" in again
    not_modified, queries = count(client, url, if_none_match=full["ETag"])
    assert queries == ANSWERED_FROM_ENTRY
    assert not_modified.status_code == 304
    assert not_modified["ETag"] == full["ETag"]
    assert not_modified.content == b""


def test_a_change_to_what_the_page_prints_is_shown_at_once(
    cast, business, client_for, page
):
    client = client_for(getattr(cast, page.reader))
    record = page.record(business)
    url = page_url(page, record)
    etag = settled(client, url)["ETag"]
    text = page.change(cast, record)
    response, queries = count(client, url, if_none_match=etag)
    assert response.status_code == 200
    assert text in response.content.decode()
    assert queries > ANSWERED_FROM_ENTRY


def test_another_session_never_finds_the_entry(cast, business, client_for, page):
    reader = getattr(cast, page.reader)
    url = page_url(page, page.record(business))
    etag = settled(client_for(reader), url)["ETag"]
    # The same person signed in again: a session of its own, the full way.
    response, queries = count(client_for(reader), url, if_none_match=etag)
    assert queries > ANSWERED_FROM_ENTRY
    assert response.status_code == 200
    # Another council's user, holding the ETag: 404, as the full way says.
    response = client_for(cast.other_council).get(url, headers={"if-none-match": etag})
    assert response.status_code == 404


def test_a_role_ended_is_refused_at_once(cast, business, client_for):
    page = PAGES["decision"]
    client = client_for(cast.member)
    url = page_url(page, page.record(business))
    etag = settled(client, url)["ETag"]
    membership = Membership.objects.get(user=cast.member, organisation=cast.council_a)
    membership.ended_at = timezone.now()
    membership.save()
    assert client.get(url).status_code != 200
    assert client.get(url, headers={"if-none-match": etag}).status_code != 304


def test_a_session_ended_elsewhere_is_signed_out_at_once(cast, business, client_for):
    page = PAGES["meeting"]
    client = client_for(cast.member)
    url = page_url(page, page.record(business))
    etag = settled(client, url)["ETag"]
    Session.objects.filter(session_key=client.session.session_key).delete()
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_inactive_person_is_refused_at_once(cast, business, client_for):
    page = PAGES["strategy"]
    client = client_for(cast.member)
    url = page_url(page, page.record(business))
    settled(client, url)
    cast.member.is_active = False
    cast.member.save()
    assert client.get(url).status_code == 302


def test_following_the_record_shows_at_once(cast, business, client_for):
    page = PAGES["strategy"]
    client = client_for(cast.member)
    strategy = page.record(business)
    url = page_url(page, strategy)
    full = settled(client, url)
    notifications.follow(cast.member, strategy.organisation, strategy)
    response, queries = count(client, url, if_none_match=full["ETag"])
    assert response.status_code == 200
    assert response["ETag"] != full["ETag"]
    assert queries > ANSWERED_FROM_ENTRY


def test_a_waiting_message_is_shown(cast, business, client_for, rf):
    page = PAGES["decision"]
    client = client_for(cast.member)
    url = page_url(page, page.record(business))
    etag = settled(client, url)["ETag"]
    leave_message(client, rf, "Your comment was saved.")
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert b"Your comment was saved." in response.content


def test_a_new_csrf_cookie_goes_the_full_way(cast, business, client_for):
    page = PAGES["meeting"]
    client = client_for(cast.member)
    url = page_url(page, page.record(business))
    settled(client, url)
    client.cookies["csrftoken"] = "a" * 32
    response, queries = count(client, url)
    assert response.status_code == 200
    assert queries > ANSWERED_FROM_ENTRY


def test_a_council_setting_the_document_prints_shows_at_once(
    cast, business, client_for
):
    """The council's numbering of resolutions is printed by the decision's
    document: a change to it moves the data mark."""
    from decisions.models import NumberingSettings
    from governance.history import save_with_reason
    from governance.numbering import ListNumbering

    page = PAGES["decision"]
    client = client_for(cast.member)
    url = page_url(page, page.record(business))
    full = settled(client, url)
    assert b'app-numbered-list__number">1.<' in full.content
    save_with_reason(
        NumberingSettings(
            organisation=cast.council_a, recommendations=ListNumbering.LETTERS
        ),
        user=cast.administrator,
        reason="Numbered as the constitution does",
    )
    response = client.get(url, headers={"if-none-match": full["ETag"]})
    assert response.status_code == 200
    assert b'app-numbered-list__number">(a)<' in response.content
