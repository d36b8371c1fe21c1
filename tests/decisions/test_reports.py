"""Reports drafted by officers and placed by clerks; decisions started from
their report; the reports list.

Nothing is typed twice: a report written from a strategy, workplan or review
starts from it, a decision recorded from a report starts from the report and
its meeting, and an agenda item takes its report's title.
"""

from datetime import date, datetime, timedelta

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from decisions.call_in import LONDON, format_date
from decisions.models import (
    Committee,
    DecidedRecord,
    DecisionRecord,
    Report,
)
from governance.choices import PostKind
from governance.history import save_with_reason
from strategy.lifecycle import STRATEGY_LIFECYCLE

from ..base import make_meeting, make_post, make_report, put_on_agenda, with_version

ERROR_SUMMARY = 'class="govuk-error-summary"'


def snapshot():
    """Row counts of every governed model and its history table."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in ("governance", "decisions")
    }


def posted_value(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [str(part) for part in value]
    return str(value)


def form_data(response, **changes):
    """What the browser would post back from the page, unchanged, plus
    `changes` (None: the field left empty)."""
    data = {}
    forms = [response.context["form"]]
    formset = response.context.get("formset")
    if formset is not None:
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for field in form:
            data[field.html_name] = posted_value(field.value())
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def cabinet(council):
    return Committee.objects.get(organisation=council, name="Cabinet")


def value_of(record):
    return f"{ContentType.objects.get_for_model(record).pk}:{record.pk}"


def new_report_data(council, **changes):
    """A new report's form, filled in; from the council's director, its
    contact the council's head of ICT."""
    report_of = make_post(council, "Director of Resources", holder_name="Pat Dean")
    contact = make_post(
        council, "Head of ICT", PostKind.HEAD_OF_SERVICE, holder_name="Priya Shah"
    )
    data = {
        "title": "Cloud telephony",
        "report_of": str(report_of.pk),
        "contact": str(contact.pk),
        "purpose": "To agree the move to cloud telephony.",
        "wards_affected": "All wards",
        "urgency_route": "",
        "recommendations-TOTAL_FORMS": "1",
        "recommendations-INITIAL_FORMS": "0",
        "recommendations-MIN_NUM_FORMS": "0",
        "recommendations-MAX_NUM_FORMS": "1000",
        "recommendations-0-position": "1",
        "recommendations-0-text": "That the move be agreed.",
    }
    return {**data, **changes}


# --- officers write reports; clerks own them once the agenda is published --------


def test_an_officer_writes_a_report_and_changes_it_until_its_agenda_is_published(
    cast, client_for
):
    officer = client_for(cast.officer)
    created = officer.post(
        reverse("decisions:report_create"), new_report_data(cast.council_a)
    )
    assert created.status_code == 302
    report = Report.objects.get(title="Cloud telephony")
    assert report.recommendations.get().text == "That the move be agreed."
    edit = reverse("decisions:report_update", args=[report.pk])
    changed = officer.post(
        edit, form_data(officer.get(edit), summary="Costs fall by a fifth.")
    )
    assert changed.status_code == 302

    # The clerk places it on Cabinet's agenda: still the officer's to change.
    meeting = make_meeting(cabinet(cast.council_a), timezone.now() + timedelta(days=30))
    put_on_agenda(meeting, report)
    assert officer.get(edit).status_code == 200

    # Published: the clerk's now. The officer is told why; nothing is saved.
    meeting.agenda_published = True
    save_with_reason(meeting, user=cast.clerk, reason="Agenda published")
    page = officer.get(edit)
    assert page.status_code == 403
    assert "only democratic services can change it now" in page.content.decode()
    data = form_data(client_for(cast.clerk).get(edit), summary="Changed by officer")
    before = snapshot()
    refused = client_for(cast.officer).post(edit, data)
    assert refused.status_code == 403
    assert snapshot() == before
    report.refresh_from_db()
    assert report.summary == "Costs fall by a fifth."
    # The report's page no longer offers the officer the change.
    assert b"Change the report" not in officer.get(report.get_absolute_url()).content
    assert client_for(cast.clerk).post(edit, data).status_code == 302


def test_a_member_cannot_write_a_report(cast, client_for):
    data = new_report_data(cast.council_a)
    before = snapshot()
    response = client_for(cast.member).post(reverse("decisions:report_create"), data)
    assert response.status_code == 403
    assert snapshot() == before


# --- written from the record it presents -------------------------------------------


