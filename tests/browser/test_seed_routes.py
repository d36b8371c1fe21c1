"""The five council papers the product was designed from, replayed in the
browser along each one's real route, counting what is typed:

- a strategy that replaces an earlier one, straight to Cabinet, with the
  council's own implication heading and a "Consultation undertaken" section
  (the clerk sets them on the report template);
- a refreshed strategy prepared as a replacement, straight to Cabinet, with
  the council's implication headings and lettered recommendations;
- a Cabinet decision record published under the council's call-in rule,
  entered through the rule form, whose deadline is the paper's;
- a draft strategy sent to scrutiny first, its outcome recorded, then
  approved by Cabinet;
- an annual workplan that goes straight to a Finance Committee.

Each journey goes through the real pages from the record's page, with axe on
every page. Nothing the record already holds is typed again: the report
starts from the record (its title, purpose and recommendations), the agenda
item from the report, the decision from the report and its meeting (title,
resolutions, reasons, decision date); `Typing` records every value typed and
each test asserts that none is typed twice. The councils and people are
fictional."""

from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from decisions.call_in import LONDON
from decisions.choices import CommitteeKind
from decisions.models import (
    CallInRule,
    Committee,
    CommitteeMember,
    DecisionRecord,
    Report,
)
from governance.choices import PostKind
from governance.history import save_with_reason
from governance.lifecycle import LifecycleStatus
from governance.routes import RecordType, Route, Scrutiny
from strategy.models import Strategy

from ..base import (
    approve_strategy,
    build_business,
    make_committee,
    make_item,
    make_meeting,
    make_post,
    make_strategy,
    make_workplan,
    sign_in,
)
from .dates import date_value, fill_date

#: Whole council papers replayed page by page: minutes in all, so run by
#: `make test-faults` (and CI) rather than `make test`.
pytestmark = pytest.mark.journeys


class Typing:
    """Every value typed into the pages, in order."""

    def __init__(self, page):
        self.page = page
        self.values = []
        # A field that is not there fails in seconds, not half a minute.
        page.set_default_timeout(10_000)

    def fill(self, locator, value):
        self.values.append(value)
        locator.fill(value)

    def fill_date(self, legend, day):
        self.values.append(str(day))
        fill_date(self.page, legend, day)


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
    typing.fill_date("Date it was sent for decision", sent)
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


# --- the strategies' journeys, step by step ------------------------------------------


def committee(council, name):
    return Committee.objects.get(organisation=council, name=name)


def posts(council, director_title):
    """The director whose reports these are, and the head of service the
    reports give as contact."""
    director = make_post(council, director_title, holder_name="Jo Lee")
    contact = make_post(
        council, "Head of Technology", PostKind.HEAD_OF_SERVICE, holder_name="Sam Ray"
    )
    return director, contact


def straight_to_cabinet(council):
    """The council's route for strategies, set before the test: no
    pre-decision scrutiny; Cabinet approves. (The first test sets it through
    the page.)"""
    route = save_with_reason(
        Route(
            organisation=council,
            record_type=RecordType.STRATEGY,
            scrutiny=Scrutiny.NOT_USED,
        ),
        user=None,
        reason="Test set-up",
    )
    route.approving_committees.set([committee(council, "Cabinet")])


def approved_earlier(cast, title, start, end, director):
    """The strategy a refreshed one replaces: approved by Cabinet years ago
    after scrutiny (the council's route then)."""
    council = cast.council_a
    earlier = timezone.now() - timedelta(days=3 * 365)
    held = SimpleNamespace(
        scrutiny_meeting=make_meeting(
            committee(council, "Overview and Scrutiny Committee"),
            earlier - timedelta(days=14),
        ),
        meeting=make_meeting(committee(council, "Cabinet"), earlier),
    )
    strategy = make_strategy(cast, title, start=start, end=end, director=director)
    return approve_strategy(strategy, cast, held)


def sign_in_as(visit, username):
    """The browser signed in as `username`, second factor passed, without
    the sign-in pages (tests/browser/test_sign_in.py has them): each page
    costs an axe run, and a journey changes hands several times."""
    client = sign_in(Client(), get_user_model().objects.get(username=username))
    name = settings.SESSION_COOKIE_NAME
    visit.page.context.clear_cookies()
    visit.page.context.add_cookies(
        [{"name": name, "value": client.cookies[name].value, "url": visit.base_url}]
    )


