"""The public site: what anyone may read of a council's business, and
nothing else (docs/public-site.md)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from decisions.models import Meeting
from governance.history import save_with_reason
from tests.base import (
    approve_workplan,
    make_committee,
    make_decision,
    make_item,
    make_meeting,
    make_report,
    make_review,
    make_workplan,
    publish,
    put_on_agenda,
)
from workplan.models import Review


def public(name, council, *args):
    return reverse(f"public:{name}", args=[council.slug, *args])


def publish_strategies(cast, business):
    """Council A publishes its strategies; its approved strategy has an
    approved workplan with a progress report made to committee."""
    council = cast.council_a
    council.publishes_strategies = True
    save_with_reason(council, user=None, reason="Test set-up")
    workplan = make_workplan(cast, business.approved_strategy, 2025)
    make_item(cast, workplan, "WP01", title="Replace the telephony")
    workplan = approve_workplan(cast, business, workplan)
    review = make_review(cast, workplan)
    review.status = Review.Status.CLOSED
    review.reported_on = timezone.localdate()
    review.closed_at = timezone.now()
    review.meeting = business.meeting
    save_with_reason(review, user=None, reason="Test set-up")
    return workplan, review


def exempt_report(cast, business):
    report = make_report(
        cast.council_a,
        "Data centre contract award",
        exempt=True,
        exempt_reason="Paragraph 3: financial or business affairs",
    )
    put_on_agenda(business.meeting, report, position=2)
    return report


def every_page(cast, business, workplan, review):
    council = cast.council_a
    return [
        public("home", council),
        public("meeting_list", council),
        public("meeting_detail", council, business.meeting.pk),
        public("report_detail", council, business.report.pk),
        public("decision_list", council),
        public("decision_detail", council, business.published_decision.pk),
        public("forward_plan", council),
        public("committee_list", council),
        public("strategy_list", council),
        public("strategy_detail", council, business.approved_strategy.pk),
        public("workplan_detail", council, workplan.pk),
        public("review_detail", council, review.pk),
        public("accessibility", council),
        public("sitemap", council),
        public("decision_feed", council),
        public("meeting_calendar", council),
    ]


def test_every_public_page_is_open_to_anyone_and_cached_publicly(
    client, cast, business
):
    workplan, review = publish_strategies(cast, business)
    for url in every_page(cast, business, workplan, review):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"].startswith("public, max-age="), url
        assert response.has_header("ETag"), url
    home = client.get(public("home", cast.council_a)).content.decode()
    assert "Sign in" in home
    assert business.published_decision.title in home


def test_drafts_unpublished_exempt_and_other_councils_records_are_not_there(
    client, cast, business
):
    council = cast.council_a
    exempt = exempt_report(cast, business)
    other_cabinet = make_committee(cast.council_b, "Policy Board", "executive")
    other_meeting = make_meeting(
        other_cabinet, timezone.now() - timedelta(days=1), agenda_published=True
    )
    hidden = [
        public("decision_detail", council, business.draft_decision.pk),
        public("decision_paper", council, business.draft_decision.pk),
        public("report_detail", council, business.unpublished_report.pk),
        public("report_paper", council, business.unpublished_report.pk),
        public("meeting_detail", council, business.later_meeting.pk),
        public("agenda_pack", council, business.later_meeting.pk),
        public("report_detail", council, exempt.pk),
        public("report_paper", council, exempt.pk),
        public("meeting_detail", council, other_meeting.pk),
        # Council A does not publish its strategies.
        public("strategy_list", council),
        public("strategy_detail", council, business.approved_strategy.pk),
        "/public/no-such-council/",
    ]
    for url in hidden:
        assert client.get(url).status_code == 404, url
    sitemap = client.get(public("sitemap", council)).content.decode()
    feed = client.get(public("decision_feed", council)).content.decode()
    calendar = client.get(public("meeting_calendar", council)).content.decode()
    meeting_page = client.get(
        public("meeting_detail", council, business.meeting.pk)
    ).content.decode()
    for text in (sitemap, feed, calendar, meeting_page):
        assert business.draft_decision.title not in text
        assert exempt.title not in text
        assert f"/decisions/{business.draft_decision.pk}/" not in text
        assert f"/meetings/{other_meeting.pk}/" not in text
        assert f"/meetings/{business.later_meeting.pk}/" not in text
        assert f"/reports/{exempt.pk}/" not in text
    assert public("decision_detail", council, business.published_decision.pk) in (
        sitemap
    )


def test_a_repeated_request_is_answered_not_modified_until_something_changes(
    client, cast, business
):
    url = public("decision_detail", cast.council_a, business.published_decision.pk)
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"].startswith("public")
    # A change to anything the site prints makes a new version.
    meeting = Meeting.objects.get(pk=business.meeting.pk)
    meeting.venue = "Committee Room 2"
    save_with_reason(meeting, user=None, reason="Test")
    changed = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_a_page_is_built_once_per_version(client, cast, business):
    """The first full answer for a version is kept under its ETag
    (`caching.cached_publicly`): a first visit by anyone else gets the same
    bytes with nothing built but the ETag's mark; a change makes a new
    version, built afresh."""
    decision = business.published_decision
    url = public("decision_detail", cast.council_a, decision.pk)
    first = client.get(url)
    with CaptureQueriesContext(connection) as kept_queries:
        again = client.get(url)
    assert again.status_code == 200
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"].startswith("public")
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert "nonce" not in first["Content-Security-Policy"]
    assert again.content == first.content
    with CaptureQueriesContext(connection) as etag_queries:
        client.get(url, headers={"If-None-Match": first["ETag"]})
    # As few queries as the 304: the council and the record's mark.
    assert len(kept_queries) == len(etag_queries)

    decision.title = "Cloud telephony <b>renewal</b>"
    save_with_reason(decision, user=cast.clerk, reason="Corrected title")
    changed = client.get(url)
    assert changed["ETag"] != first["ETag"]
    assert "Cloud telephony &lt;b&gt;renewal&lt;/b&gt;" in changed.content.decode()
    assert (
        "Cloud telephony &lt;b&gt;renewal&lt;/b&gt;" in client.get(url).content.decode()
    )


def test_a_signed_in_person_gets_the_same_page_as_everyone(
    client, client_for, cast, business
):
    url = public("home", cast.council_a)
    anonymous = client.get(url)
    signed_in = client_for(cast.clerk).get(url)
    assert signed_in.status_code == 200
    assert signed_in["ETag"] == anonymous["ETag"]
    assert "Sign out" not in signed_in.content.decode()
    # A shared cache may serve either to anyone: no Vary: Cookie, no cookie.
    for response in (anonymous, signed_in):
        assert "cookie" not in response.get("Vary", "").lower()
        assert not response.cookies
        assert response["Cache-Control"].startswith("public")


def add_business(cast, business, count):
    """`count` more meetings with a published agenda, a report and a
    published decision each."""
    for number in range(count):
        meeting = make_meeting(
            business.cabinet,
            timezone.now() - timedelta(days=10 + number),
            agenda_published=True,
        )
        report = make_report(cast.council_a, f"Report {number}", key_decision=True)
        put_on_agenda(meeting, report)
        publish(make_decision(meeting, f"Decision {number}"), cast.clerk)


@pytest.mark.parametrize(
    "name", ["home", "meeting_list", "decision_list", "forward_plan", "sitemap"]
)
def test_public_lists_make_the_same_queries_however_many_rows(
    client, cast, business, django_assert_num_queries, name
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = public(name, cast.council_a)
    counts = []
    for _round in range(2):
        add_business(cast, business, 3)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_meeting_page_makes_the_same_queries_however_long_its_agenda(
    client, cast, business
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = public("meeting_detail", cast.council_a, business.meeting.pk)
    counts = []
    position = 1
    for _round in range(2):
        for _ in range(3):
            position += 1
            report = make_report(cast.council_a, f"Report {position}")
            put_on_agenda(business.meeting, report, position=position)
            publish(make_decision(business.meeting, f"Decision {position}"), cast.clerk)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
