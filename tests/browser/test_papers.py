"""A clerk asks for an agenda pack, watches it being prepared by the worker
and downloads it; papers download from their records' pages."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from ..base import build_business

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.journeys
def test_a_clerk_waits_for_the_agenda_pack_and_downloads_it(visit, cast):
    business = build_business(cast)
    page = visit.page
    with override_settings(TASKS=DATABASE_TASKS):
        visit.sign_in("clerk")
        visit.goto(business.meeting.get_absolute_url())
        with page.expect_navigation():
            page.get_by_role("link", name="Download the agenda pack (PDF)").click()
        visit.check()
        assert "Waiting for the worker" in page.locator("main").inner_text()

        # The worker takes the job; the page notices by itself and reloads.
        with page.expect_navigation(timeout=30_000):
            call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        page.get_by_text("The paper is ready").wait_for(timeout=20_000)
        visit.check()
        with page.expect_download() as download:
            page.get_by_role("link", name="Download the PDF").click()
        pdf = download.value.path().read_bytes()
        assert pdf.startswith(b"%PDF-")


def test_papers_download_from_their_records_pages(visit, cast):
    business = build_business(cast)
    page = visit.page
    visit.sign_in("clerk")
    for path, link in [
        (business.report.get_absolute_url(), "Download the report (PDF)"),
        (
            business.published_decision.get_absolute_url(),
            "Download the decision record (PDF)",
        ),
        (business.review.get_absolute_url(), "Download the progress report"),
        (business.workplan.get_absolute_url(), "PDF, landscape"),
    ]:
        visit.goto(path)
        with page.expect_download() as download:
            page.get_by_role("link", name=link).click()
        assert download.value.path().read_bytes().startswith(b"%PDF-"), path


@pytest.mark.journeys
def test_a_clerk_publishes_an_agenda_and_its_papers_are_listed_as_sent(visit, cast):
    """Publishing keeps the papers; a change to a report makes a supplement;
    the meeting, report, workplan, strategy and review pages list them."""
    from decisions import report_subjects

    from ..base import make_report, put_on_agenda
    from ..decisions.test_papers_as_considered import presented_workplan

    business = build_business(cast)
    workplan, report, meeting = presented_workplan(cast, business)
    for position, record in enumerate(
        [business.approved_strategy, business.review], start=2
    ):
        other = make_report(cast.council_a, f"Presenting {record}")
        report_subjects.present(other, record, user=cast.clerk, reason="Test")
        put_on_agenda(meeting, other, position=position)
    page = visit.page
    visit.sign_in("clerk")
    visit.goto(f"/meetings/{meeting.pk}/edit/")
    page.get_by_label("agenda published").check()
    visit.submit("Save")
    main = page.locator("main").inner_text()
    assert "are kept as they were sent" in page.content()
    assert "Agenda pack (PDF)" in main

    visit.goto(f"/reports/{report.pk}/edit/")
    page.get_by_label("Summary").fill("Revised figures for the year.")
    visit.submit("Save")
    assert "Supplementary agenda pack 1" in page.content()
    visit.goto(meeting.get_absolute_url())
    assert "Supplementary agenda pack 1 (PDF)" in page.locator("main").inner_text()
    for record in (report, workplan, business.approved_strategy, business.review):
        visit.goto(record.get_absolute_url())
        assert "Papers as considered" in page.locator("main").inner_text(), record
