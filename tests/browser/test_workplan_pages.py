"""An officer works in a workplan: filters, exports, updates progress; axe on all."""

import pytest
from django.utils import timezone

from workplan.models import WorkplanItem

from ..base import (
    add_item_by_variation,
    approve_workplan,
    build_business,
    make_item,
    make_workplan,
)
from .dates import fill_date


def test_officer_filters_updates_progress_and_exports(visit, cast):
    business = build_business(cast)
    workplan = business.workplan
    # No review open: progress is given on the item's own page (with a
    # review open, "Update" leads to the review's update instead).
    business.review.status = "closed"
    business.review.save(update_fields=["status"])
    for number in range(2, 6):
        make_item(
            cast,
            workplan,
            f"WP0{number}",
            category="ED" if number % 2 else "C",
            title=f"Item {number}",
        )
    page = visit.page
    visit.sign_in("officer")
    visit.goto("/workplans/")
    page.get_by_role("link", name=str(workplan)).click()
    visit.check()
    assert "5 items" in page.locator("main").inner_text()

    # Filter by category: the query string is the bookmark.
    page.get_by_label("Confidence category (optional)").select_option("ED")
    visit.submit("Apply filters")
    assert "category=ED" in page.url
    assert "2 items" in page.locator("main").inner_text()

    # The export holds exactly the filtered rows.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    lines = open(download_info.value.path(), encoding="utf-8").read().splitlines()
    assert len(lines) == 1 + 2
    assert lines[0].startswith("Reference,Title")

    # A quick update from the list returns to the same filtered list.
    page.get_by_role("link", name="Update progress of WP03").click()
    visit.check()
    page.get_by_label("Red").check()
    page.get_by_label("Percent complete").fill("130")
    visit.submit("Save progress")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Say why the item is red." in summary
    assert "from 0 to 100" in summary
    page.get_by_label("Percent complete").fill("30")
    page.get_by_label("Reason for the RAG status").fill("Supplier late.")
    visit.submit("Save progress")
    assert "category=ED" in page.url
    item = WorkplanItem.objects.get(workplan=workplan, reference="WP03")
    assert (item.rag, item.percent_complete) == ("red", 30)


def test_workplan_pages_are_accessible(visit, cast):
    business = build_business(cast)
    workplan, item = business.workplan, business.item
    visit.sign_in("officer")
    for path in [
        "/workplans/add/",
        f"/workplans/{workplan.pk}/?rag=red&ordering=-due",
        f"/workplans/{workplan.pk}/items/add/",
        f"/workplans/items/{item.pk}/",
        f"/workplans/items/{item.pk}/edit/",
        f"/workplans/items/{item.pk}/progress/",
        f"/workplans/items/{item.pk}/milestones/",
        f"/workplans/{workplan.pk}/submit/",
    ]:
        response = visit.goto(path)
        assert response.status == 200, path


#: Each word of each table heading in a scrolling region, with the number
#: of lines it is drawn on (more than one: broken inside the word).
WORDS_ON_LINES = """() => {
  const found = [];
  for (const cell of document.querySelectorAll(".app-table-scroll th")) {
    const text = cell.firstChild;
    if (!text || text.nodeType !== Node.TEXT_NODE) continue;
    const re = /\\S+/g;
    let match;
    while ((match = re.exec(text.data))) {
      const range = document.createRange();
      range.setStart(text, match.index);
      range.setEnd(text, match.index + match[0].length);
      found.push([match[0], range.getClientRects().length]);
    }
  }
  return found;
}"""


def test_at_320_px_the_rag_tables_scroll_and_keep_their_words_whole(visit, cast):
    """At 320 CSS px the RAG tables of a workplan's summary scroll in their
    region rather than breaking their headings letter by letter ("Cat ego
    ry"), and the page itself does not scroll sideways."""
    business = build_business(cast)
    visit.sign_in("officer")
    page = visit.page
    page.set_viewport_size({"width": 320, "height": 800})
    visit.goto(f"/workplans/{business.workplan.pk}/")
    words = page.evaluate(WORDS_ON_LINES)
    headings = {word for word, _lines in words}
    assert {"Theme", "Category", "Red", "Amber", "Items"} <= headings
    assert [word for word, lines in words if lines != 1] == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


