"""Exempt information: a report, its annexes or a decision record's exempt
part withheld from the public under a paragraph of the council's schedule,
reviewed on its review date, released for good (docs/exempt-information.md).
"""

import importlib
from datetime import timedelta

from django.apps import apps
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from decisions import exempt
from decisions.exempt_views import register_rows
from decisions.models import AgendaItem, DecisionRecord, Report
from decisions.papers import (
    AGENDA_PACK,
    PUBLIC_AGENDA_PACK,
    agenda_pack_parts,
    decision_record_parts,
    report_parts,
)
from governance import notifications, permissions
from governance.choices import Nation
from governance.history import save_with_reason
from governance.papers import paper_html
from search.sources import search

from ..base import make_report, put_on_agenda
from .test_reports import ERROR_SUMMARY, form_data

SECRET = "Rent of 412,000 pounds a year"


def exempt_report(council, title="Data centre lease", **fields):
    fields = {
        "exempt": True,
        "exempt_paragraph": "3",
        "exempt_reason": "Commercial terms under negotiation",
        "exempt_review_on": timezone.localdate() + timedelta(days=90),
        "purpose": f"To agree the lease. {SECRET}.",
        **fields,
    }
    return make_report(council, title, **fields)


def pack_html(meeting, public):
    parts = agenda_pack_parts(meeting, public=public)
    return paper_html("Pack", meeting.organisation, parts)


def test_each_nation_has_its_own_schedule():
    england = exempt.SCHEDULES[Nation.ENGLAND]
    wales = exempt.SCHEDULES[Nation.WALES]
    scotland = exempt.SCHEDULES[Nation.SCOTLAND]
    ireland = exempt.SCHEDULES[Nation.NORTHERN_IRELAND]
    assert [n for n, _t in england.paragraphs] == [str(n) for n in range(1, 8)]
    assert [n for n, _t in wales.paragraphs] == [str(n) for n in range(12, 19)]
    assert [n for n, _t in scotland.paragraphs] == [str(n) for n in range(1, 16)]
    assert [n for n, _t in ireland.paragraphs] == [str(n) for n in range(1, 8)]
    assert england.public_interest_test and wales.public_interest_test
    assert not scotland.public_interest_test
    assert "Scotland" in str(scotland.name) and "Northern Ireland" in str(ireland.name)


def test_the_report_form_asks_for_paragraph_reason_and_review_date(
    cast, business, client_for
):
    clerk = client_for(cast.clerk)
    url = reverse("decisions:report_update", args=[business.report.pk])
    page = clerk.get(url)
    before = Report.objects.get(pk=business.report.pk)
    response = clerk.post(url, form_data(page, exempt="on"))
    assert response.status_code == 200
    text = response.content.decode()
    assert ERROR_SUMMARY in text
    for message in (
        "Select the paragraph under which it is exempt",
        "Enter why the public interest in keeping it exempt outweighs",
        "Enter the review date",
    ):
        assert message in text
    after = Report.objects.get(pk=business.report.pk)
    assert (after.version, after.exempt) == (before.version, False)

    # A Welsh council's paragraphs are 12 to 18: England's 3 is refused.
    cast.council_a.nation = Nation.WALES
    cast.council_a.save()
    review = {
        "exempt_review_on-day": "1",
        "exempt_review_on-month": "6",
        "exempt_review_on-year": str(timezone.localdate().year + 1),
    }
    page = clerk.get(url)
    assert "Paragraph 14:" in page.content.decode()
    data = form_data(page, exempt="on", exempt_reason="Negotiations", **review)
    response = clerk.post(url, {**data, "exempt_paragraph": "3"})
    assert response.status_code == 200 and ERROR_SUMMARY in response.content.decode()
    assert not Report.objects.get(pk=business.report.pk).exempt
    response = clerk.post(url, {**data, "exempt_paragraph": "14"})
    assert response.status_code == 302
    report = Report.objects.get(pk=business.report.pk)
    assert (report.exempt, report.exempt_paragraph, report.withheld) == (
        True,
        "14",
        True,
    )
    assert str(report.exempt_notice) == (
        "Not for publication: exempt under paragraph 14"
    )