def open_page(visit, path):
    """Go to `path` unless the journey is on it already (each page costs an
    axe run)."""
    if visit.page.url != visit.url(path):
        visit.goto(path)


def click(visit, name, **options):
    """Follow the link called `name` and check the page it opens."""
    with visit.page.expect_navigation():
        visit.page.get_by_role("link", name=name, **options).click()
    visit.check()


def send_for_decision(visit, typing, record, sent):
    """The officer sends the draft straight to the decision maker (scrutiny
    is not offered); it went to Cabinet's papers on the date `sent` (the
    journey is recorded after the meeting, as a clerk catching up would)."""
    page = visit.page
    open_page(visit, record.get_absolute_url())
    assert page.get_by_role("link", name="Send to scrutiny").count() == 0
    click(visit, "Send for decision")
    assert "Cabinet" in page.locator("main").inner_text()
    typing.fill_date("Date it was sent for decision", sent)
    visit.submit("Send for decision")
    assert "Awaiting approval" in visit.page.locator("main").inner_text()


def write_report(visit, typing, record, contact, *, texts, more=()):
    """The officer writes the report from the record's page: its title and
    first recommendation are there already; the officer chooses the contact,
    adds recommendations `more` and types `texts` (label: value). Returns the
    saved report and its first recommendation."""
    page = visit.page
    open_page(visit, record.get_absolute_url())
    click(visit, "Write a report to committee")
    assert page.get_by_label("Title", exact=True).input_value() == record.title
    first = page.locator("#id_recommendations-0-text").input_value()
    assert record.title in first
    assert page.get_by_label("Report of", exact=True).input_value() == str(
        record.director_id
    )
    page.get_by_label("Contact officer", exact=True).select_option(str(contact.pk))
    for number, text in enumerate(more, start=1):
        page.get_by_role("button", name="Add another recommendation").click()
        typing.fill(page.locator(f"#id_recommendations-{number}-text"), text)
    for label, value in texts.items():
        typing.fill(page.get_by_label(label), value)
    visit.submit("Save report")
    assert "There is a problem" not in page.locator("main").inner_text()
    report = Report.objects.filter(title=record.title).latest("pk")
    assert [row.text for row in report.recommendations.all()] == [first, *more]
    return report


def place_on_agenda(visit, meeting, report):
    """The clerk places the report on the meeting's agenda: the item takes
    the report's title."""
    visit.goto(meeting.get_absolute_url())
    click(visit, "Change the agenda")
    visit.page.locator("#id_agenda_items-0-report").select_option(str(report.pk))
    visit.submit("Save agenda")
    assert meeting.agenda_items.get().title == report.title


def record_the_decision(visit, typing, meeting, report, record_text, published=None):
    """The clerk records the decision from the report on the held meeting's
    agenda (title, resolutions, reasons and date are there already) and
    publishes it (now, or at `published`, a local datetime). Returns it."""
    page = visit.page
    open_page(visit, meeting.get_absolute_url())
    click(visit, report.title, exact=True)
    click(visit, "Record the decision")
    assert page.get_by_label("Title", exact=True).input_value() == report.title
    resolutions = page.locator("textarea[id^=id_resolutions-][id$=-text]")
    assert resolutions.evaluate_all("rows => rows.map(row => row.value)") == [
        row.text for row in report.recommendations.all()
    ]
    assert page.get_by_label("Reasons for the decision").input_value() == (
        report.reasons
    )
    meeting_day = timezone.localtime(meeting.starts_at, LONDON).date()
    assert date_value(page, "Date of decision") == (
        f"{meeting_day.day} {meeting_day.month} {meeting_day.year}"
    )
    typing.fill(page.get_by_label("Record of the decision"), record_text)
    visit.submit("Save decision record")
    click(visit, "Publish the decision")
    if published is not None:
        fill_date(page, "Date of publication", published.date())
        page.get_by_label("Time of publication").fill(published.strftime("%H:%M"))
    visit.submit("Publish the decision")
    decision = DecisionRecord.objects.get(report=report)
    assert decision.meeting == meeting
    assert decision.decision_date == meeting_day
    return decision


