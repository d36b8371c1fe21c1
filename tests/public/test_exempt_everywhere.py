"""Exempt information never reaches a public surface, and reaches every one
once a clerk releases it (issue 18: the public site, its papers, feeds and
sitemap, and the open data API; docs/exempt-information.md)."""

import json
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from governance.history import save_with_reason
from tests.base import make_report, put_on_agenda
from tests.paper_helpers import flat, read

#: Words only the exempt information holds.
REPORT_SECRET = "Bid from Harrowgate Data Ltd at 2.1 million pounds"
ANNEX_SECRET = "Annex B: prices tendered by Northwall Networks"
DECISION_SECRET = "Lease agreed at 412,000 pounds a year"


def public(name, council, *args):
    return reverse(f"public:{name}", args=[council.slug, *args])


def api(name, council, *args):
    return reverse(f"api:{name}", args=[council.slug, *args])


def text_of(response):
    """What a public response says: a PDF's text, else its body."""
    assert response.status_code == 200, response
    if response["Content-Type"] == "application/pdf":
        body = b"".join(response.streaming_content) if response.streaming else None
        return flat(read(body if body is not None else response.content)[1])
    return response.content.decode()


def withhold(cast, business):
    """A report withheld whole and one whose annexes only are withheld, both
    on the published agenda; the published decision with an exempt part."""
    council = cast.council_a
    review_on = timezone.localdate() + timedelta(days=30)
    exempt = {
        "exempt": True,
        "exempt_paragraph": "3",
        "exempt_reason": "Commercial terms under negotiation",
        "exempt_review_on": review_on,
    }
    # A key decision: the forward plan lists it, under its public title.
    whole = make_report(
        council,
        "Data centre contract award",
        purpose=f"To award the contract. {REPORT_SECRET}.",
        key_decision=True,
        forward_plan_notice_on=timezone.localdate() - timedelta(days=40),
        **exempt,
    )
    put_on_agenda(business.meeting, whole, position=2)
    annexes = make_report(
        council,
        "Network refresh",
        purpose="To agree the network refresh.",
        annexes=ANNEX_SECRET,
        exempt_scope="annexes",
        **exempt,
    )
    put_on_agenda(business.meeting, annexes, position=3)
    decision = business.published_decision
    for field, value in exempt.items():
        setattr(decision, field, value)
    decision.exempt_part = DECISION_SECRET
    save_with_reason(decision, user=None, reason="Test set-up")
    return whole, annexes, decision


def public_surfaces(client, cast, business, whole, annexes, decision):
    """{surface: text the public can read there}; a 404 reads as ""."""
    council = cast.council_a
    meeting = business.meeting
    urls = {
        "meeting page": public("meeting_detail", council, meeting.pk),
        "whole report's page": public("report_detail", council, whole.pk),
        "whole report's paper": public("report_paper", council, whole.pk),
        "annexes report's page": public("report_detail", council, annexes.pk),
        "annexes report's paper": public("report_paper", council, annexes.pk),
        "agenda pack": public("agenda_pack", council, meeting.pk),
        "decision page": public("decision_detail", council, decision.pk),
        "decision paper": public("decision_paper", council, decision.pk),
        "forward plan": public("forward_plan", council),
        "decision feed": public("decision_feed", council),
        "calendar": public("meeting_calendar", council),
        "sitemap": public("sitemap", council),
        "API forward plan": api("forward-plan", council),
        "API reports": api("report-list", council),
        "API report": api("report-detail", council, whole.pk),
        "API meeting": api("meeting-detail", council, meeting.pk),
        "API meetings": api("meeting-list", council),
        "API committees": api("committee-list", council),
        "API committee": api("committee-detail", council, meeting.committee_id),
        "API decision": api("decision-detail", council, decision.pk),
    }
    texts = {}
    for surface, url in urls.items():
        response = client.get(url)
        assert response.status_code in (200, 404), (surface, response.status_code)
        texts[surface] = "" if response.status_code == 404 else text_of(response)
    return texts


