"""A clerk records and publishes a decision; a member reads it; pages pass axe."""

from datetime import timedelta

import pytest
from django.utils import timezone

from decisions.decision_path import DECISION_PATH
from decisions.models import DecisionRecord

from ..base import build_business, make_decision, publish
from .dates import fill_date


@pytest.mark.journeys
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
    fill_date(page, "Date of decision", decided)
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


@pytest.mark.journeys
def test_administrator_adds_a_call_in_rule_and_a_closure_day(visit, cast):
    business = build_business(cast)
    visit.sign_in("administrator")
    visit.goto("/council/ashdown/")
    page = visit.page
    page.get_by_role("link", name="Add a call-in rule").click()
    visit.check()
    fill_date(page, "Applies to decisions published on or after", "2031-04-01")
    page.get_by_label("Call-in period (days)").fill("-3")
    visit.submit("Add rule")
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Call-in period (days)").fill("10")
    page.get_by_label("calendar days").check()
    visit.submit("Add rule")
    assert "10 calendar days" in page.locator("main").inner_text()

    page.get_by_role("link", name="Add closure days").click()
    visit.check()
    # A wrong date: GOV.UK's message, only the wrong box in error, and the
    # summary's link takes the cursor to it.
    first_day = page.get_by_role("group", name="First day closed")
    first_day.get_by_label("Day").fill("31")
    first_day.get_by_label("Year").fill("2031")
    page.get_by_label("Description").fill("Christmas shutdown")
    visit.submit("Add closure days")
    summary = page.locator(".govuk-error-summary")
    assert "First day closed must include a month" in summary.inner_text()
    assert page.locator(".govuk-date-input .govuk-input--error").count() == 1
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.name") == "first_day-month"
    fill_date(page, "First day closed", "2031-12-30")
    visit.submit("Add closure days")
    assert "Christmas shutdown" in page.locator("main").inner_text()
    page.get_by_role("link", name="Remove 30 December 2031").click()
    visit.check()
    visit.submit("Remove closure day")
    assert business.closure_day.description in page.locator("main").inner_text()


@pytest.mark.journeys
def test_an_officer_writes_a_report_from_a_strategy_and_the_clerk_records_its_decision(
    visit, cast
):
    from decisions.models import Committee, Report
    from governance.choices import PostKind
    from strategy.lifecycle import STRATEGY_LIFECYCLE

    from ..base import make_meeting, make_post

    business = build_business(cast)
    strategy = business.draft_strategy
    STRATEGY_LIFECYCLE.perform(
        strategy, "submit", cast.officer, inputs={"meeting": business.scrutiny_meeting}
    )
    STRATEGY_LIFECYCLE.perform(
        strategy,
        "record_scrutiny",
        cast.clerk,
        inputs={"outcome": "endorsed", "committee_comments": ""},
    )
    cabinet = Committee.objects.get(organisation=cast.council_a, name="Cabinet")
    meeting = make_meeting(cabinet, timezone.now() - timedelta(days=1))
    director = make_post(
        cast.council_a, "Director of Resources", holder_name="Pat Dean"
    )
    contact = make_post(
        cast.council_a,
        "Head of ICT",
        PostKind.HEAD_OF_SERVICE,
        holder_name="Priya Shah",
    )
    page = visit.page

    # The officer writes the report from the strategy's page: its title,
    # purpose, summary and recommendation are there already.
    visit.sign_in("officer")
    visit.goto(strategy.get_absolute_url())
    page.get_by_role("link", name="Write a report to committee").click()
    visit.check()
    assert page.get_by_label("Title", exact=True).input_value() == strategy.title
    assert "be approved" in page.locator("#id_recommendations-0-text").input_value()
    page.get_by_label("Report of", exact=True).select_option(str(director.pk))
    page.get_by_label("Contact officer", exact=True).select_option(str(contact.pk))
    page.get_by_label("Reasons for the recommendations").fill(
        "The current strategy ends this year."
    )
    visit.submit("Save report")
    report = Report.objects.get(title=strategy.title)
    visit.goto("/reports/?placed=no")
    assert strategy.title in page.locator("main").inner_text()
    visit.submit("Sign out")

    # The clerk places it on the agenda of the meeting held yesterday (its
    # title comes with it), then records the decision from it.
    visit.sign_in("clerk")
    visit.goto(f"/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Change the agenda").click()
    visit.check()
    page.locator("#id_agenda_items-0-report").select_option(str(report.pk))
    visit.submit("Save agenda")
    page.get_by_role("link", name=strategy.title).click()
    visit.check()
    page.get_by_role("link", name="Record the decision").click()
    visit.check()
    assert page.get_by_label("Title", exact=True).input_value() == strategy.title
    assert (
        page.get_by_label("Reasons for the decision").input_value()
        == "The current strategy ends this year."
    )
    page.locator("#id_resolutions-0-text").fill(
        f"That the {strategy.title} be approved, with the addition of a theme on data."
    )
    visit.submit("Save decision record")
    main = page.locator("main").inner_text()
    assert "with the addition of a theme on data" in main
    assert "Draft" in main

    # A report whose meeting is still to come: not yet.
    response = visit.goto(f"/reports/{business.unpublished_report.pk}/record-decision/")
    assert response.status == 409


