"""A public page answered again before the middleware chain while its mark
is the same (`public/kept_pages.py`): the same bytes and headers as the
full way, one query, and never once the page has changed or stopped being
public."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from decisions.models import DecisionRecord
from governance.history import save_with_reason
from public import kept_pages
from tests.base import make_report

from .test_public_site import public, publish_strategies

#: What the full way sets and an answer from an entry must carry too.
HEADERS = (
    "Content-Type",
    "Cache-Control",
    "ETag",
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)


def fetched(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, len(queries)


def assert_same_answer(kept, full):
    assert kept.status_code == full.status_code
    assert kept.content == full.content
    for name in HEADERS:
        assert kept.get(name) == full.get(name), name
    assert "cookie" not in kept.get("Vary", "").lower()
    assert not kept.cookies


def test_a_page_asked_for_again_is_answered_with_one_query(client, cast, business):
    url = public("decision_detail", cast.council_a, business.published_decision.pk)
    full, full_queries = fetched(client, url)
    assert full.status_code == 200
    kept, kept_queries = fetched(client, url)
    assert kept_queries == 1 < full_queries  # the record's mark, nothing else
    assert_same_answer(kept, full)
    assert int(kept["Content-Length"]) == len(full.content)

    not_modified, queries = fetched(client, url, if_none_match=full["ETag"])
    assert not_modified.status_code == 304
    assert queries == 1
    assert not_modified["ETag"] == full["ETag"]
    assert not_modified["Cache-Control"] == full["Cache-Control"]
    assert not_modified.content == b""


def test_a_page_of_the_whole_site_is_kept_against_the_sites_mark(
    client, cast, business
):
    url = public("decision_list", cast.council_a)
    full, _ = fetched(client, url)
    kept, queries = fetched(client, url)
    assert queries == 1
    assert_same_answer(kept, full)
    # A decision published anywhere in the council moves the list's mark.
    decision = DecisionRecord.objects.get(pk=business.published_decision.pk)
    decision.title = "Renewal of the <i>firewall</i> support"
    save_with_reason(decision, user=cast.clerk, reason="Corrected title")
    changed, queries = fetched(client, url)
    assert queries > 1
    assert "Renewal of the &lt;i&gt;firewall&lt;/i&gt; support" in changed.text
    assert changed["ETag"] != full["ETag"]


def test_a_change_goes_the_full_way_reading_the_mark_once(client, cast, business):
    decision = DecisionRecord.objects.get(pk=business.published_decision.pk)
    url = public("decision_detail", cast.council_a, decision.pk)
    client.get(url)
    decision.title = "Telephony renewal"
    save_with_reason(decision, user=cast.clerk, reason="Corrected title")
    kept_pages.forget()
    _, fresh_queries = fetched(client, url)  # nothing kept: the full way
    decision.title = "Telephony renewal, phase two"
    save_with_reason(decision, user=cast.clerk, reason="Corrected title")
    changed, queries = fetched(client, url)  # an entry whose mark moved
    assert "Telephony renewal, phase two" in changed.text
    # The mark the middleware read is the one the page is marked with.
    assert queries == fresh_queries


def test_a_record_withdrawn_from_the_public_is_never_answered_from_an_entry(
    client, cast, business
):
    decision = DecisionRecord.objects.get(pk=business.published_decision.pk)
    url = public("decision_detail", cast.council_a, decision.pk)
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    decision.published_at = None
    save_with_reason(decision, user=cast.clerk, reason="Withdrawn")
    assert client.get(url).status_code == 404
    assert client.get(url).status_code == 404


def test_a_council_that_stops_publishing_strategies_has_their_pages_refused(
    client, cast, business
):
    workplan, _review = publish_strategies(cast, business)
    urls = [
        public("strategy_detail", cast.council_a, business.approved_strategy.pk),
        public("workplan_detail", cast.council_a, workplan.pk),
    ]
    for url in urls:
        assert client.get(url).status_code == 200
        assert client.get(url).status_code == 200
    council = cast.council_a
    council.publishes_strategies = False
    save_with_reason(council, user=None, reason="Test")
    for url in urls:
        assert client.get(url).status_code == 404


def test_a_draft_is_never_kept_for_anyone(client, client_for, cast, business):
    """A report not yet on a published agenda is not public: the full way
    refuses it each time, and an officer's own page of it is not public."""
    report = make_report(cast.council_a, "Draft data centre strategy")
    url = public("report_detail", cast.council_a, report.pk)
    assert client.get(url).status_code == 404
    assert client.get(url).status_code == 404
    officer_page = client_for(cast.officer).get(report.get_absolute_url())
    assert officer_page.status_code == 200
    assert client.get(url).status_code == 404


def test_a_request_with_a_session_goes_the_full_way(client_for, client, cast, business):
    url = public("decision_detail", cast.council_a, business.published_decision.pk)
    full, _ = fetched(client, url)
    signed_in = client_for(cast.member)
    response, queries = fetched(signed_in, url)
    assert queries > 1
    assert response.content == full.content
    assert "Sign out" not in response.text


def test_a_head_and_a_post_go_the_full_way(client, cast, business):
    url = public("decision_detail", cast.council_a, business.published_decision.pk)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        head = client.head(url)
    assert head.status_code == 200
    assert len(queries) > 1
    assert client.post(url).status_code == 405


def test_the_service_s_own_pages_are_never_kept(client, client_for, cast, business):
    """Only a public page tells the middleware of itself: a signed-in
    page, the sign-in page and another council's page are not kept."""
    sign_in = reverse("login")
    client.get(sign_in)
    client.get(sign_in)
    assert not any(path == sign_in for _host, path in kept_pages._entries)
    other = public("decision_list", cast.council_b)
    mine = public("decision_list", cast.council_a)
    client.get(mine)
    assert client.get(other).content != client.get(mine).content