@pytest.mark.journeys
def test_an_item_added_by_variation_waits_for_agreement_then_is_marked_added(
    visit, cast
):
    """The administrator names who agrees variations; the officer's added item
    is marked awaiting agreement (members do not see it) until the officer,
    holding the delegated power, agrees it; then it is marked for everyone."""
    business = build_business(cast)
    plan = make_workplan(cast, business.approved_strategy, 2024)
    make_item(cast, plan, "WP01", title="Renew the firewall")
    plan = approve_workplan(cast, business, plan)
    added = add_item_by_variation(cast, plan, "WP02", title="Replace the payroll")
    page = visit.page

    visit.sign_in("administrator")
    visit.goto(f"/council/{cast.council_a.slug}/variations/")
    page.get_by_label("Officer Tester").check()
    page.get_by_label("Reason for the change").fill("Scheme of delegation")
    visit.submit("Save")
    assert "Officer Tester" in page.locator("main").inner_text()
    visit.submit("Sign out")

    visit.sign_in("member")
    visit.goto(f"/workplans/{plan.pk}/")
    assert "Replace the payroll" not in page.locator("main").inner_text()
    assert visit.goto(f"/workplans/items/{added.pk}/").status == 404
    visit.submit("Sign out")

    visit.sign_in("officer")
    visit.goto(f"/workplans/{plan.pk}/")
    row = page.get_by_role("row", name="WP02 Replace the payroll")
    assert "Variation awaiting agreement" in row.inner_text()
    with page.expect_navigation():
        row.get_by_role("link", name="WP02 Replace the payroll").click()
    visit.check()
    assert "has not yet been agreed" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role(
            "link", name="Record the agreement under delegated powers"
        ).click()
    visit.check()
    agreed_on = plan.approving_decision.decision_date
    fill_date(page, "Date agreed", agreed_on)
    visit.submit("Record the agreement under delegated powers")
    added.refresh_from_db()
    assert added.status == "approved"
    mark = f"Added by variation on {agreed_on:%-d %B %Y}"
    assert mark in page.locator("main").inner_text()
    visit.submit("Sign out")

    visit.sign_in("member")
    visit.goto(f"/workplans/{plan.pk}/")
    assert mark in page.get_by_role("row", name="WP02 Replace the payroll").inner_text()


def test_officer_imports_a_councils_own_spreadsheet(visit, cast, tmp_path):
    """Upload, what each column holds, what values mean, check (errors by
    the file's own column and cell), correct, import; axe on every page,
    and the check page's wide tables scroll in their own region at 320 px."""
    business = build_business(cast)
    workplan = business.workplan
    header = "Ref,Project,Owner,RAG,Due,Commentary,Ward\n"
    bad = tmp_path / "ict-programme.csv"
    bad.write_text(
        header
        + "IM01,Move email to the cloud,Officer Tester,G,2023/24,Done first,All\n"
        + "IM02,Renew the firewall,Pat Nobody,on track,31/02/2024,Tender out,\n",
        encoding="utf-8",
    )
    page = visit.page
    visit.sign_in("officer")
    visit.goto(f"/workplans/{workplan.pk}/")
    page.get_by_role("link", name="Import items from a spreadsheet").click()
    visit.check()
    page.get_by_label("Spreadsheet of items").set_input_files(str(bad))
    visit.submit("Upload and continue")

    # The columns page: "Ward" needs an answer; the rest are guessed.
    assert page.get_by_label("Project").input_value() == "title"
    assert page.get_by_label("Commentary").input_value() == "note"
    visit.submit("Continue")
    summary = page.locator(".govuk-error-summary")
    assert "Select what the column “Ward” holds" in summary.inner_text()
    summary.get_by_role("link").click()
    page.get_by_label("Ward").select_option(label="Ignore this column")
    visit.submit("Continue")

    # The values page: "on track" as a RAG.
    page.get_by_label("“on track” in the column “RAG”").select_option(label="Green")
    visit.submit("Continue")

    # The check page names the file's own column and cell.
    main = page.locator("main").inner_text()
    assert "1 of 2 rows need correcting" in main
    assert "Due (E3)" in main
    assert "Pat Nobody" in main
    assert not workplan.items.filter(reference__startswith="IM").exists()
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    visit.check()
    page.set_viewport_size({"width": 1280, "height": 800})

    good = tmp_path / "ict-programme-corrected.csv"
    good.write_text(bad.read_text().replace("31/02/2024", "29/02/2024"))
    page.get_by_role("link", name="Choose another file").first.click()
    visit.check()
    page.get_by_label("Spreadsheet of items").set_input_files(str(good))
    visit.submit("Upload and continue")
    # The council's choices for these headers were remembered.
    assert "choices saved for spreadsheets with these columns" in (
        page.locator("main").inner_text()
    )
    visit.submit("Continue")
    page.get_by_label("“on track” in the column “RAG”").select_option(label="Green")
    visit.submit("Continue")
    main = page.locator("main").inner_text()
    assert "All 2 rows can be imported" in main
    visit.submit("Import 2 items")
    assert "2 items imported." in page.locator("main").inner_text()
    assert workplan.items.filter(reference__startswith="IM").count() == 2


