"""Clerks run democratic services settings in the app: call-in rules entered
through the form (with its defaults), corrected or withdrawn; closure
periods; bank holidays the council works; one decision's deadline set by a
clerk; committees with their members; and who may change all this."""

from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions.call_in import LONDON
from decisions.choices import CommitteeKind
from decisions.models import (
    BankHolidayWorked,
    CallInRule,
    ClosureDay,
    Committee,
    CommitteeMember,
)
from governance.choices import DemocraticSettingsManagers, Role
from governance.events import Event
from governance.history import save_with_reason
from governance.permissions import can
from tests.paper_helpers import flat, read

from ..base import (
    give_role,
    make_call_in_rule,
    make_committee,
    make_decision,
    make_meeting,
    make_person,
    publish,
    with_version,
)
from .test_decision_pages import assert_refused_with_error_summary, snapshot


def url(name, cast, *args):
    return reverse(f"decisions:{name}", args=[cast.council_a.slug, *args])


def as_the_browser_sends(form, **changes):
    """The POST data of `form` left as it was offered (its defaults), with
    `changes` typed over them; a value of None unticks a box."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else str(value)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def add_rule_through_the_form(client, cast, **changes):
    page = client.get(url("call_in_rule_create", cast))
    data = as_the_browser_sends(page.context["form"], **changes)
    response = client.post(url("call_in_rule_create", cast), data)
    assert response.status_code == 302, response.context["form"].errors
    return CallInRule.objects.get(
        organisation=cast.council_a, applies_from=changes["applies_from"]
    )


def decide_and_publish(cast, decided_on, published_at, title="ICT Strategy"):
    cabinet = Committee.objects.get(organisation=cast.council_a, name="Cabinet")
    meeting = make_meeting(
        cabinet, datetime.combine(decided_on, time(18, 0), tzinfo=LONDON)
    )
    decision = make_decision(meeting, title)
    return publish(decision, cast.clerk, published_at=published_at)


# --- real councils' published deadlines, from rules entered through the form --------


def test_the_rule_form_starts_from_the_most_common_convention_and_says_so(
    cast, client_for
):
    page = client_for(cast.clerk).get(url("call_in_rule_create", cast))
    rule = add_rule_through_the_form(
        client_for(cast.clerk), cast, applies_from="2025-01-01"
    )

    assert "5 working days, not counting the day of publication" in flat(
        page.content.decode()
    )
    assert (rule.days, rule.day_kind, rule.counted_from) == (
        5,
        "working",
        "publication",
    )
    assert (rule.first_day_counts, rule.cut_off, rule.takes_effect) == (
        False,
        None,
        "next-day",
    )
    # Worked example: published on Thursday 22 May 2025, with the spring bank
    # holiday on Monday 26 May in the period.
    decision = decide_and_publish(
        cast, date(2025, 5, 21), datetime(2025, 5, 22, 12, 0, tzinfo=LONDON)
    )
    assert decision.deadline_text == "not later than midnight on Friday 30 May 2025"
    assert decision.takes_effect_text == "Saturday 31 May 2025"


def test_stocktons_deadline_of_2007_is_reproduced_by_ticking_one_box(cast, client_for):
    """Stockton-on-Tees Borough Council's Cabinet decision of 27 September
    2007, published on Monday 1 October 2007: "Not later than midnight on
    Friday 5th October 2007". Its rule counts the day of publication."""
    add_rule_through_the_form(
        client_for(cast.clerk), cast, applies_from="2007-01-01", first_day_counts="on"
    )

    decision = decide_and_publish(
        cast, date(2007, 9, 27), datetime(2007, 10, 1, 9, 0, tzinfo=LONDON)
    )

    assert decision.deadline_text == "not later than midnight on Friday 5 October 2007"


@pytest.mark.parametrize(
    ("decided", "published", "deadline", "whole_day"),
    [
        # The Queen's state funeral, Monday 19 September 2022, is skipped.
        (
            date(2022, 9, 15),
            datetime(2022, 9, 16, 12, 0, tzinfo=LONDON),
            "Monday 26 September 2022",
            date(2022, 9, 27),
        ),
        (
            date(2023, 1, 23),
            datetime(2023, 1, 23, 12, 0, tzinfo=LONDON),
            "Monday 30 January 2023",
            date(2023, 1, 31),
        ),
    ],
)
def test_salfords_decisions_take_effect_at_4pm_on_the_fifth_working_day(
    cast, client_for, decided, published, deadline, whole_day
):
    """Salford City Council: "if a decision is not called-in, it becomes
    effective at 4pm on the fifth working day following publication". Its
    published decisions of 15 September 2022 (published 16 September) and
    23 January 2023 (published that day) show "Effective from" 27/09/2022
    and 31/01/2023: the first whole day after 4pm on the fifth working day."""
    add_rule_through_the_form(
        client_for(cast.clerk),
        cast,
        applies_from="2022-01-01",
        cut_off="4pm",
        takes_effect="at-cut-off",
    )

    decision = decide_and_publish(cast, decided, published)

    assert decision.deadline_text == f"not later than 4pm on {deadline}"
    assert decision.takes_effect_text == f"4pm on {deadline}"
    assert timezone.localtime(decision.takes_effect_at, LONDON).date() < whole_day
    assert (
        decision.current_status(datetime.combine(whole_day, time(0), tzinfo=LONDON))
        == "effective"
    )
    assert decision.current_status(decision.call_in_deadline.replace(hour=15)) == (
        "published"
    )