@pytest.mark.parametrize(
    ("record", "title", "recommendation"),
    [
        ("draft_strategy", "Digital Strategy 2026–2030", "be approved"),
        (
            "workplan",
            "ICT workplan 2023–24",
            "That the ICT workplan 2023–24 be approved",
        ),
        ("review", "ICT workplan 2023–24: progress report", "be noted"),
    ],
)
def test_a_report_written_from_a_record_starts_from_it(
    cast, business, client_for, record, title, recommendation
):
    record = getattr(business, record)
    officer = client_for(cast.officer)
    page = officer.get(record.get_absolute_url())
    button = f"{reverse('decisions:report_create')}?subject={value_of(record)}"
    assert button in page.content.decode()
    assert "Write a report to committee" in page.content.decode()

    form = officer.get(button)

    assert form.status_code == 200
    initial = form.context["form"].initial
    assert initial["title"] == title
    assert initial["subject"] == value_of(record)
    assert initial["purpose"]
    rows = [row.initial for row in form.context["formset"].forms if row.initial]
    assert rows[0]["position"] == 1 and recommendation in rows[0]["text"]

    # Saved as the page shows it (the officer adds who it is from).
    data = form_data(
        form,
        report_of=make_post(record.organisation, "Director of Resources").pk,
        contact=make_post(
            record.organisation, "Head of ICT", PostKind.HEAD_OF_SERVICE
        ).pk,
    )
    assert officer.post(button, data).status_code == 302
    report = Report.objects.get(title=title)
    assert (report.subject_content_type_id, report.subject_object_id) == tuple(
        int(part) for part in value_of(record).split(":")
    )
    assert [r.text for r in report.recommendations.all()] == [
        row["text"] for row in rows
    ]


def test_a_strategy_report_carries_its_summary_and_the_member_has_no_button(
    cast, business, client_for
):
    strategy = business.draft_strategy
    url = f"{reverse('decisions:report_create')}?subject={value_of(strategy)}"
    form = client_for(cast.officer).get(url)
    assert form.context["form"].initial["summary"] == strategy.summary
    approved = business.approved_strategy
    page = client_for(cast.member).get(approved.get_absolute_url())
    assert b"Write a report to committee" not in page.content


def test_a_replacements_report_names_the_strategy_it_replaces(
    cast, business, client_for
):
    """A refreshed strategy's report asks for approval of the new one in
    place of the old, by name: the officer does not type the old title."""
    from strategy.views import copy_strategy

    old = business.approved_strategy
    new = copy_strategy(old, cast.officer, title="ICT Strategy 2025–2027")
    same_title = copy_strategy(new, cast.officer, title=new.title)
    officer = client_for(cast.officer)

    def starts(record):
        url = f"{reverse('decisions:report_create')}?subject={value_of(record)}"
        form = officer.get(url)
        rows = [row.initial["text"] for row in form.context["formset"].forms]
        return form.context["form"].initial["purpose"], rows

    purpose, rows = starts(new)
    assert purpose == (
        "To seek approval of the ICT Strategy 2025–2027, replacing the "
        "ICT Strategy 2022–2025."
    )
    assert rows == [
        "That the ICT Strategy 2025–2027 be approved, replacing the "
        "ICT Strategy 2022–2025."
    ]
    # Under the same title, the old one is named by its version.
    assert starts(same_title)[1] == [
        "That the ICT Strategy 2025–2027 be approved, replacing the "
        "ICT Strategy 2025–2027 (version 2)."
    ]
    # A first version replaces nothing.
    assert starts(business.draft_strategy)[1] == [
        "That the Digital Strategy 2026–2030 be approved."
    ]


def test_a_report_after_scrutiny_says_what_the_committee_said(
    cast, business, client_for
):
    """The report asking for approval of a draft that went to scrutiny
    first carries the committee's outcome and comments, as the clerk
    recorded them: the officer does not type them again."""
    from workplan.lifecycle import WORKPLAN_LIFECYCLE

    day = timezone.localtime(business.scrutiny_meeting.starts_at, LONDON).date()
    committee = "The Overview and Scrutiny Committee considered the draft on"
    for lifecycle, record, outcome, comments, said in [
        (
            STRATEGY_LIFECYCLE,
            business.draft_strategy,
            "endorsed-with-comments",
            "Measure the customer's experience.",
            "endorsed it, commenting: Measure the customer's experience.",
        ),
        (WORKPLAN_LIFECYCLE, business.workplan, "endorsed", "", "endorsed it."),
    ]:
        lifecycle.perform(
            record,
            "submit",
            cast.officer,
            inputs={"meeting": business.scrutiny_meeting},
        )
        lifecycle.perform(
            record,
            "record_scrutiny",
            cast.clerk,
            inputs={"outcome": outcome, "committee_comments": comments},
        )
        url = f"{reverse('decisions:report_create')}?subject={value_of(record)}"
        summary = client_for(cast.officer).get(url).context["form"].initial["summary"]
        assert summary.endswith(f"{committee} {format_date(day)} and {said}")
        # The record's own summary comes first.
        assert summary.index(committee) > 0