@pytest.mark.journeys
def test_clerk_runs_committees_rules_closures_and_a_deadline_in_the_app(visit, cast):
    business = build_business(cast)
    visit.sign_in("clerk")
    visit.goto("/council/ashdown/")
    page = visit.page

    # A committee: decision-making with no members is refused, then added.
    page.get_by_role("link", name="Committees, their members").click()
    visit.check()
    page.get_by_role("link", name="Add a committee").click()
    visit.check()
    page.get_by_label("Name", exact=True).fill("Finance Committee")
    page.get_by_label("Decision-making committee").check()
    visit.submit("Save committee")
    assert "must have members" in page.locator(".govuk-error-summary").inner_text()
    page.locator("#id_members-0-name").fill("Councillor P. Jones")
    page.locator("#id_members-0-role").select_option("chair")
    # One row to start with; another is added in place, with no Delete box.
    assert page.locator("#id_members-1-name").count() == 0
    page.get_by_role("button", name="Add another councillor").click()
    page.locator("#id_members-1-name").fill("Councillor R. Patel")
    assert page.get_by_label("Delete").count() == 0
    visit.submit("Save committee")
    assert "Councillor P. Jones (Chair)" in page.locator("main").inner_text()

    # A rule from the form's defaults, ending at 4pm and taking effect then;
    # not yet used, so it can be corrected.
    visit.goto("/council/ashdown/")
    page.get_by_role("link", name="Add a call-in rule").click()
    visit.check()
    fill_date(page, "Applies to decisions published on or after", "2031-04-01")
    page.get_by_label("Cut-off time on the last day").fill("25pm")
    visit.submit("Add rule")
    assert "Enter the cut-off" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Cut-off time on the last day").fill("4pm")
    page.get_by_label("at the cut-off on the last day").check()
    visit.submit("Add rule")
    assert (
        "takes effect at the cut-off on the last day"
        in page.locator("main").inner_text()
    )
    page.get_by_role("link", name="Correct the rule from 1 April 2031").click()
    visit.check()
    page.get_by_label("Call-in period (days)").fill("10")
    page.get_by_label("Reason for the change").fill("Ten days in the constitution")
    visit.submit("Save the corrected rule")
    assert "10 working days" in page.locator("main").inner_text()

    # A closure period in one go; a bank holiday worked, then not.
    page.get_by_role("link", name="Add closure days").click()
    visit.check()
    fill_date(page, "First day closed", "2031-12-24")
    fill_date(page, "Last day closed", "2031-12-31")
    page.get_by_label("Description").fill("Christmas shutdown")
    visit.submit("Add closure days")
    assert (
        "8 closure days added"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    page.get_by_role("link", name="Mark a bank holiday as a working day").click()
    visit.check()
    page.locator("input[name=date]").first.check()
    visit.submit("Mark as a working day")
    section = page.locator("main").inner_text()
    assert "None: every bank holiday is skipped" not in section
    page.locator("a", has_text="Remove").last.click()
    visit.check()
    visit.submit("No longer a working day")

    # One decision's deadline, set with a reason, shown on its page.
    decision = business.published_decision
    visit.goto(f"/decisions/{decision.pk}/")
    page.get_by_role("link", name="Change the call-in deadline").click()
    visit.check()
    later = decision.call_in_last_day + timedelta(days=7)
    fill_date(page, "New last day for call-in", later)
    page.get_by_label("Time on that day").fill("4.00 pm")
    page.get_by_label("Why is the deadline being changed?").fill(
        "Not on the website until the next day"
    )
    visit.submit("Change the call-in deadline")
    assert "Not on the website until the next day" in page.locator("main").inner_text()