def test_review_pages_are_accessible(visit, cast):
    business = build_business(cast)
    visit.sign_in("officer")
    review, item = business.review, business.item
    for path in [
        f"/workplans/{business.workplan.pk}/import/",
        f"/workplans/reviews/{review.pk}/",
        f"/workplans/reviews/{review.pk}/items/{item.pk}/",
    ]:
        response = visit.goto(path)
        assert response.status == 200, path
    page = visit.page
    page.get_by_label("Green").check()
    page.get_by_label("Percent complete").fill("60")
    page.get_by_label("Commentary").fill("Going well.")
    visit.submit("Record the update")
    assert "1 of 1 items" in page.locator("main").inner_text()


def test_variation_pages_are_accessible(visit, cast):
    from ..workplan.test_reviews import approve_workplan

    business = build_business(cast)
    approve_workplan(cast, business)
    item = business.item
    visit.sign_in("officer")
    for path in [
        f"/workplans/{business.workplan.pk}/",
        f"/workplans/items/{item.pk}/",
        f"/workplans/items/{item.pk}/edit/",
        f"/workplans/{business.workplan.pk}/items/add/",
        f"/workplans/items/{item.pk}/remove/",
    ]:
        response = visit.goto(path)
        assert response.status == 200, path
    page = visit.page
    page.get_by_label("Reason for the variation").fill("No longer needed.")
    page.get_by_label("Agreed with").fill("Digital Programme Board")
    fill_date(page, "Date agreed", timezone.localdate())
    visit.submit("Remove from the plan")
    assert "Item removed" in page.locator("main").inner_text()
    assert "No longer needed." in page.locator("main").inner_text()


def test_history_pages_of_a_workplan_and_an_item_are_reached_and_accessible(
    visit, cast
):
    """The links from the workplan's and the item's pages lead to their
    histories: short values "from … to", a long text's word diff, a
    milestone; axe on each."""
    import datetime

    from governance.history import save_with_reason
    from workplan.models import Milestone

    business = build_business(cast)
    workplan, item = business.workplan, business.item
    item.description = "Move every office to hosted telephony, " * 5
    item.target_date = datetime.date(2027, 3, 31)
    save_with_reason(item, user=cast.officer, reason="Fuller description")
    item.description = item.description.replace("every office", "the depots", 1)
    item.target_date = datetime.date(2027, 6, 30)
    save_with_reason(item, user=cast.officer, reason="Supplier delay")
    save_with_reason(
        Milestone(item=item, title="Contract signed"), user=cast.officer, reason=""
    )
    page = visit.page
    visit.sign_in("officer")
    visit.goto(f"/workplans/{workplan.pk}/")
    with page.expect_navigation():
        page.get_by_role(
            "link", name="History of changes to the workplan and its items"
        ).click()
    visit.check()
    assert "Supplier delay" in page.locator("main").inner_text()
    visit.goto(f"/workplans/items/{item.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="History of changes to the item").click()
    visit.check()
    main = page.locator("main").inner_text()
    assert "30 June 2027" in main and "Contract signed" in main