def test_an_exempt_report_is_withheld_then_released_for_good(
    cast, business, client_for, django_assert_max_num_queries
):
    council = cast.council_a
    report = exempt_report(council, exempt_review_on=timezone.localdate())
    item = put_on_agenda(business.meeting, report, position=2)

    # Not public: not a report, not an agenda item; the public agenda keeps
    # its place with a neutral title and the notice.
    assert report not in Report.objects.public(council)
    assert not AgendaItem.objects.public(council).filter(pk=item.pk).exists()
    listed = AgendaItem.objects.public_agenda(council).get(pk=item.pk)
    assert listed.public_title == "Exempt item"
    assert listed.public_notice == "Not for publication: exempt under paragraph 3"

    # Two packs, stored under their own keys: the public's has the notice
    # and not a word of the report; the members' and officers' has it all.
    assert PUBLIC_AGENDA_PACK.slug != AGENDA_PACK.slug
    public = pack_html(business.meeting, public=True)
    restricted = pack_html(business.meeting, public=False)
    assert SECRET not in public and "Data centre lease" not in public
    assert "Not for publication: exempt under paragraph 3" in public
    assert SECRET in restricted and "Data centre lease" in restricted
    member = client_for(cast.member)
    assert (
        member.get(
            reverse("decisions:meeting_public_pack", args=[business.meeting.pk])
        ).status_code
        == 302
    )

    # The clerk's register lists it, due for review.
    clerk = client_for(cast.clerk)
    register = clerk.get(reverse("decisions:exempt_register", args=[council.slug]))
    assert "Data centre lease" in register.content.decode()

    # On its review date each clerk is reminded, once.
    cast.clerk.email = "clerk@example.gov.uk"
    cast.clerk.save(update_fields=["email"])
    mail.outbox.clear()
    notifications.send_reminders()
    assert [m.to for m in mail.outbox] == [["clerk@example.gov.uk"]]
    body = mail.outbox[0].body
    assert "Data centre lease" in body and SECRET not in body
    assert reverse("decisions:report_exempt_review", args=[report.pk]) in body
    notifications.send_reminders()
    assert len(mail.outbox) == 1

    # Released on the review page: public from then on, on its history.
    url = reverse("decisions:report_exempt_review", args=[report.pk])
    assert clerk.post(url, {"outcome": "release"}).status_code == 302
    report.refresh_from_db()
    assert report.exempt_released_on == timezone.localdate()
    assert report.exempt_released_by == cast.clerk
    assert report.history.first().history_change_reason == (
        "Exempt information released"
    )
    assert report in Report.objects.public(council)
    assert AgendaItem.objects.public(council).filter(pk=item.pk).exists()
    assert SECRET in pack_html(business.meeting, public=True)
    assert (
        "Data centre lease"
        not in clerk.get(
            reverse("decisions:exempt_register", args=[council.slug])
        ).content.decode()
    )

    # A release is for good: the review date edited back (posted with the
    # report's form) changes nothing; the page has nothing left to review.
    edit = reverse("decisions:report_update", args=[report.pk])
    page = clerk.get(edit)
    assert "exempt_review_on" not in page.context["form"].fields
    data = form_data(
        page,
        exempt="on",
        **{
            "exempt_review_on-day": "1",
            "exempt_review_on-month": "1",
            "exempt_review_on-year": "2001",
        },
    )
    assert clerk.post(edit, data).status_code == 302
    report.refresh_from_db()
    assert report.released and report in Report.objects.public(council)
    assert clerk.post(url, {"outcome": "release"}).status_code == 409


