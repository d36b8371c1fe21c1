"""The open data API: what the public reads, what a staff token reads, and
everything a hostile or careless client can send (docs/open-data-api.md)."""

import csv
import io

import pytest
from django.urls import reverse

from api.licence import LICENCE_URL
from api.models import ApiToken
from governance.feed_keys import FeedKey
from governance.models import Membership

from .conftest import token_for

A = "ashdown"


def url(name, *args, council=A):
    return reverse(f"api:{name}", args=[council, *args])


def ids(response):
    assert response.status_code == 200, response.content
    return {record["id"] for record in response.json()["results"]}


def test_the_public_reads_each_councils_published_records_and_nothing_else(
    world, cast, business, api
):
    decisions = ids(api.get(url("decision-list")))
    assert business.published_decision.pk in decisions
    assert business.draft_decision.pk not in decisions
    assert world.other_decision.pk not in decisions

    meetings = ids(api.get(url("meeting-list")))
    assert business.meeting.pk in meetings
    assert business.later_meeting.pk not in meetings  # agenda not published

    reports = ids(api.get(url("report-list")))
    assert business.report.pk in reports
    assert business.unpublished_report.pk not in reports
    assert world.exempt_report.pk not in reports

    assert ids(api.get(url("strategy-list"))) == {business.approved_strategy.pk}
    assert ids(api.get(url("theme-list"))) == set(
        business.approved_strategy.themes.values_list("pk", flat=True)
    )
    assert ids(api.get(url("workplan-list"))) == {world.approved_workplan.pk}
    items = ids(api.get(url("workplan-items", world.approved_workplan.pk)))
    assert items == {world.approved_item.pk}  # not the item added by variation
    assert ids(api.get(url("review-list"))) == {world.closed_review.pk}

    # Council B's own list has its decision, and only through its own slug.
    assert ids(api.get(url("decision-list", council="brackley"))) == {
        world.other_decision.pk
    }


@pytest.mark.parametrize(
    "name, record",
    [
        ("decision-detail", "draft_decision"),
        ("decision-detail", "other_decision"),
        ("report-detail", "unpublished_report"),
        ("report-detail", "exempt_report"),
        ("meeting-detail", "later_meeting"),
        ("strategy-detail", "draft_strategy"),
        ("workplan-detail", "workplan"),
        ("workplan-items", "workplan"),
        ("item-detail", "variation_item"),
        ("item-detail", "item"),
        ("review-detail", "open_review"),
        ("theme-detail", "theme"),
    ],
)
def test_drafts_exempt_reports_and_other_councils_records_are_not_found(
    world, business, api, name, record
):
    held = getattr(world, record, None) or getattr(business, record)
    response = api.get(url(name, held.pk))
    assert response.status_code == 404
    assert response["Cache-Control"] == "private, no-store"
    assert response.json()["detail"]


def test_strategies_are_not_public_where_the_council_does_not_publish_them(
    world, cast, business, api
):
    council = cast.council_a
    council.publishes_strategies = False
    council.save()
    for name in ("strategy-list", "theme-list", "workplan-list", "review-list"):
        assert ids(api.get(url(name))) == set(), name
    response = api.get(url("strategy-detail", business.approved_strategy.pk))
    assert response.status_code == 404
    # Committee business is public whatever the council chooses.
    assert business.published_decision.pk in ids(api.get(url("decision-list")))


def test_a_detail_holds_the_record_its_links_and_its_children(world, business, api):
    decision = api.get(url("decision-detail", business.published_decision.pk)).json()
    assert decision["id"] == business.published_decision.pk
    assert decision["status"] == "published"
    assert decision["resolutions"] == [
        {"position": 1, "text": "The strategy is approved."}
    ]
    assert decision["links"]["self"] == "http://testserver" + url(
        "decision-detail", business.published_decision.pk
    )
    assert decision["committee"]["name"] == "Cabinet"
    # Its page on the public site, which anyone can open.
    page = decision["links"]["page"]
    assert page == "http://testserver" + reverse(
        "public:decision_detail", args=[A, business.published_decision.pk]
    )
    assert api.get(page).status_code == 200

    meeting = api.get(url("meeting-detail", business.meeting.pk)).json()
    agenda = {item["title"]: item["report"] for item in meeting["agenda"]}
    assert agenda[business.report.title]["id"] == business.report.pk
    # The exempt report is not named, not linked (exempt18 decides what its
    # agenda line says).
    assert all(
        (entry or {}).get("id") != world.exempt_report.pk for entry in agenda.values()
    )

    item = api.get(url("item-detail", world.approved_item.pk)).json()
    assert item["latest_update"]["commentary"] == "Procurement under way."
    assert item["latest_update"]["review"] == 1
    assert api.get(item["links"]["page"]).status_code == 200  # its workplan's

    review = api.get(url("review-detail", world.closed_review.pk)).json()
    assert review["meeting"]["id"] == business.meeting.pk
    assert [update["item"]["id"] for update in review["updates"]] == [
        world.approved_item.pk
    ]