def release(client_for, cast, name, record):
    response = client_for(cast.clerk).post(
        reverse(f"decisions:{name}", args=[record.pk]), {"outcome": "release"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def test_exempt_information_is_on_no_public_surface_until_released(
    client, client_for, cast, business
):
    whole, annexes, decision = withhold(cast, business)

    texts = public_surfaces(client, cast, business, whole, annexes, decision)
    for surface, text in texts.items():
        for secret in (REPORT_SECRET, ANNEX_SECRET, DECISION_SECRET):
            assert secret not in text, (surface, secret)
    # Neither the whole report's page, paper nor API record exists publicly;
    # the agenda keeps its place with the notice, and the report whose
    # annexes alone are exempt is public without them.
    assert texts["whole report's page"] == texts["whole report's paper"] == ""
    assert texts["API report"] == ""
    notice = "Not for publication: exempt under paragraph 3"
    assert notice in texts["meeting page"]
    assert notice in texts["agenda pack"]
    assert "To agree the network refresh." in texts["annexes report's page"]
    assert notice in texts["annexes report's page"]
    assert "To agree the network refresh." in texts["annexes report's paper"]
    assert notice in texts["decision paper"]
    assert notice in texts["decision page"]
    assert (
        reverse("public:report_detail", args=[cast.council_a.slug, whole.pk])
        not in (texts["sitemap"])
    )
    # The forward plan lists the key decision under its public title, with
    # the notice, never its own title.
    assert notice in texts["forward plan"] and "Exempt item" in texts["forward plan"]
    assert whole.title not in texts["forward plan"]
    plan = json.loads(texts["API forward plan"])["results"]
    entry = next(entry for entry in plan if entry["title"] == "Exempt item")
    assert entry["notice"] == notice and entry["report"] is None
    assert whole.title not in texts["API forward plan"]
    # The API's meeting lists the withheld item in its place, with its
    # public title and notice and no report.
    agenda = json.loads(texts["API meeting"])["agenda"]
    withheld = next(item for item in agenda if item["position"] == 2)
    assert withheld == {
        "position": 2,
        "title": "Exempt item",  # the title is not marked publishable
        "notice": notice,
        "report": None,
    }
    # Annexes alone withheld: the report is public (without its annexes).
    annexes_item = next(item for item in agenda if item["position"] == 3)
    assert annexes_item["notice"] == "" and annexes_item["report"]["id"] == annexes.pk
    assert all(item["notice"] == "" for item in agenda if item["position"] == 1)

    release(client_for, cast, "report_exempt_review", whole)
    release(client_for, cast, "report_exempt_review", annexes)
    release(client_for, cast, "decision_exempt_review", decision)
    for record in (whole, annexes, decision):
        record.refresh_from_db()
        assert record.exempt_released_on == timezone.localdate()

    texts = public_surfaces(client, cast, business, whole, annexes, decision)
    assert REPORT_SECRET in texts["whole report's page"]
    assert REPORT_SECRET in texts["whole report's paper"]
    assert REPORT_SECRET in texts["agenda pack"]
    assert REPORT_SECRET in texts["API report"]
    assert ANNEX_SECRET in texts["annexes report's page"]
    assert DECISION_SECRET in texts["decision page"]
    assert DECISION_SECRET in texts["decision paper"]
    assert whole.title in texts["meeting page"]
    assert notice not in texts["meeting page"]
    assert whole.title in texts["forward plan"]
    assert notice not in texts["forward plan"]
    agenda = json.loads(texts["API meeting"])["agenda"]
    released = next(item for item in agenda if item["position"] == 2)
    assert released["notice"] == "" and released["report"]["id"] == whole.pk
    assert (
        reverse("public:report_detail", args=[cast.council_a.slug, whole.pk])
        in texts["sitemap"]
    )
