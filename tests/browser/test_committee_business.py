"""A clerk records and publishes a decision; a member reads it; pages pass axe."""

from datetime import timedelta

from django.utils import timezone

from decisions.decision_path import DECISION_PATH
from decisions.models import DecisionRecord

from ..base import build_business, make_decision, publish


def test_clerk_records_and_publishes_a_cabinet_decision(visit, cast):
    business = build_business(cast)
    visit.sign_in("clerk")
    visit.goto("/decisions/")
    visit.page.get_by_role("link", name="Record a decision").click()
    visit.check()

    page = visit.page
    # Nothing filled in: the error summary names what is missing.
    visit.submit("Save decision record")
    summary = page.locator(".govuk-error-summary")
    assert "There is a problem" in summary.inner_text()

    page.get_by_label("Decision maker (meeting)").select_option(
        str(business.meeting.pk)
    )
    # The date of its meeting (a decision is dated as the meeting that took it).
    decided = timezone.localtime(business.meeting.starts_at).date()
    page.get_by_label("Date of decision").fill(decided.isoformat())
    page.get_by_label("Title").fill("Adoption of the Digital Inclusion Plan")
    page.get_by_label("Record of the decision").fill("Cabinet considered the report.")
    page.get_by_label("Reasons for the decision").fill("To close the digital divide.")
    page.locator("#id_resolutions-0-text").fill("The plan is adopted.")
    visit.submit("Save decision record")
    assert "Draft" in page.locator("main").inner_text()

    page.get_by_role("link", name="Publish the decision").click()
    visit.check()
    visit.submit("Publish the decision")
    main = page.locator("main").inner_text()
    assert "Published, subject to call-in" in main
    decision = DecisionRecord.objects.get(
        title="Adoption of the Digital Inclusion Plan"
    )
    assert decision.deadline_text in main
    assert "not later than midnight on" in decision.deadline_text

    # The member reads it, and finds it in the list.
    visit.submit("Sign out")
    visit.sign_in("member")
    visit.goto("/decisions/")
    page.get_by_role("link", name="Adoption of the Digital Inclusion Plan").click()
    visit.check()
    assert decision.deadline_text in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Correct the record").count() == 0


def test_meetings_reports_and_forward_plan_pages_are_accessible(visit, cast):
    business = build_business(cast)
    # Called in yesterday evening (recorded today): its outcome page asks for
    # the meeting that heard it.
    called_in = DECISION_PATH.perform(
        publish(make_decision(business.meeting, "Called-in decision"), cast.clerk),
        "call_in",
        cast.clerk,
        inputs={
            "called_in_by": "Councillor Adams",
            "called_in_at": timezone.now() - timedelta(minutes=30),
        },
    )
    visit.sign_in("clerk")
    for path in [
        "/meetings/",
        "/meetings/?when=upcoming",
        f"/meetings/{business.meeting.pk}/",
        f"/meetings/{business.meeting.pk}/edit/",
        f"/meetings/{business.meeting.pk}/agenda/",
        "/meetings/add/",
        f"/reports/{business.report.pk}/",
        f"/reports/{business.report.pk}/edit/",
        "/reports/add/",
        "/decisions/?status=published&key_decision=no",
        "/decisions/forward-plan/",
        f"/decisions/{business.published_decision.pk}/",
        f"/decisions/{business.published_decision.pk}/edit/",
        f"/decisions/{business.published_decision.pk}/call_in/",
        f"/decisions/{called_in.pk}/",
        f"/decisions/{called_in.pk}/record_outcome/",
        f"/decisions/{business.draft_decision.pk}/edit/",
    ]:
        response = visit.goto(path)
        assert response.status == 200, path


def test_administrator_adds_a_call_in_rule_and_a_closure_day(visit, cast):
    business = build_business(cast)
    visit.sign_in("administrator")
    visit.goto("/council/ashdown/")
    page = visit.page
    page.get_by_role("link", name="Add a call-in rule").click()
    visit.check()
    page.get_by_label("Applies to decisions published on or after").fill("2031-04-01")
    page.get_by_label("Call-in period (days)").fill("-3")
    visit.submit("Add rule")
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Call-in period (days)").fill("10")
    page.get_by_label("calendar days").check()
    visit.submit("Add rule")
    assert "10 calendar days" in page.locator("main").inner_text()

    page.get_by_role("link", name="Add a closure day").click()
    visit.check()
    page.get_by_label("Date").fill("2031-12-30")
    page.get_by_label("Description").fill("Christmas shutdown")
    visit.submit("Add closure day")
    assert "Christmas shutdown" in page.locator("main").inner_text()
    page.get_by_role("link", name="Remove 30 December 2031").click()
    visit.check()
    visit.submit("Remove closure day")
    assert business.closure_day.description in page.locator("main").inner_text()
