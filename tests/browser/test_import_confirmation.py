"""An officer confirms an import whose upload is no longer kept (another tab
previewed another file since): the page says so and the file is chosen
again; axe on every page."""

from ..base import build_business

HEADER = "Reference,Title,Category,Work type\n"


def test_a_stale_confirmation_asks_for_the_file_again_then_imports(
    visit, cast, tmp_path
):
    business = build_business(cast)
    workplan = business.workplan
    first = tmp_path / "items.csv"
    first.write_text(HEADER + "TB01,Move email to the cloud,C,urgent\n")
    second = tmp_path / "other-items.csv"
    second.write_text(HEADER + "TB02,Renew the firewall,ED,urgent\n")
    page = visit.page
    visit.sign_in("officer")
    visit.goto(f"/workplans/{workplan.pk}/import/")
    page.get_by_label("Spreadsheet of items").set_input_files(str(first))
    visit.submit("Check the file")
    assert "All 1 rows are good" in page.locator("main").inner_text()

    # Another tab previews another file, which replaces the kept upload.
    other_tab = page.context.new_page()
    other_tab.goto(visit.url(f"/workplans/{workplan.pk}/import/"))
    other_tab.get_by_label("Spreadsheet of items").set_input_files(str(second))
    with other_tab.expect_navigation():
        other_tab.get_by_role("button", name="Check the file").click()
    other_tab.close()

    visit.submit("Import 1 item")
    summary = page.locator(".govuk-error-summary")
    assert "There is a problem" in summary.inner_text()
    assert (
        "Your upload has expired or was not found. Choose the file again."
        in summary.inner_text()
    )
    assert page.title().startswith("Error: ")
    assert not workplan.items.filter(reference__startswith="TB").exists()

    # The summary's link leads to the file input; the file is chosen again.
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "id_file"
    page.get_by_label("Spreadsheet of items").set_input_files(str(first))
    visit.submit("Check the file")
    visit.submit("Import 1 item")
    assert "1 item imported." in page.locator("main").inner_text()
    assert list(
        workplan.items.filter(reference__startswith="TB").values_list(
            "reference", flat=True
        )
    ) == ["TB01"]