def test_a_decision_can_take_effect_on_the_last_day_itself(cast, client_for):
    add_rule_through_the_form(
        client_for(cast.clerk),
        cast,
        applies_from="2025-01-01",
        cut_off="17:00",
        takes_effect="last-day",
    )
    decision = decide_and_publish(
        cast, date(2025, 5, 21), datetime(2025, 5, 22, 12, 0, tzinfo=LONDON)
    )
    assert decision.takes_effect_on == date(2025, 5, 30)
    assert decision.takes_effect_text == "5pm on Friday 30 May 2025"


# --- cut-off times ------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["4pm", "4.00 pm", "4:00pm", "16:00", "4 PM"])
def test_a_cut_off_is_read_as_people_type_it(cast, client_for, typed):
    rule = add_rule_through_the_form(
        client_for(cast.clerk), cast, applies_from="2031-01-01", cut_off=typed
    )
    assert rule.cut_off == time(16, 0)
    assert "ending at 4pm on the last day" in rule.text


@pytest.mark.parametrize("typed", ["25pm", "4", "16:75", "teatime"])
def test_a_cut_off_that_is_no_time_of_day_is_refused(cast, client_for, typed):
    client = client_for(cast.clerk)
    form = client.get(url("call_in_rule_create", cast)).context["form"]
    before = snapshot()

    response = client.post(
        url("call_in_rule_create", cast),
        as_the_browser_sends(form, applies_from="2031-01-01", cut_off=typed),
    )

    assert_refused_with_error_summary(
        response, before, "Enter the cut-off as a time of day, for example 4pm"
    )


# --- correcting and withdrawing rules -----------------------------------------------


def rule_data(**changes):
    return {
        "applies_from": "2031-01-01",
        "days": "5",
        "day_kind": "working",
        "counted_from": "publication",
        "takes_effect": "next-day",
        **changes,
    }


def test_a_rule_no_decision_used_is_corrected_with_its_history(cast, client_for):
    rule = make_call_in_rule(cast.council_a, date(2031, 1, 1))

    response = client_for(cast.clerk).post(
        url("call_in_rule_update", cast, rule.pk),
        with_version(
            client_for(cast.clerk),
            url("call_in_rule_update", cast, rule.pk),
            rule_data(days="10", change_reason="The constitution says ten days"),
        ),
    )

    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.days == 10
    latest = rule.history.first()
    assert latest.history_user == cast.clerk
    assert latest.history_change_reason == "Corrected: The constitution says ten days"
    assert rule.history.count() == 2


def test_a_rule_a_decision_used_is_not_changed_but_withdrawn_by_a_later_rule(
    cast, client_for
):
    old_rule = CallInRule.objects.get(organisation=cast.council_a)
    decision = decide_and_publish(
        cast, date(2025, 5, 21), datetime(2025, 5, 22, 12, 0, tzinfo=LONDON)
    )
    deadline = decision.call_in_deadline
    client = client_for(cast.clerk)
    before = snapshot()

    refused = client.post(
        url("call_in_rule_update", cast, old_rule.pk),
        with_version(
            client,
            url("call_in_rule_update", cast, old_rule.pk),
            rule_data(applies_from="2000-01-01", days="10", change_reason="Wrong"),
        ),
    )

    assert refused.status_code == 409
    assert "add a new rule" in refused.content.decode()
    assert snapshot() == before
    # Withdrawn from 1 June 2025 by a new rule: the old decision keeps its
    # deadline, a later one gets the new rule's.
    add_rule_through_the_form(client, cast, applies_from="2025-06-01", days="10")
    decision.refresh_from_db()
    assert decision.call_in_deadline == deadline
    assert decision.call_in_rule == old_rule
    later = decide_and_publish(
        cast, date(2025, 6, 4), datetime(2025, 6, 5, 12, 0, tzinfo=LONDON), "Later"
    )
    assert later.call_in_rule.applies_from == date(2025, 6, 1)
    assert old_rule.history.count() == 1