def test_keeping_it_exempt_needs_a_future_review_date_and_a_reason(
    cast, business, client_for
):
    report = exempt_report(cast.council_a)
    url = reverse("decisions:report_exempt_review", args=[report.pk])
    clerk = client_for(cast.clerk)
    version = report.version
    for data, message in (
        ({}, "Select whether to release it or keep it exempt"),
        ({"outcome": "keep"}, "Enter the new review date"),
        (
            {
                "outcome": "keep",
                "review_on-day": "1",
                "review_on-month": "1",
                "review_on-year": "2001",
                "reason": "Still sensitive",
            },
            "The new review date must be in the future",
        ),
        (
            {
                "outcome": "keep",
                "review_on-day": "31",
                "review_on-month": "2",
                "review_on-year": "2040",
            },
            "Enter why it stays exempt",
        ),
    ):
        response = clerk.post(url, data)
        text = response.content.decode()
        assert response.status_code == 200 and ERROR_SUMMARY in text, data
        assert message in text, data
    report.refresh_from_db()
    assert report.version == version and report.withheld

    later = timezone.localdate() + timedelta(days=200)
    response = clerk.post(
        url,
        {
            "outcome": "keep",
            "review_on-day": str(later.day),
            "review_on-month": str(later.month),
            "review_on-year": str(later.year),
            "reason": "The sale has not completed",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.withheld and report.exempt_review_on == later
    assert report.exempt_reason == "The sale has not completed"
    assert report not in Report.objects.public(cast.council_a)


def test_exempt_annexes_leave_the_report_public_without_them(cast, business):
    report = exempt_report(
        cast.council_a,
        "Network refresh",
        exempt_scope="annexes",
        annexes="Annex A: supplier bids and prices",
        purpose="To agree the network refresh.",
    )
    put_on_agenda(business.meeting, report, position=3)
    assert report in Report.objects.public(cast.council_a)
    public = paper_html(
        "Report", cast.council_a, report_parts(report, business.meeting, public=True)
    )
    restricted = paper_html(
        "Report", cast.council_a, report_parts(report, business.meeting)
    )
    assert "To agree the network refresh." in public
    assert "supplier bids" not in public
    assert "Not for publication: exempt under paragraph 3" in public
    assert "supplier bids" in restricted
    assert "supplier bids" not in pack_html(business.meeting, public=True)


def test_a_decision_records_exempt_part_is_withheld_until_released(
    cast, business, client_for
):
    decision = business.published_decision
    decision.exempt = True
    decision.exempt_part = f"The rent agreed is in the report. {SECRET}."
    decision.exempt_paragraph = "3"
    decision.exempt_reason = "Commercial terms"
    decision.exempt_review_on = timezone.localdate() - timedelta(days=1)
    save_with_reason(decision, user=None, reason="Test set-up")

    assert decision in DecisionRecord.objects.public(cast.council_a)
    assert decision.public_exempt_part == ""
    public = paper_html(
        "Record", cast.council_a, decision_record_parts(decision, public=True)
    )
    assert SECRET not in public and "exempt under paragraph 3" in public
    member = client_for(cast.member)
    page = member.get(decision.get_absolute_url()).content.decode()
    assert SECRET in page and "Not for publication: exempt under paragraph 3" in page
    # Feeds (read by feed readers, often through a personal address) carry
    # no exempt part, nor the exempt report's agenda item's text.
    for feed in ("decisions:decision_feed", "decisions:meeting_calendar"):
        assert SECRET not in member.get(reverse(feed)).content.decode()
    # Not in the search index at all.
    assert search(cast.clerk, cast.council_a, "412,000").total == 0

    rows = register_rows(cast.council_a)
    assert rows[0]["record"] == decision and rows[0]["overdue"]

    clerk = client_for(cast.clerk)
    url = reverse("decisions:decision_exempt_review", args=[decision.pk])
    assert clerk.post(url, {"outcome": "release"}).status_code == 302
    decision.refresh_from_db()
    assert SECRET in decision.public_exempt_part
    public = paper_html(
        "Record", cast.council_a, decision_record_parts(decision, public=True)
    )
    assert SECRET in public


def test_the_decision_form_asks_for_the_paragraph_of_an_exempt_part(
    cast, business, client_for
):
    clerk = client_for(cast.clerk)
    url = reverse("decisions:decision_update", args=[business.draft_decision.pk])
    page = clerk.get(url)
    response = clerk.post(url, form_data(page, exempt_part="The price."))
    text = response.content.decode()
    assert response.status_code == 200 and ERROR_SUMMARY in text
    assert "Select the paragraph under which it is exempt" in text
    assert not DecisionRecord.objects.get(pk=business.draft_decision.pk).exempt


def test_search_leaves_withheld_reports_to_those_who_may_read_them(
    cast, business, monkeypatch
):
    report = exempt_report(cast.council_a)
    put_on_agenda(business.meeting, report, position=2)
    assert search(cast.member, cast.council_a, "lease").total >= 1
    # Were members not to read exempt information, they would not find it,
    # nor the agenda item carrying it.
    monkeypatch.setitem(
        permissions.ACTIONS,
        "read_exempt_information",
        permissions.EDITING_ROLES,
    )
    found = search(cast.member, cast.council_a, "lease")
    assert found.total == 0
    assert search(cast.officer, cast.council_a, "lease").total >= 1


def test_existing_exempt_reports_keep_a_paragraph_they_name(cast):
    migration = importlib.import_module("decisions.migrations.0016_exempt_information")
    named = make_report(
        cast.council_a, "Named", exempt=True, exempt_reason="Paragraph 3, Sch 12A"
    )
    vague = make_report(
        cast.council_a, "Vague", exempt=True, exempt_reason="Commercially sensitive"
    )
    migration.paragraphs_from_reasons(apps, None)
    named.refresh_from_db()
    vague.refresh_from_db()
    assert named.exempt_paragraph == "3" and named.withheld
    assert vague.exempt_paragraph == "" and vague.withheld
    assert str(vague.exempt_notice) == "Not for publication: exempt information"


def test_the_register_lists_overdue_first(cast):
    days = 0
    today = timezone.localdate()
    later = exempt_report(
        cast.council_a, "Later", exempt_review_on=today + timedelta(30)
    )
    due = exempt_report(cast.council_a, "Due", exempt_review_on=today - timedelta(days))
    unknown = exempt_report(cast.council_a, "Unknown", exempt_review_on=None)
    make_report(cast.council_a, "Open")
    order = [row["record"] for row in register_rows(cast.council_a)]
    assert order == [unknown, due, later]