def test_another_councils_record_is_no_starting_point(cast, business, client_for):
    url = (
        f"{reverse('decisions:report_create')}"
        f"?subject={value_of(business.approved_strategy)}"
    )
    assert client_for(cast.other_council).get(url).status_code == 404
    garbled = f"{reverse('decisions:report_create')}?subject=nonsense"
    assert client_for(cast.officer).get(garbled).status_code == 404


# --- the reports list ----------------------------------------------------------------


def test_the_reports_list_filters_by_committee_meeting_subject_placing_and_words(
    cast, business, client_for
):
    strategy_report = make_report(cast.council_a, "Strategy refresh")
    strategy_report.subject_content_type = ContentType.objects.get_for_model(
        business.approved_strategy
    )
    strategy_report.subject_object_id = business.approved_strategy.pk
    save_with_reason(strategy_report, user=cast.officer, reason="Test set-up")
    scrutiny = business.scrutiny_meeting
    put_on_agenda(scrutiny, strategy_report)
    loose = make_report(cast.council_a, "Printing contract")
    url = reverse("decisions:report_list")
    clerk = client_for(cast.clerk)

    def titles(**query):
        response = clerk.get(url, query)
        assert response.status_code == 200
        return {report.title for report in response.context["report_list"]}

    everything = {
        business.report.title,
        business.unpublished_report.title,
        strategy_report.title,
        loose.title,
    }
    assert titles() == everything
    assert titles(placed="no") == {loose.title}
    assert titles(placed="yes") == everything - {loose.title}
    assert titles(committee=scrutiny.committee.pk) == {strategy_report.title}
    assert titles(meeting=business.meeting.pk) == {business.report.title}
    assert titles(presents="strategy") == {strategy_report.title}
    assert titles(presents="none") == everything - {strategy_report.title}
    assert titles(q="printing") == {loose.title}
    page = clerk.get(url).content.decode()
    assert f"Presents {business.approved_strategy.title}" in page
    assert "Not placed yet" in page
    # Members read the reports of published agendas only.
    assert {
        report.title
        for report in client_for(cast.member).get(url).context["report_list"]
    } == {business.report.title}


def add_reports(cast, business, count, start=0):
    meeting = business.meeting
    for number in range(start, start + count):
        report = make_report(cast.council_a, f"Report {number:03}")
        report.subject_content_type = ContentType.objects.get_for_model(
            business.workplan
        )
        report.subject_object_id = business.workplan.pk
        save_with_reason(report, user=None, reason="Test set-up")
        put_on_agenda(meeting, report, position=10 + number)