def record_the_approval(visit, record, decision):
    """The clerk records that the published decision approves the record."""
    visit.goto(record.get_absolute_url())
    click(visit, "Record the approval")
    options = visit.page.get_by_label("The decision that approves it")
    assert decision.title in options.locator("option").all_inner_texts()
    options.select_option(str(decision.pk))
    visit.submit("Record the approval")
    record.refresh_from_db()
    assert record.status == LifecycleStatus.APPROVED
    assert record.approving_decision == decision


def add_heading(visit, typing, name, *, section=False):
    """The clerk adds a heading to the council's report template."""
    open_page(visit, f"/council/{visit.council.slug}/report-template/")
    click(visit, "Add a heading")
    if section:
        visit.page.get_by_label("A section of the report").check()
    typing.fill(visit.page.get_by_label("Heading", exact=True), name)
    visit.submit("Save heading")
    assert name in visit.page.locator("main").inner_text()


# --- the papers ----------------------------------------------------------------------


def test_a_replacement_strategy_goes_straight_to_cabinet(visit, cast):
    """A revised two-year strategy replacing a five-year one that no longer
    fits: no scrutiny; the council's reports carry its corporate-plan
    implication and a "Consultation undertaken" section."""
    council = cast.council_a
    visit.council = council
    director, contact = posts(council, "Director of Resources")
    old = approved_earlier(cast, "ICT Strategy 2018–2023", 2018, 2023, director)
    strategy = make_strategy(
        cast,
        "ICT Strategy 2020–2022",
        start=2020,
        end=2022,
        replaces=old,
        director=director,
    )
    meeting = make_meeting(
        committee(council, "Cabinet"), timezone.now() - timedelta(days=1)
    )
    page = visit.page
    typing = Typing(page)

    # The clerk sets the route (no scrutiny for strategies) and the report
    # template (the council's own implication heading and section).
    sign_in_as(visit, "clerk")
    visit.goto(f"/council/{council.slug}/")
    click(visit, "Change the route for strategies")
    page.get_by_label("Not used: drafts go straight to the decision maker").check()
    typing.fill(page.get_by_label("Reason for the change"), "Constitution, part 4")
    visit.submit("Save")
    assert "Route for strategies saved." in page.locator("main").inner_text()
    add_heading(visit, typing, "Safer, Cleaner and Greener")
    add_heading(visit, typing, "Consultation undertaken", section=True)

    # The officer sends the draft to Cabinet and writes the report: it asks
    # for approval of the new strategy in place of the old, by name.
    sign_in_as(visit, "officer")
    send_for_decision(visit, typing, strategy, timezone.localdate() - timedelta(8))
    reasons = "The current strategy was written in 2017 and no longer fits."
    report = write_report(
        visit,
        typing,
        strategy,
        contact,
        texts={
            "Reasons for the recommendations": reasons,
            "Other options considered": "Keeping the 2018–2023 strategy: rejected.",
            "Financial implications": "£1.2m is allocated for 2020–2022.",
            "Safer, Cleaner and Greener implications": "None.",
            "Consultation undertaken": "Service directors and managers, informally.",
        },
    )
    recommendation = report.recommendations.get().text
    assert "replacing the ICT Strategy 2018–2023" in recommendation
    open_page(visit, report.get_absolute_url())
    main = page.locator("main").inner_text()
    assert "Safer, Cleaner and Greener" in main
    assert "Consultation undertaken" in main

    # The clerk places it, publishes the agenda (its papers kept as sent),
    # records and publishes Cabinet's decision, and records the approval:
    # the old strategy is superseded.
    sign_in_as(visit, "clerk")
    place_on_agenda(visit, meeting, report)
    click(visit, "Change meeting details")
    page.get_by_label("agenda published").check()
    visit.submit("Save")
    assert "are kept as they were sent" in page.content()
    decision = record_the_decision(
        visit, typing, meeting, report, "Cabinet agreed the replacement strategy."
    )
    assert decision.reasons == reasons
    assert decision.names(strategy)
    record_the_approval(visit, strategy, decision)
    old.refresh_from_db()
    assert old.status == LifecycleStatus.SUPERSEDED

    # Ten values typed, none twice; the title, recommendation, reasons and
    # date were never typed.
    assert len(typing.values) == len(set(typing.values)) == 10


