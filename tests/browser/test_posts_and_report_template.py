import pytest

from decisions.models import ReportHeading
from governance.models import Post

from ..base import make_report


@pytest.mark.journeys
def test_a_clerk_sets_up_posts_and_the_report_template_without_the_admin(visit, cast):
    report = make_report(cast.council_a)
    page = visit.page
    visit.sign_in("clerk")
    visit.goto("/council/ashdown/")

    # A post held by someone with no account.
    with page.expect_navigation():
        page.get_by_role("link", name="Posts", exact=True).click()
    visit.check()
    with page.expect_navigation():
        page.get_by_role("link", name="Add a post").click()
    visit.check()
    page.get_by_label("Cabinet portfolio").check()
    page.get_by_label("Title of the post").fill("Cabinet Member for Resources")
    page.get_by_label("Name of the person who holds it").fill("Councillor Helen Marsh")
    visit.submit("Save post")
    assert "Councillor Helen Marsh" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="Change Cabinet Member for Resources").click()
    visit.check()
    assert Post.objects.filter(holder_name="Councillor Helen Marsh").exists()

    # The report template: a heading of the council's own, moved up; a
    # standard one renamed; unfilled implications left out.
    visit.goto("/council/ashdown/report-template/")
    with page.expect_navigation():
        page.get_by_role("link", name="Add a heading").click()
    visit.check()
    page.get_by_label("Heading", exact=True).fill("Efficiency")
    visit.submit("Save heading")
    visit.submit("Move up Efficiency")
    with page.expect_navigation():
        page.get_by_role("link", name="Change Equality and diversity").click()
    visit.check()
    page.get_by_label("Heading", exact=True).fill("Diversity")
    page.get_by_label("Reason for the change").fill("As our constitution")
    visit.submit("Save heading")
    with page.expect_navigation():
        page.get_by_role("link", name="Change what happens to implications").click()
    visit.check()
    page.get_by_label("Leave them out").check()
    visit.submit("Save")
    main = page.locator("main").inner_text()
    assert "Is left out of the report" in main
    assert main.index("Efficiency") < main.index("Sustainability")
    assert ReportHeading.objects.filter(name="Diversity").exists()

    # The report form asks for the council's headings; the page prints them.
    visit.goto(f"/reports/{report.pk}/edit/")
    page.get_by_label("Efficiency implications").fill("Fewer paper forms.")
    visit.submit("Save report")
    main = page.locator("main").inner_text()
    assert "Fewer paper forms." in main
    assert "Not stated" not in main.split("Implications", 1)[1]
