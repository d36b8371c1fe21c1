"""A strategy from draft to approval, read by a member; every page passes axe."""

import pytest
from django.utils import timezone

from governance.history import save_with_reason
from strategy.models import Risk, Strategy

from ..base import approve_strategy, build_business, make_strategy
from .dates import fill_date


@pytest.mark.journeys
def test_officer_drafts_clerk_records_approval_member_reads_it(visit, cast):
    business = build_business(cast)
    page = visit.page

    # The officer drafts a strategy with a theme and an objective, and
    # sends it to scrutiny.
    visit.sign_in("officer")
    visit.goto("/strategies/")
    page.get_by_role("link", name="Start a new strategy").click()
    visit.check()
    page.get_by_label("Title").fill("Smart Ashdown 2027–2031")
    page.get_by_label("First year").fill("2031")
    page.get_by_label("Last year").fill("2027")
    visit.submit("Save the draft")
    assert (
        "must not be before the first year"
        in page.locator(".govuk-error-summary").inner_text()
    )
    page.get_by_label("First year").fill("2027")
    page.get_by_label("Last year").fill("2031")
    page.get_by_label("Vision").fill("Every service online, safe and simple.")
    visit.submit("Save the draft")
    page.get_by_role("link", name="Add a theme").click()
    visit.check()
    page.get_by_label("Title").fill("Residents first")
    visit.submit("Save theme")
    page.get_by_role("link", name="Add an objective to Residents first").click()
    visit.check()
    page.get_by_label("Objective").fill("Launch a resident account.")
    visit.submit("Add objective")
    assert "Launch a resident account." in page.locator("main").inner_text()
    page.get_by_role("link", name="Send to scrutiny").click()
    visit.check()
    visit.submit("Send to scrutiny")
    assert "With scrutiny" in page.locator("main").inner_text()
    strategy = Strategy.objects.get(title="Smart Ashdown 2027–2031")
    visit.submit("Sign out")

    # The clerk records the scrutiny outcome, then Cabinet's decision.
    visit.sign_in("clerk")
    visit.goto(f"/strategies/{strategy.pk}/")
    page.get_by_role("link", name="Record the scrutiny outcome").click()
    visit.check()
    page.get_by_label("Endorsed", exact=True).check()
    visit.submit("Record the scrutiny outcome")
    assert "Awaiting approval" in page.locator("main").inner_text()

    visit.goto("/decisions/add/")
    page.get_by_label("Decision maker (meeting)").select_option(
        str(business.meeting.pk)
    )
    decided = timezone.localtime(business.meeting.starts_at).date()
    fill_date(page, "Date of decision", decided)
    page.get_by_label("Title").fill("Smart Ashdown strategy")
    page.get_by_label("Record of the decision").fill("Cabinet approved it.")
    page.get_by_label("Reasons for the decision").fill("It is needed.")
    page.get_by_label("Strategy: Smart Ashdown 2027–2031").check()
    page.locator("#id_resolutions-0-text").fill("The strategy is approved.")
    visit.submit("Save decision record")
    page.get_by_role("link", name="Publish the decision").click()
    visit.check()
    visit.submit("Publish the decision")
    assert "Smart Ashdown 2027–2031" in page.locator("main").inner_text()

    visit.goto(f"/strategies/{strategy.pk}/")
    page.get_by_role("link", name="Record the approval").click()
    visit.check()
    page.get_by_label("The decision that approves it").select_option(
        label=page.get_by_label("The decision that approves it")
        .locator("option", has_text="Smart Ashdown strategy")
        .inner_text()
    )
    visit.submit("Record the approval")
    main = page.locator("main").inner_text()
    assert "Approved, subject to call-in" in main
    visit.submit("Sign out")

    # The officer makes a minor amendment.
    visit.sign_in("officer")
    visit.goto(f"/strategies/{strategy.pk}/")
    page.get_by_role("link", name="Make a minor amendment").click()
    visit.check()
    page.get_by_label("Vision").fill("Every service online, safe, simple and fair.")
    visit.submit("Record the minor amendment")
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Reason for the minor amendment").fill("Adds fairness.")
    page.get_by_label("Authorising officer").select_option(str(cast.administrator.pk))
    visit.submit("Record the minor amendment")
    visit.submit("Sign out")

    # The member reads it as approved and sees the amendment marked.
    visit.sign_in("member")
    visit.goto("/strategies/")
    page.get_by_role("link", name="Smart Ashdown 2027–2031").click()
    visit.check()
    main = page.locator("main").inner_text()
    assert "minor amendment under delegated powers" in main.lower()
    assert "Adds fairness." in main
    assert page.get_by_role("link", name="Make a minor amendment").count() == 0
    page.get_by_role("link", name="The strategy as approved").click()
    visit.check()
    assert page.locator(".app-diff__added").count() >= 1
    visit.goto(f"/strategies/{strategy.pk}/history/")
    assert "Adds fairness." in page.locator("main").inner_text()