def test_a_refreshed_strategy_prepared_as_a_replacement_goes_to_cabinet(visit, cast):
    """The refreshed strategy, prepared from the one it replaces, straight
    to Cabinet; the council's implication headings (its community plan,
    efficiency, "Diversity"); recommendations lettered (a), (b), (c)."""
    council = cast.council_a
    visit.council = council
    director, contact = posts(council, "Director of Corporate Services")
    old = approved_earlier(cast, "ICT Strategy 2007–2010", 2007, 2010, director)
    straight_to_cabinet(council)
    meeting = make_meeting(
        committee(council, "Cabinet"), timezone.now() - timedelta(days=1)
    )
    page = visit.page
    typing = Typing(page)

    # The clerk sets the council's headings and lettering.
    sign_in_as(visit, "clerk")
    visit.goto(f"/council/{council.slug}/")
    click(visit, "Change how recommendations and resolutions are numbered")
    page.get_by_label("(a), (b), (c)").check()
    typing.fill(page.get_by_label("Reason for the change"), "Standing orders")
    visit.submit("Save")
    assert "Numbering saved." in page.locator("main").inner_text()
    add_heading(visit, typing, "One Ashdown: Well Placed")
    add_heading(visit, typing, "Efficiency")
    click(visit, "Change Equality and diversity")
    typing.fill(page.get_by_label("Heading", exact=True), "Diversity")
    typing.fill(page.get_by_label("Reason for the change"), "As our constitution")
    visit.submit("Save heading")

    # The officer prepares the replacement under its new title, sends it to
    # Cabinet and writes the report, adding two recommendations.
    sign_in_as(visit, "officer")
    visit.goto(old.get_absolute_url())
    click(visit, "Prepare a replacement")
    typing.fill(page.get_by_label("Title"), "ICT Strategy 2009–2011")
    visit.submit("Create the draft replacement")
    strategy = Strategy.objects.get(replaces=old)
    assert strategy.director == director
    send_for_decision(visit, typing, strategy, timezone.localdate() - timedelta(9))
    report = write_report(
        visit,
        typing,
        strategy,
        contact,
        more=[
            "That Cabinet notes the strategy's resourcing needs for the medium "
            "term financial plan.",
            "That the Director of Corporate Services may make minor changes, "
            "with the portfolio holder.",
        ],
        texts={
            "Reasons for the recommendations": "A clear, achievable strategy "
            "underpins the council's services.",
            "Sustainability implications": "A new architecture uses less energy.",
            "Diversity implications": "No impact on diversity.",
            "One Ashdown: Well Placed implications": "Supports the community strategy.",
            "Efficiency implications": "Supports the efficiency programme.",
        },
    )
    assert "replacing the ICT Strategy 2007–2010" in report.recommendations.first().text

    # The clerk places it, records and publishes the decision (its three
    # resolutions lettered), and records the approval.
    sign_in_as(visit, "clerk")
    place_on_agenda(visit, meeting, report)
    decision = record_the_decision(
        visit, typing, meeting, report, "Cabinet approved the refreshed strategy."
    )
    assert "(c)" in page.locator("main").inner_text()
    record_the_approval(visit, strategy, decision)
    old.refresh_from_db()
    assert old.status == LifecycleStatus.SUPERSEDED

    assert len(typing.values) == len(set(typing.values)) == 15