def test_every_response_names_its_licence(world, api):
    response = api.get(url("decision-list"))
    assert response.json()["licence"]["url"] == LICENCE_URL
    assert response["Link"] == f'<{LICENCE_URL}>; rel="license"'
    assert api.get(url("decision-list") + "?format=csv")["Link"] == response["Link"]


# --- staff tokens ------------------------------------------------------------------


def test_a_staff_token_reads_what_its_owner_may_see(world, cast, business, api):
    clerk = {"HTTP_AUTHORIZATION": f"Token {token_for(cast.clerk, cast.council_a)}"}
    officer = {"HTTP_AUTHORIZATION": f"Token {token_for(cast.officer, cast.council_a)}"}
    member = {"HTTP_AUTHORIZATION": f"Token {token_for(cast.member, cast.council_a)}"}

    draft = url("decision-detail", business.draft_decision.pk)
    assert api.get(draft, **clerk).status_code == 200
    assert api.get(draft, **officer).status_code == 404  # clerks' drafts
    strategy = url("strategy-detail", business.draft_strategy.pk)
    assert api.get(strategy, **officer).status_code == 200
    assert api.get(strategy, **member).status_code == 404
    response = api.get(url("report-detail", world.exempt_report.pk), **officer)
    assert response.status_code == 200
    # Never kept by a shared cache; its page is the service's.
    assert response["Cache-Control"] == "private, no-store"
    assert "Authorization" in response["Vary"]
    assert response.json()["links"]["page"].endswith(
        world.exempt_report.get_absolute_url()
    )
    # A token for council A reads council B as the public does.
    assert ids(api.get(url("decision-list", council="brackley"), **clerk)) == {
        world.other_decision.pk
    }


@pytest.mark.parametrize("how", ["revoked", "replaced", "role ended", "forged", "feed"])
def test_a_token_that_stopped_working_reaches_nothing(world, cast, business, api, how):
    token = token_for(cast.clerk, cast.council_a)
    if how == "revoked":
        ApiToken.revoke(cast.clerk, cast.council_a)
    elif how == "replaced":
        ApiToken.issue(cast.clerk, cast.council_a)
    elif how == "role ended":
        Membership.objects.filter(user=cast.clerk).delete()
    elif how == "forged":
        token = token[:-1] + ("0" if token[-1] != "0" else "1")
    elif how == "feed":
        token = FeedKey.issue(cast.clerk, cast.council_a).token
    for address in (
        url("decision-detail", business.draft_decision.pk),
        url("decision-list"),
    ):
        response = api.get(address, HTTP_AUTHORIZATION=f"Token {token}")
        assert response.status_code == 401, (how, response.content)
        assert "does not work" in response.json()["detail"]
        assert "Draft decision" not in response.content.decode()


def test_account_page_makes_shows_and_stops_a_token(cast, business, client_for):
    client = client_for(cast.officer)
    response = client.post(reverse("api_token"), {"action": "new"})
    assert response.status_code == 302
    token = ApiToken.live_key(cast.officer, cast.council_a)
    page = client.get(reverse("account_security")).content.decode()
    assert token.token in page
    client.post(reverse("api_token"), {"action": "stop"})
    assert ApiToken.live_key(cast.officer, cast.council_a) is None
    assert token.token not in client.get(reverse("account_security")).content.decode()


def test_a_signed_in_session_reads_the_public_api(world, cast, business, client_for):
    """The API reads tokens, never the site's session: a public response
    does not depend on who is signed in, so a shared cache may keep it."""
    client = client_for(cast.clerk)
    response = client.get(url("decision-detail", business.draft_decision.pk))
    assert response.status_code == 404
    response = client.get(url("decision-list"))
    assert response["Cache-Control"].startswith("public")
    assert "Cookie" not in response.get("Vary", "")