def test_officer_names_the_next_version_and_a_member_compares_the_two(visit, cast):
    business = build_business(cast)
    old = business.approved_strategy
    page = visit.page

    # The officer prepares the replacement under a title of their choosing.
    visit.sign_in("officer")
    visit.goto(f"/strategies/{old.pk}/")
    page.get_by_role("link", name="Prepare a replacement").click()
    visit.check()
    assert page.get_by_label("Title of the new version").input_value() == old.title
    page.get_by_label("Title of the new version").fill(" ")
    visit.submit("Create the draft replacement")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter a title for the new version" in summary
    assert not Strategy.objects.filter(replaces=old).exists()
    page.get_by_label("Title of the new version").fill("ICT Strategy 2025–2028")
    visit.submit("Create the draft replacement")
    assert page.locator("h1").inner_text() == "ICT Strategy 2025–2028"
    assert "Version 2" in page.locator(".govuk-caption-l").inner_text()
    new = Strategy.objects.get(replaces=old)
    new.vision = "Services designed around residents and businesses."
    save_with_reason(new, user=cast.officer, reason="Test set-up")
    visit.submit("Sign out")
    approve_strategy(new, cast, business)

    # A member reads the versions and compares the two as approved.
    visit.sign_in("member")
    visit.goto(f"/strategies/{new.pk}/")
    page.get_by_role("link", name="All versions, and comparing them").click()
    visit.check()
    page.get_by_label("Compare version").select_option("1")
    page.get_by_label("With version").select_option("2")
    visit.submit("Compare")
    comparison = page.locator("main").inner_text()
    assert "Version 1 and version 2 compared" in comparison
    added = page.locator("ins.app-diff__added", has_text="and businesses")
    assert " ".join(added.text_content().split()) == "added: and businesses"

    # At 320 CSS pixels wide the columns stack and nothing scrolls sideways.
    page.set_viewport_size({"width": 320, "height": 640})
    visit.check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    earlier, later = (
        page.locator(".app-compare--changed")
        .first.locator(".govuk-grid-column-one-half")
        .all()
    )
    assert later.bounding_box()["y"] > earlier.bounding_box()["y"]


def test_strategy_pages_are_accessible(visit, cast):
    business = build_business(cast)
    draft, approved = business.draft_strategy, business.approved_strategy
    theme, objective = business.theme, business.objective
    visit.sign_in("officer")
    for path in [
        "/strategies/?status=draft&year=2027",
        f"/strategies/{draft.pk}/",
        f"/strategies/{draft.pk}/edit/",
        f"/strategies/{draft.pk}/risks/",
        f"/strategies/{draft.pk}/themes/add/",
        f"/strategies/{draft.pk}/themes/{theme.pk}/edit/",
        f"/strategies/{draft.pk}/themes/{theme.pk}/remove/",
        f"/strategies/{draft.pk}/themes/{theme.pk}/objectives/add/",
        f"/strategies/{draft.pk}/themes/{theme.pk}/objectives/{objective.pk}/remove/",
        f"/strategies/{draft.pk}/history/",
        f"/strategies/{approved.pk}/",
        f"/strategies/{approved.pk}/amend/",
        f"/strategies/{approved.pk}/replace/",
        f"/strategies/{approved.pk}/as-approved/",
        f"/strategies/{approved.pk}/history/",
    ]:
        response = visit.goto(path)
        assert response.status == 200, path
    # A change to an approved strategy's themes is explained, not done.
    response = visit.goto(f"/strategies/{approved.pk}/themes/add/")
    assert response.status == 409
    assert "cannot be changed now" in visit.page.locator("h1").inner_text()


def test_a_long_history_reads_short_and_shows_the_whole_text_on_demand(visit, cast):
    words = " ".join(f"word{n}" for n in range(400))
    strategy = make_strategy(cast, "Long history", body=words)
    for number in range(5):
        save_with_reason(
            Risk(strategy=strategy, description=f"Risk {number} " + "Ab" * 60),
            user=cast.officer,
            reason="Risks changed",
        )
    for edit in range(3):
        strategy.body = strategy.body.replace(
            f"word{100 * edit + 50}", "Supercalifragilistic" * 8
        )
        save_with_reason(strategy, user=cast.officer, reason=f"Edit {edit}")
    page = visit.page
    page.set_viewport_size({"width": 320, "height": 800})
    visit.sign_in("officer")
    visit.goto(f"/strategies/{strategy.pk}/history/")
    main = page.locator("main")
    assert main.get_by_role("heading", name="5 risks created").count() == 1
    details = main.locator("details", has_text="Show the whole text")
    assert details.count() == 3 + 1  # three edits; the text as first written
    assert "word200 " not in main.inner_text()
    # Open, the whole text with its changes marked, and still no sideways
    # scrolling at 320 CSS px.
    details.first.locator("summary").click()
    assert "word200 " in details.first.inner_text()
    assert details.first.locator("ins.app-diff__added").count() == 1
    main.get_by_text("Show what each one says").click()
    visit.check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_a_history_whose_diffs_are_still_being_marked_reads_well(visit, cast, settings):
    """A history recorded before diffs were kept, with no time left in the
    page's budget: each long change says so, shows the text as changed on
    demand, and the page passes axe at 320 px."""
    from governance.models import StoredDiff

    words = " ".join(f"word{n}" for n in range(400))
    strategy = make_strategy(cast, "Long history", body=words)
    for edit in range(2):
        strategy.body = strategy.body.replace(f"word{100 * edit + 50}", "Changed")
        save_with_reason(strategy, user=cast.officer, reason=f"Edit {edit}")
    StoredDiff.objects.all().delete()
    settings.HISTORY_DIFF_BUDGET_SECONDS = 0
    page = visit.page
    page.set_viewport_size({"width": 320, "height": 800})
    visit.sign_in("officer")
    visit.goto(f"/strategies/{strategy.pk}/history/")
    main = page.locator("main")
    assert main.get_by_text("still being marked").count() == 2
    details = main.locator("details", has_text="Show the whole text as changed")
    details.first.locator("summary").click()
    assert "word350 " in details.first.inner_text()
    visit.check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    # The queued task worked them out (the tests' backend runs it at once).
    visit.goto(f"/strategies/{strategy.pk}/history/")
    assert main.get_by_text("still being marked").count() == 0
    assert main.locator("ins.app-diff__added").count() >= 2
