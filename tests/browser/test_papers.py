"""A clerk asks for an agenda pack, watches it being prepared by the worker
and downloads it; papers download from their records' pages."""

from django.core.management import call_command
from django.test import override_settings

from ..base import build_business

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


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