def test_a_new_rule_dated_before_a_published_decision_is_refused(cast, client_for):
    decide_and_publish(
        cast,
        date(2025, 5, 21),
        datetime(2025, 5, 22, 12, 0, tzinfo=LONDON),
        "Cloud hosting contract",
    )
    client = client_for(cast.clerk)
    form = client.get(url("call_in_rule_create", cast)).context["form"]
    before = snapshot()

    response = client.post(
        url("call_in_rule_create", cast),
        as_the_browser_sends(form, applies_from="2025-05-01"),
    )

    assert_refused_with_error_summary(
        response, before, "such as “Cloud hosting contract”, published on Thursday"
    )


# --- closure periods and bank holidays worked ---------------------------------------


def test_a_closure_period_is_entered_in_one_go(cast, client_for):
    response = client_for(cast.clerk).post(
        url("closure_day_create", cast),
        {
            "first_day": "2031-12-24",
            "last_day": "2032-01-02",
            "description": "Christmas shutdown",
        },
    )
    assert response.status_code == 302
    days = ClosureDay.objects.filter(organisation=cast.council_a)
    assert days.count() == 10
    assert {day.description for day in days} == {"Christmas shutdown"}


def test_a_closure_period_ending_before_it_starts_is_refused(cast, client_for):
    before = snapshot()
    response = client_for(cast.clerk).post(
        url("closure_day_create", cast),
        {"first_day": "2031-12-31", "last_day": "2031-12-24", "description": "Shut"},
    )
    assert_refused_with_error_summary(
        response,
        before,
        "The last day closed must be the same as or after the first day",
    )


def test_a_bank_holiday_the_council_works_counts_as_a_working_day(cast, client_for):
    client = client_for(cast.clerk)
    offered = client.get(url("bank_holiday_worked_create", cast)).context["form"]
    first_offered = offered.fields["date"].choices[0][0]
    assert (
        client.post(
            url("bank_holiday_worked_create", cast), {"date": first_offered}
        ).status_code
        == 302
    )
    assert BankHolidayWorked.objects.filter(
        organisation=cast.council_a, date=first_offered
    ).exists()
    # Worked on Monday 26 May 2025: five working days from Thursday 22 May
    # (counting it, the cast's rule) end on Wednesday 28 May, not Thursday.
    save_with_reason(
        BankHolidayWorked(organisation=cast.council_a, date=date(2025, 5, 26)),
        user=cast.clerk,
        reason="Offices open",
    )
    decision = decide_and_publish(
        cast, date(2025, 5, 21), datetime(2025, 5, 22, 12, 0, tzinfo=LONDON)
    )
    assert decision.call_in_last_day == date(2025, 5, 28)


# --- one decision's deadline, set by a clerk ----------------------------------------


def test_a_clerk_sets_one_decisions_deadline_with_a_reason_shown_on_page_and_paper(
    cast, client_for
):
    decision = decide_and_publish(cast, timezone.localdate() - timedelta(days=3), None)
    new_last_day = decision.call_in_last_day + timedelta(days=7)
    client = client_for(cast.clerk)
    override = reverse(
        "decisions:decision_transition", args=[decision.pk, "override_deadline"]
    )
    reason = "Not on the website until the Friday <b>afternoon</b>"

    refused = client.post(override, {"last_day": new_last_day.isoformat()})
    assert refused.status_code == 200
    response = client.post(
        override,
        {"last_day": new_last_day.isoformat(), "cut_off": "5pm", "comment": reason},
    )

    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.call_in_last_day == new_last_day
    assert timezone.localtime(decision.call_in_deadline, LONDON).time() == time(17)
    event = Event.objects.for_record(decision).get(transition="override_deadline")
    assert (event.recorded_by, event.comment) == (cast.clerk, reason)
    page = client_for(cast.member).get(decision.get_absolute_url()).content.decode()
    assert "Not on the website until the Friday &lt;b&gt;afternoon&lt;/b&gt;" in page
    assert decision.deadline_text in page
    paper = client_for(cast.member).get(
        reverse("decisions:decision_paper", args=[decision.pk])
    )
    _reader, text = read(paper.content)
    assert reason in flat(text)
    assert decision.deadline_text in flat(text)


# --- who may change them ------------------------------------------------------------


def test_clerks_may_change_the_settings_unless_the_council_says_administrators_only(
    cast, client_for
):
    council = cast.council_a
    assert can(cast.clerk, "manage_democratic_settings", council)
    council.democratic_settings_managed_by = DemocraticSettingsManagers.ADMINISTRATORS
    save_with_reason(council, user=cast.administrator, reason="Constitution")

    for name in (
        "call_in_rule_create",
        "closure_day_create",
        "committee_create",
        "report_heading_create",
        "report_template_settings",
        "numbering_settings",
    ):
        assert client_for(cast.clerk).get(url(name, cast)).status_code == 403
        assert client_for(cast.administrator).get(url(name, cast)).status_code == 200
    # Clerks still run the rest of committee business, and read the template
    # without the controls to change it.
    assert can(cast.clerk, "manage_committee_business", council)
    page = client_for(cast.clerk).get(url("report_template", cast))
    assert page.status_code == 200
    assert "Add a heading" not in page.text
    assert "Only the council's administrators can change it." in page.text