# --- bad input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, status",
    [
        ("q=' OR 1=1 --", 200),
        ("q=<script>alert(1)</script>", 200),
        ("committee=' OR 1=1 --", 400),
        ("committee=<script>", 400),
        ("committee=999999999", 400),
        ("status=bogus", 400),
        ("ordering=password", 400),
        ("decided_after=31 2 2026", 400),
        ("key_decision=maybe", 400),
        ("unknown=1", 200),
    ],
)
def test_hostile_filters_are_refused_or_match_nothing(world, api, query, status):
    response = api.get(url("decision-list") + "?" + query)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    if status == 400:
        field = query.split("=")[0]
        assert body[field], body  # says which filter, and why
    elif query.startswith("q="):
        assert body["count"] == 0


def test_the_item_filters_are_the_workplans_page_filters(world, business, api):
    items = url("workplan-items", world.approved_workplan.pk)
    assert ids(api.get(items + "?q=WP01")) == {world.approved_item.pk}
    assert ids(api.get(items + "?rag=red")) == set()
    response = api.get(items + f"?theme={business.theme.pk}")  # another strategy's
    assert response.status_code == 400
    assert "theme" in response.json()


@pytest.mark.parametrize(
    "query, status, content_type",
    [
        ("format=json", 200, "application/json"),
        ("format=csv", 200, "text/csv; charset=utf-8"),
        ("format=", 200, "application/json"),
        ("format=xml", 400, "application/json"),
        ("format=api", 400, "application/json"),
        ("format=../../etc/passwd", 400, "application/json"),
        ("format=csv&limit=0", 400, "application/json"),
    ],
)
def test_formats(world, api, query, status, content_type):
    response = api.get(url("decision-list") + "?" + query)
    assert response.status_code == status
    assert response["Content-Type"] == content_type


@pytest.mark.parametrize(
    "query",
    [
        "limit=100000",
        "limit=0",
        "limit=-1",
        "limit=ten",
        "offset=-1",
        "offset=1e3",
        "page=-1",
        "page=2",
    ],
)
def test_pagination_out_of_range_is_a_clear_400(world, api, query):
    response = api.get(url("decision-list") + "?" + query)
    assert response.status_code == 400
    name = query.split("=")[0]
    assert name in response.json()


def test_pages_follow_on(world, business, api):
    first = api.get(url("report-list") + "?limit=1").json()
    assert first["count"] == 1 and len(first["results"]) == 1
    beyond = api.get(url("report-list") + "?offset=100").json()
    assert beyond["results"] == [] and beyond["count"] == 1
    assert api.get(url("report-list") + "?limit=500").status_code == 200


def test_unknown_councils_and_ids_are_not_found(world, api):
    assert api.get(url("decision-list", council="nowhere")).status_code == 404
    assert api.get(url("decision-detail", 2**62)).status_code == 404


def test_csv_holds_the_lists_rows_and_no_formula(world, cast, business, api):
    decision = business.published_decision
    decision.title = '=HYPERLINK("http://evil.example")'
    decision.save()
    response = api.get(url("decision-list") + "?format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["id"] for row in rows] == [
        str(record["id"]) for record in api.get(url("decision-list")).json()["results"]
    ]
    row = next(row for row in rows if row["id"] == str(decision.pk))
    assert row["title"] == "'" + decision.title
    assert row["committee.name"] == "Cabinet"
    assert row["links.self"].endswith(url("decision-detail", decision.pk))
    assert row["resolutions"].startswith('[{"position": 1')


# --- caching ------------------------------------------------------------------------


def test_public_responses_carry_an_etag_and_answer_304_until_they_change(
    world, business, api
):
    address = url("decision-detail", business.published_decision.pk)
    first = api.get(address)
    assert first["Cache-Control"] == "public, max-age=300"
    etag = first["ETag"]
    again = api.get(address, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    decision = business.published_decision
    decision.reasons = "Corrected reasons."
    decision.save()
    changed = api.get(address, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    list_etag = api.get(url("decision-list"))["ETag"]
    unchanged = api.get(url("decision-list"), HTTP_IF_NONE_MATCH=list_etag)
    assert unchanged.status_code == 304