def test_a_cabinet_decision_is_published_with_the_councils_call_in_deadline(
    visit, cast
):
    """Taken by Cabinet on Thursday 27 September 2007, published on Monday 1
    October under five working days counting the day of publication: call-in
    ends at midnight on Friday 5 October 2007, as the paper says."""
    council = cast.council_a
    visit.council = council
    # The council has no call-in rule until the clerk enters it.
    CallInRule.objects.filter(organisation=council).delete()
    director, contact = posts(council, "Director of Resources")
    straight_to_cabinet(council)
    strategy = make_strategy(
        cast, "ICT Strategy 2007–2017", start=2007, end=2017, director=director
    )
    meeting = make_meeting(
        committee(council, "Cabinet"),
        datetime(2007, 9, 27, 16, 30, tzinfo=LONDON),
    )
    page = visit.page
    typing = Typing(page)

    # The clerk enters the rule: the form's defaults (5 working days, the
    # end of the day, taking effect the next day) but for the one thing the
    # constitution says otherwise, that the day of publication is day one.
    sign_in_as(visit, "clerk")
    visit.goto(f"/council/{council.slug}/")
    click(visit, "Add a call-in rule")
    assert page.get_by_label("Call-in period (days)").input_value() == "5"
    typing.fill_date("Applies to decisions published on or after", "2007-04-01")
    page.get_by_label("The day of publication (or of the decision) counts").check()
    visit.submit("Add rule")
    assert "5 working days" in page.locator("main").inner_text()

    # The officer sends the strategy to Cabinet and writes the report.
    sign_in_as(visit, "officer")
    send_for_decision(visit, typing, strategy, date(2007, 9, 17))
    report = write_report(
        visit,
        typing,
        strategy,
        contact,
        more=[
            "That members consider the strategy's funding when approving the "
            "medium term financial plan."
        ],
        texts={
            "Reasons for the recommendations": "A strategy is needed to direct "
            "and govern ICT investment and projects.",
        },
    )

    # The clerk places it, records the decision and publishes it on the
    # Monday morning.
    sign_in_as(visit, "clerk")
    place_on_agenda(visit, meeting, report)
    decision = record_the_decision(
        visit,
        typing,
        meeting,
        report,
        "Cabinet considered the strategy and the funds needed to start it.",
        published=datetime(2007, 10, 1, 9, 0),
    )
    assert decision.decision_date == date(2007, 9, 27)
    deadline = "not later than midnight on Friday 5 October 2007"
    assert decision.deadline_text == deadline
    assert deadline in page.locator("main").inner_text()
    record_the_approval(visit, strategy, decision)

    assert len(typing.values) == len(set(typing.values)) == 5


def test_a_draft_strategy_goes_to_scrutiny_first_then_cabinet(visit, cast):
    """The council's default route: the scrutiny committee is asked to
    comment on the draft and endorse it; its outcome is recorded; then
    Cabinet approves it on a report of its own."""
    council = cast.council_a
    visit.council = council
    director, contact = posts(council, "Assistant Director of Customer Services")
    strategy = make_strategy(
        cast, "ICT Strategy 2017–2020", start=2017, end=2020, director=director
    )
    now = timezone.now()
    scrutiny = make_meeting(
        committee(council, "Overview and Scrutiny Committee"),
        now - timedelta(days=10),
    )
    cabinet = make_meeting(committee(council, "Cabinet"), now - timedelta(days=1))
    page = visit.page
    typing = Typing(page)

    # The officer sends the draft to the scrutiny committee's meeting and
    # writes the report asking it to comment and endorse.
    sign_in_as(visit, "officer")
    visit.goto(strategy.get_absolute_url())
    assert page.get_by_role("link", name="Send for decision").count() == 0
    click(visit, "Send to scrutiny")
    page.get_by_label("Scrutiny committee meeting").select_option(str(scrutiny.pk))
    visit.submit("Send to scrutiny")
    first = write_report(
        visit,
        typing,
        strategy,
        contact,
        more=["That the committee receives updates in its future work plans."],
        texts={
            "Reasons for the recommendations": "Scrutiny members are consulted "
            "on a strategy that shapes front-line services.",
        },
    )
    assert "endorses it for approval" in first.recommendations.first().text

    # The clerk places it on the scrutiny committee's agenda and records its
    # outcome on the strategy.
    sign_in_as(visit, "clerk")
    place_on_agenda(visit, scrutiny, first)
    visit.goto(strategy.get_absolute_url())
    click(visit, "Record the scrutiny outcome")
    page.get_by_label("Endorsed with comments").check()
    comments = "Measure customers' experience of the service from the start."
    typing.fill(page.get_by_label("The committee's comments"), comments)
    visit.submit("Record the scrutiny outcome")

    # The officer writes Cabinet's report: it now asks for approval, and
    # says what scrutiny said (the clerk typed it once).
    sign_in_as(visit, "officer")
    second = write_report(
        visit,
        typing,
        strategy,
        contact,
        texts={"Reasons for the recommendations": "It guides ICT to 2020."},
    )
    assert second.recommendations.get().text.endswith("be approved.")
    assert second.summary.endswith(f"endorsed it, commenting: {comments}")

    # The clerk places it on Cabinet's agenda, records and publishes the
    # decision, and records the approval.
    sign_in_as(visit, "clerk")
    place_on_agenda(visit, cabinet, second)
    decision = record_the_decision(
        visit, typing, cabinet, second, "Cabinet approved the strategy."
    )
    record_the_approval(visit, strategy, decision)

    assert len(typing.values) == len(set(typing.values)) == 5
