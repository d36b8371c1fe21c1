"""The "add another" lists with JavaScript: rows are added in place, focus
moves to the new row, rows move and are removed in place; the new settings
pages and the workplan's edit page pass axe."""

from decisions.models import Report

from ..base import build_business


def focused_id(page):
    return page.evaluate("document.activeElement.id")


def test_a_clerk_adds_moves_and_removes_recommendations_in_place(visit, cast):
    business = build_business(cast)
    director = business.report.report_of
    contact = business.report.contact
    visit.sign_in("clerk")
    visit.goto("/reports/add/")
    page = visit.page
    page.get_by_label("Title", exact=True).fill("Cloud hosting")
    page.get_by_label("Report of", exact=True).select_option(str(director.pk))
    page.get_by_label("Contact officer", exact=True).select_option(str(contact.pk))
    page.get_by_label("Purpose").fill("To agree the move to cloud hosting.")
    page.locator("#id_recommendations-0-text").fill("That Cabinet notes the costs.")

    add = page.get_by_role("button", name="Add another recommendation")
    add.click()
    assert focused_id(page) == "id_recommendations-1-text"
    page.keyboard.type("That Cabinet approves the move.")
    add.click()
    assert focused_id(page) == "id_recommendations-2-text"
    page.keyboard.type("A row to remove.")
    visit.check()  # the rows added in place pass axe too

    page.get_by_role("button", name="Remove recommendation 3").click()
    assert focused_id(page) == ""  # focus on the Add another button
    assert page.evaluate("document.activeElement.textContent").strip() == (
        "Add another recommendation"
    )
    page.get_by_role("button", name="Move up recommendation 2").click()
    legends = page.locator(".app-add-another__item:visible legend").all_inner_texts()
    assert legends == ["Recommendation 1", "Recommendation 2"]
    assert page.url.endswith("/reports/add/")  # nothing was posted
    visit.submit("Save report")

    report = Report.objects.get(title="Cloud hosting")
    assert list(report.recommendations.values_list("position", "text")) == [
        (1, "That Cabinet approves the move."),
        (2, "That Cabinet notes the costs."),
    ]

    for path in [
        f"/council/{cast.council_a.slug}/numbering/",
        f"/council/{cast.council_a.slug}/workplan-layout/",
    ]:
        assert visit.goto(path).status == 200
    visit.submit("Sign out")
    visit.sign_in("officer")
    assert visit.goto(f"/workplans/{business.workplan.pk}/edit/").status == 200