# --- committees ---------------------------------------------------------------------


def committee_data(*members, **fields):
    data = {
        "name": "Finance Committee",
        "kind": "decision-making",
        "decisions_subject_to_call_in": "on",
        "contact_officer": "Sam Clerk, 01632 960123",
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": "0",
        **fields,
    }
    for index, member in enumerate(members):
        for key, value in member.items():
            data[f"members-{index}-{key}"] = value
    return data


def test_a_clerk_adds_a_committee_with_its_members(cast, client_for):
    account = give_role(make_person("councillor_jones"), cast.council_a, Role.MEMBER)
    response = client_for(cast.clerk).post(
        url("committee_create", cast),
        committee_data(
            {"name": "Councillor P. Jones", "role": "chair", "membership": account.pk},
            {"name": "Councillor R. Patel", "role": "vice-chair"},
            {"name": "Councillor S. Lee", "role": "member"},
        ),
    )

    assert response.status_code == 302
    committee = Committee.objects.get(name="Finance Committee")
    assert committee.contact_officer == "Sam Clerk, 01632 960123"
    chair = committee.members.get(role="chair")
    assert (chair.name, chair.membership) == ("Councillor P. Jones", account)
    assert CommitteeMember.history.filter(history_user=cast.clerk).count() == 3
    listing = client_for(cast.member).get(url("committee_list", cast))
    assert "Councillor R. Patel (Vice-chair)" in listing.content.decode()


def test_a_decision_making_committee_with_no_members_is_refused(cast, client_for):
    before = snapshot()
    response = client_for(cast.clerk).post(
        url("committee_create", cast), committee_data()
    )
    assert_refused_with_error_summary(
        response, before, "A decision-making committee approves business"
    )


def test_another_councils_records_cannot_be_reached_or_linked(cast, client_for):
    theirs = give_role(make_person("their_councillor"), cast.council_b, Role.MEMBER)
    their_rule = CallInRule.objects.get(organisation=cast.council_b)
    client = client_for(cast.clerk)
    before = snapshot()

    linked = client.post(
        url("committee_create", cast),
        committee_data({"name": "Cllr B", "role": "chair", "membership": theirs.pk}),
    )
    edited = client.post(
        url("call_in_rule_update", cast, their_rule.pk),
        with_version(
            client,
            url("call_in_rule_update", cast, their_rule.pk),
            rule_data(change_reason="x"),
        ),
    )

    assert linked.status_code == 200
    assert edited.status_code == 404
    assert snapshot() == before


def test_the_committee_list_costs_the_same_queries_however_many_members(
    cast, client_for
):
    client = client_for(cast.member)

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("committee_list", cast)).status_code == 200
        return len(queries)

    def add(n):
        committee = make_committee(cast.council_a, f"Panel {n}", CommitteeKind.OTHER)
        for m in range(3):
            save_with_reason(
                CommitteeMember(committee=committee, name=f"Councillor {n}-{m}"),
                user=None,
                reason="Test set-up",
            )

    for n in range(3):
        add(n)
    few = count_queries()
    for n in range(3, 9):
        add(n)
    # The page's usual queries (session, user, roles, council, second
    # factor), then the committees and their members: one query each.
    assert count_queries() == few


def test_committee_members_are_an_add_another_list(cast, client_for):
    """One blank row for a new committee, none beside saved members; the
    list's own buttons add and remove rows without saving anything."""
    client = client_for(cast.clerk)
    page = client.get(url("committee_create", cast)).content.decode()
    assert 'name="members-0-name"' in page
    assert 'name="members-1-name"' not in page
    assert "Add another councillor" in page

    data = committee_data({"name": "Councillor P. Jones", "role": "chair"})
    before = snapshot()
    shown = client.post(url("committee_create", cast), {**data, "members-ADD": "1"})
    assert shown.status_code == 200
    assert 'name="members-1-name"' in shown.content.decode()
    assert "govuk-error-summary" not in shown.content.decode()
    assert snapshot() == before

    client.post(url("committee_create", cast), data)
    committee = Committee.objects.get(name="Finance Committee")
    page = client.get(url("committee_update", cast, committee.pk)).content.decode()
    assert 'value="Councillor P. Jones"' in page
    assert 'name="members-1-name"' not in page
    assert 'type="checkbox" name="members-0-DELETE"' not in page
