"""An officer double-clicks "Save the draft", then goes back and saves the
same form again: one strategy, and the second save shows it with "This was
already saved"; axe on every page."""

from strategy.models import Strategy


def test_a_double_click_and_a_form_saved_again_make_one_strategy(visit, cast):
    page = visit.page
    visit.sign_in("officer")
    visit.goto("/strategies/add/")
    page.get_by_label("Title").fill("Cloud first 2027–2030")
    page.get_by_label("First year").fill("2027")
    page.get_by_label("Last year").fill("2030")

    with page.expect_navigation():
        page.get_by_role("button", name="Save the draft").dblclick()
    visit.check()
    assert "Draft strategy created." in page.locator("main").inner_text()
    assert Strategy.objects.filter(title="Cloud first 2027–2030").count() == 1
    shown = page.url

    # Back to the form as it was sent, and save it again.
    page.go_back()
    visit.check()
    assert page.get_by_label("Title").input_value() == "Cloud first 2027–2030"
    visit.submit("Save the draft")

    assert page.url == shown
    banner = page.locator(".govuk-notification-banner")
    assert "This was already saved" in banner.inner_text()
    assert Strategy.objects.filter(title="Cloud first 2027–2030").count() == 1
