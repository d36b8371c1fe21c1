"""A council paper's real route replayed in the browser, counting what is
typed: an annual workplan that goes straight to a Finance Committee, with no
pre-decision scrutiny (as the annual workplan report among the papers the
product was designed from did). Nothing the record already holds is typed
again: the report starts from the workplan, the decision from the report."""

from datetime import timedelta

from django.utils import timezone

from decisions.choices import CommitteeKind
from decisions.models import CommitteeMember, DecisionRecord, Report
from governance.choices import PostKind
from governance.lifecycle import LifecycleStatus

from ..base import (
    build_business,
    make_committee,
    make_item,
    make_meeting,
    make_post,
    make_workplan,
)


class Typing:
    """Every value typed into the pages, in order."""

    def __init__(self, page):
        self.page = page
        self.values = []

    def fill(self, locator, value):
        self.values.append(value)
        locator.fill(value)


def test_a_workplan_goes_straight_to_the_finance_committee(visit, cast):
    business = build_business(cast)
    council = cast.council_a
    finance = make_committee(
        council, "Finance Committee", CommitteeKind.DECISION_MAKING
    )
    CommitteeMember.objects.create(committee=finance, name="Councillor P. Jones")
    meeting = make_meeting(finance, timezone.now() - timedelta(days=1))
    workplan = make_workplan(cast, business.approved_strategy, 2024)
    for reference in ("FC-01", "FC-02"):
        make_item(cast, workplan, reference)
    director = make_post(
        council, "Director of Corporate Services", holder_name="Jo Lee"
    )
    contact = make_post(
        council, "Head of Technology", PostKind.HEAD_OF_SERVICE, holder_name="Sam Ray"
    )
    strategy = business.approved_strategy
    strategy.director = director
    strategy.save(update_fields=["director"])
    page = visit.page
    typing = Typing(page)

    # The clerk sets the council's route for workplans: no scrutiny; the
    # Finance Committee approves.
    visit.sign_in("clerk")
    visit.goto(f"/council/{council.slug}/")
    page.get_by_role("link", name="Change the route for annual workplans").click()
    visit.check()
    page.get_by_label("Not used: drafts go straight to the decision maker").check()
    page.get_by_label("Cabinet", exact=True).uncheck()
    page.get_by_label("Finance Committee", exact=True).check()
    typing.fill(page.get_by_label("Reason for the change"), "Constitution, part 3")
    visit.submit("Save")
    assert "Route for annual workplans saved." in page.locator("main").inner_text()
    page.context.clear_cookies()

    # The officer sends the draft for decision (scrutiny is not offered),
    # then writes the report from the workplan's page.
    visit.sign_in("officer")
    visit.goto(workplan.get_absolute_url())
    assert page.get_by_role("link", name="Send to scrutiny").count() == 0
    page.get_by_role("link", name="Send for decision").click()
    visit.check()
    assert "Finance Committee" in page.locator("main").inner_text()
    # It went to the committee's papers a week before the meeting.
    sent = timezone.localdate() - timedelta(days=8)
    typing.fill(page.get_by_label("Date it was sent for decision"), sent.isoformat())
    visit.submit("Send for decision")
    assert "Awaiting approval" in page.locator("main").inner_text()
    page.get_by_role("link", name="Write a report to committee").click()
    visit.check()
    title = page.get_by_label("Title", exact=True).input_value()
    assert str(workplan.financial_year) in title
    assert page.locator("#id_recommendations-0-text").input_value()
    # The report is the strategy's director's; the officer chooses who to
    # contact (choosing from the council's posts is not typing).
    assert page.get_by_label("Report of", exact=True).input_value() == str(director.pk)
    page.get_by_label("Contact officer", exact=True).select_option(str(contact.pk))
    typing.fill(
        page.get_by_label("Reasons for the recommendations"),
        "The plan delivers the strategy's third year within budget.",
    )
    visit.submit("Save report")
    report = Report.objects.get(title=title)
    page.context.clear_cookies()

    # The clerk places it on the agenda of yesterday's Finance Committee
    # (the item takes the report's title), records the decision from it and
    # publishes it.
    visit.sign_in("clerk")
    visit.goto(f"/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Change the agenda").click()
    visit.check()
    page.locator("#id_agenda_items-0-report").select_option(str(report.pk))
    visit.submit("Save agenda")
    page.get_by_role("link", name=title).click()
    visit.check()
    page.get_by_role("link", name="Record the decision").click()
    visit.check()
    assert page.get_by_label("Title", exact=True).input_value() == title
    assert page.locator("#id_resolutions-0-text").input_value()
    typing.fill(
        page.get_by_label("Record of the decision"),
        "The committee considered the report and agreed the recommendations.",
    )
    visit.submit("Save decision record")
    page.get_by_role("link", name="Publish the decision").click()
    visit.check()
    visit.submit("Publish the decision")
    decision = DecisionRecord.objects.get(report=report)
    assert decision.meeting == meeting
    assert decision.names(workplan)

    # The clerk records the approval: only the Finance Committee's decision
    # is offered.
    visit.goto(workplan.get_absolute_url())
    page.get_by_role("link", name="Record the approval").click()
    visit.check()
    options = page.get_by_label("The decision that approves it").locator("option")
    assert options.all_inner_texts() == [decision.title]
    assert decision.meeting.committee == finance
    visit.submit("Record the approval")
    workplan.refresh_from_db()
    assert workplan.status == LifecycleStatus.APPROVED
    assert workplan.approving_decision == decision

    # Four values typed in all, none of them twice, and none the record
    # already held (its title, the recommendations, the resolutions).
    assert len(typing.values) == len(set(typing.values)) == 4