def test_the_reports_list_makes_as_many_queries_for_25_rows_as_for_2(
    cast, business, client_for, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clerk = client_for(cast.clerk)
    url = reverse("decisions:report_list")
    add_reports(cast, business, 2)
    with CaptureQueriesContext(connection) as few:
        assert clerk.get(url).status_code == 200
    add_reports(cast, business, 30, start=2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = clerk.get(url)
    assert len(response.context["report_list"]) == 25


# --- decisions started from their report --------------------------------------------


@pytest.fixture
def considered(cast, business):
    """A report presenting the draft strategy, placed on a Cabinet meeting
    held yesterday; the strategy has been through scrutiny."""
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
    report = make_report(
        cast.council_a,
        "Digital Strategy 2026–2030",
        reasons="The current strategy ends this year.",
        other_options="Rolling the old strategy forward for a year.",
        key_decision=True,
        forward_plan_notice_on=timezone.localdate() - timedelta(days=60),
    )
    report.subject_content_type = ContentType.objects.get_for_model(strategy)
    report.subject_object_id = strategy.pk
    save_with_reason(report, user=cast.officer, reason="Test set-up")
    save_with_reason(
        report.recommendations.model(
            report=report, position=2, text="That progress be reported each year."
        ),
        user=None,
        reason="Test set-up",
    )
    meeting = make_meeting(
        cabinet(cast.council_a),
        timezone.now() - timedelta(days=1),
        agenda_published=True,
    )
    put_on_agenda(meeting, report)
    return report, meeting


def test_a_decision_recorded_from_its_report_starts_from_the_report_and_meeting(
    cast, business, client_for, considered
):
    report, meeting = considered
    clerk = client_for(cast.clerk)
    page = clerk.get(report.get_absolute_url()).content.decode()
    url = reverse("decisions:decision_from_report", args=[report.pk])
    assert f"{url}?meeting={meeting.pk}" in page

    form = clerk.get(f"{url}?meeting={meeting.pk}")

    assert form.status_code == 200
    initial = form.context["form"].initial
    assert initial["title"] == report.title
    assert initial["meeting"] == meeting.pk and initial["report"] == report.pk
    assert (
        initial["decision_date"] == timezone.localtime(meeting.starts_at, LONDON).date()
    )
    assert initial["reasons"] == "The current strategy ends this year."
    assert initial["alternatives_rejected"].startswith("Rolling the old strategy")
    assert initial["key_decision"] is True
    assert (
        "Cabinet considered the report of the Director of Resources"
        in (initial["record"])
    )
    assert initial["decides"] == [value_of(business.draft_strategy)]
    rows = [row.initial for row in form.context["formset"].forms if row.initial]
    assert [row["text"] for row in rows] == [
        "That Cabinet approves it.",
        "That progress be reported each year.",
    ]

    # The meeting changed the second resolution; the clerk edits and saves.
    data = form_data(
        form,
        **{"resolutions-1-text": "That progress be reported every six months."},
    )
    saved = clerk.post(f"{url}?meeting={meeting.pk}", data)

    assert saved.status_code == 302
    decision = DecisionRecord.objects.get(report=report)
    assert decision.meeting == meeting and decision.title == report.title
    assert decision.key_decision
    assert [r.text for r in decision.resolutions.all()] == [
        "That Cabinet approves it.",
        "That progress be reported every six months.",
    ]
    assert DecidedRecord.objects.filter(
        decision=decision, object_id=business.draft_strategy.pk
    ).exists()


def test_a_decision_cannot_start_from_a_report_whose_meeting_is_not_held(
    cast, business, client_for
):
    report = business.unpublished_report  # on a meeting in 40 days
    url = reverse("decisions:decision_from_report", args=[report.pk])
    clerk = client_for(cast.clerk)
    page = clerk.get(url)
    assert page.status_code == 409
    assert "not held yet" in page.content.decode()
    before = snapshot()
    refused = clerk.post(
        url,
        with_version(clerk, url, {"title": "Telephony", "record": "x", "reasons": "y"}),
    )
    assert refused.status_code == 409
    assert snapshot() == before


def test_a_decision_cannot_start_from_another_councils_report(
    cast, business, client_for
):
    other = make_report(cast.council_b, "Brackley telephony")
    meeting = make_meeting(cabinet(cast.council_b), timezone.now() - timedelta(days=1))
    put_on_agenda(meeting, other)
    url = reverse("decisions:decision_from_report", args=[other.pk])
    assert client_for(cast.clerk).get(url).status_code == 404
    assert (
        client_for(cast.clerk)
        .post(url, with_version(client_for(cast.clerk), url, {}))
        .status_code
        == 404
    )


# --- agenda items take their report's title -------------------------------------------


def test_an_agenda_item_takes_its_reports_title_unless_given_another(cast, client_for):
    meeting = make_meeting(cabinet(cast.council_a), timezone.now() + timedelta(days=60))
    first = make_report(cast.council_a, "Website accessibility plan")
    second = make_report(cast.council_a, "Printing contract")
    data = {
        "agenda_items-TOTAL_FORMS": "3",
        "agenda_items-INITIAL_FORMS": "0",
        "agenda_items-MIN_NUM_FORMS": "0",
        "agenda_items-MAX_NUM_FORMS": "1000",
        "agenda_items-0-position": "1",
        "agenda_items-0-title": "",
        "agenda_items-0-report": str(first.pk),
        "agenda_items-1-position": "2",
        "agenda_items-1-title": "Printing and post room contract",
        "agenda_items-1-report": str(second.pk),
        "agenda_items-2-position": "",
        "agenda_items-2-title": "",
        "agenda_items-2-report": "",
    }
    url = reverse("decisions:agenda_update", args=[meeting.pk])
    response = client_for(cast.clerk).post(
        url, with_version(client_for(cast.clerk), url, data)
    )
    assert response.status_code == 302
    titles = dict(meeting.agenda_items.values_list("report__title", "title"))
    assert titles == {
        "Website accessibility plan": "Website accessibility plan",
        "Printing contract": "Printing and post room contract",
    }


def test_an_agenda_item_with_neither_title_nor_report_is_refused(
    cast, business, client_for
):
    """An item of the agenda whose title and report are both cleared: a
    blank new row adds nothing, but an item must say what it is."""
    meeting = business.later_meeting
    url = reverse("decisions:agenda_update", args=[meeting.pk])
    client = client_for(cast.clerk)
    data = form_data(
        client.get(url), **{"agenda_items-0-title": None, "agenda_items-0-report": None}
    )
    before = snapshot()
    response = client.post(url, with_version(client, url, data))
    assert response.status_code == 200
    assert ERROR_SUMMARY in response.content.decode()
    assert "Enter the title of the item, or select its report" in (
        response.content.decode()
    )
    assert snapshot() == before
