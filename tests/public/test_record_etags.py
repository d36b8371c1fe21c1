"""A record's public page and API record follow that record's own version
(`governance.data_mark.record_mark`): an edit to one decision leaves every
other decision's ETag and kept API response as they were, and a release of
exempt information moves the pages that print it at once."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from decisions.models import DecisionRecord, Resolution
from governance.history import save_with_reason
from tests.base import make_decision, make_report, publish, put_on_agenda


def public(name, council, *args):
    return reverse(f"public:{name}", args=[council.slug, *args])


def etag(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response["ETag"]


def unchanged(client, url, tag):
    return client.get(url, headers={"If-None-Match": tag}).status_code == 304


def test_an_edit_to_one_decision_moves_its_etag_and_no_other_decisions(
    client, cast, business
):
    council = cast.council_a
    a = business.published_decision
    b = make_decision(business.meeting, "Approval of the telephony contract")
    publish(b, cast.clerk)
    page_a = public("decision_detail", council, a.pk)
    page_b = public("decision_detail", council, b.pk)
    api_a = reverse("api:decision-detail", args=[council.slug, a.pk])
    api_b = reverse("api:decision-detail", args=[council.slug, b.pk])
    meeting = public("meeting_detail", council, business.meeting.pk)
    report = public("report_detail", council, business.report.pk)
    before = {url: etag(client, url) for url in (page_a, page_b, meeting, report)}
    client.get(api_b)  # now kept by the server

    # A's resolution is reworded: A's page and its meeting's move, not B's,
    # nor the report's (it prints neither decision).
    resolution = Resolution.objects.get(decision=a, position=1)
    resolution.text = "The strategy is approved, as amended."
    save_with_reason(resolution, user=None, reason="Test")
    assert not unchanged(client, page_a, before[page_a])
    assert not unchanged(client, meeting, before[meeting])
    assert unchanged(client, page_b, before[page_b])
    assert unchanged(client, report, before[report])
    # The API: A's record at once (not after the server's cache time), B's
    # still from the server's cache: the council and the mark, no rendering.
    assert "as amended" in client.get(api_a).content.decode()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(api_b).status_code == 200
    assert len(queries) == 2, [query["sql"][:80] for query in queries]

    # A's own title: again A only.
    tag_a = etag(client, page_a)
    a = DecisionRecord.objects.get(pk=a.pk)
    a.title = "Approval of the ICT Strategy (corrected)"
    save_with_reason(a, user=None, reason="Test")
    assert not unchanged(client, page_a, tag_a)
    assert unchanged(client, page_b, before[page_b])


def test_a_release_of_exempt_information_moves_the_pages_that_print_it(
    client, client_for, cast, business
):
    council = cast.council_a
    exempt = make_report(
        council,
        "Data centre contract award",
        exempt=True,
        exempt_paragraph="3",
        exempt_reason="Commercial terms under negotiation",
        exempt_review_on=timezone.localdate() + timedelta(days=30),
    )
    put_on_agenda(business.meeting, exempt, position=2)
    meeting = public("meeting_detail", council, business.meeting.pk)
    other = public("report_detail", council, business.report.pk)
    exempt_page = public("report_detail", council, exempt.pk)
    meeting_tag = etag(client, meeting)
    other_tag = etag(client, other)
    assert client.get(exempt_page).status_code == 404
    assert "Data centre contract award" not in client.get(meeting).content.decode()

    response = client_for(cast.clerk).post(
        reverse("decisions:report_exempt_review", args=[exempt.pk]),
        {"outcome": "release"},
    )
    assert response.status_code == 302
    # At once: no waiting for a cache to expire.
    assert not unchanged(client, meeting, meeting_tag)
    assert "Data centre contract award" in client.get(meeting).content.decode()
    assert client.get(exempt_page).status_code == 200
    assert unchanged(client, other, other_tag)
