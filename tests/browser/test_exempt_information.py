"""A clerk finds exempt information due for review on the register, keeps
one report exempt with a new review date and releases another; the report
form, the register and the review page pass axe."""

from datetime import timedelta

from django.utils import timezone

from decisions.models import Report

from ..base import build_business, make_report, put_on_agenda
from .dates import fill_date


def test_a_clerk_reviews_exempt_information_from_the_register(visit, cast):
    business = build_business(cast)
    today = timezone.localdate()
    for title, position in (("Data centre lease", 2), ("Payroll supplier exit", 3)):
        report = make_report(
            cast.council_a,
            title,
            exempt=True,
            exempt_paragraph="3",
            exempt_reason="Commercial terms under negotiation",
            exempt_review_on=today - timedelta(days=position),
        )
        put_on_agenda(business.meeting, report, position=position)
    visit.sign_in("clerk")
    page = visit.page
    visit.goto(f"/reports/{report.pk}/edit/")
    visit.check()
    visit.goto("/council/ashdown/exempt-register/")
    visit.check()
    rows = page.locator("tbody tr")
    # Overdue first, the longest overdue at the top.
    assert "Payroll supplier exit" in rows.nth(0).inner_text()
    rows.nth(0).get_by_role("link", name="Review").click()
    visit.check()

    # Keep, with no date: the error summary says so; then with one.
    page.get_by_label("Keep it exempt until a new review date").check()
    visit.submit("Save the review")
    summary = page.locator(".govuk-error-summary")
    assert "Enter the new review date" in summary.inner_text()
    later = today + timedelta(days=180)
    page.get_by_label("Keep it exempt until a new review date").check()
    fill_date(page, "New review date", later)
    page.get_by_label("Why it stays exempt").fill("The exit is still negotiated")
    visit.submit("Save the review")
    assert "Kept exempt." in page.locator("main").inner_text()
    assert Report.objects.get(title="Payroll supplier exit").exempt_review_on == later

    visit.goto("/council/ashdown/exempt-register/")
    page.locator("tbody tr").nth(0).get_by_role("link", name="Review").click()
    visit.check()
    page.get_by_label("Release it: the public can read it from today").check()
    visit.submit("Save the review")
    main = page.locator("main").inner_text()
    assert "Released: the public can now read it." in main
    assert Report.objects.get(title="Data centre lease").released
