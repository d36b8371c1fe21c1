"""The demo's committee business: meetings, reports and decision records."""

import io
from datetime import date, datetime, timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

import decisions.demo
from decisions.call_in import LONDON
from decisions.choices import DecisionStatus, MeetingStatus
from decisions.demo import CALLED_IN_BY, STRATEGY_2007
from decisions.models import (
    KEY_DECISION_NOTICE_DAYS,
    DecisionRecord,
    Meeting,
    Report,
    clear_days_notice,
)
from governance.events import Event

# Loads the whole demo (about fifteen seconds): run by make test-faults.
pytestmark = pytest.mark.long


def load_demo():
    call_command("load_demo", password="x", force=True, stdout=io.StringIO())


def ashcombe_decisions():
    return DecisionRecord.objects.filter(organisation__slug="ashcombe")


def counts():
    """Rows of every model of the decisions app, history tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_app_config("decisions").get_models()
    }


def test_the_2007_strategy_decision_could_be_called_in_until_midnight_on_5_october(
    demo,
):
    decision = ashcombe_decisions().get(title=STRATEGY_2007)

    assert timezone.localtime(decision.published_at, LONDON) == datetime(
        2007, 10, 1, 10, 0, tzinfo=LONDON
    )
    assert decision.decision_date == date(2007, 9, 27)
    assert decision.call_in_last_day == date(2007, 10, 5)
    assert decision.call_in_deadline == datetime(2007, 10, 6, 0, 0, tzinfo=LONDON)
    assert decision.takes_effect_on == date(2007, 10, 8)
    assert decision.current_status() == DecisionStatus.EFFECTIVE
    assert decision.meeting.status == MeetingStatus.HELD
    assert decision.report.title == STRATEGY_2007


def test_one_decision_is_open_to_call_in_one_called_in_and_one_urgent(demo):
    decisions = list(ashcombe_decisions())

    open_now = [d for d in decisions if d.call_in_open()]
    assert len(open_now) >= 1
    assert all(d.published_at <= timezone.now() for d in open_now)

    called_in = [d for d in decisions if d.status == DecisionStatus.CALLED_IN]
    assert len(called_in) == 1
    (called_in,) = called_in
    assert called_in.called_in_by == CALLED_IN_BY
    assert called_in.published_at <= called_in.called_in_at < called_in.call_in_deadline
    assert called_in.called_in_at <= timezone.now()
    assert [event.transition for event in Event.objects.for_record(called_in)] == [
        "publish",
        "call_in",
    ]

    urgent = [d for d in decisions if d.urgent]
    assert len(urgent) == 1
    assert urgent[0].current_status() == DecisionStatus.EFFECTIVE
    assert urgent[0].urgency_reason
    assert not urgent[0].call_in_open()


def test_older_decisions_are_effective_and_one_is_still_a_draft(demo):
    statuses = [d.current_status() for d in ashcombe_decisions()]

    assert statuses.count(DecisionStatus.EFFECTIVE) >= 3
    assert statuses.count(DecisionStatus.DRAFT) == 1


def test_each_ashcombe_committee_has_past_and_upcoming_meetings(demo):
    today = timezone.localdate(timezone=LONDON)
    for name in [
        "Cabinet",
        "Overview and Scrutiny Committee",
        "Finance and Performance Committee",
    ]:
        meetings = Meeting.objects.filter(
            committee__organisation__slug="ashcombe", committee__name=name
        )
        past = [m for m in meetings if timezone.localdate(m.starts_at, LONDON) < today]
        upcoming = [m for m in meetings if m not in past]

        assert len(past) >= 2, name
        assert all(m.status == MeetingStatus.HELD for m in past), name
        assert all(m.agenda_published for m in past), name
        assert len(upcoming) >= 2, name
        assert all(m.status == MeetingStatus.SCHEDULED for m in upcoming), name
        assert {m.agenda_published for m in upcoming} == {True, False}, name


def test_every_agenda_opens_with_apologies_declarations_and_minutes(demo):
    for meeting in Meeting.objects.all():
        items = list(meeting.agenda_items.all())
        assert [item.position for item in items] == list(range(1, len(items) + 1)), (
            meeting
        )
        assert items[0].title == "Apologies for absence"
        assert items[1].title == "Declarations of interest"
        assert items[2].title.startswith("Minutes of the")
        assert len(items) > 3, meeting


def test_every_decision_belongs_to_the_council_of_its_meeting_and_report(demo):
    decisions = DecisionRecord.objects.select_related(
        "meeting__committee", "report"
    ).all()
    assert decisions

    for decision in decisions:
        assert decision.meeting.committee.organisation_id == decision.organisation_id
        assert decision.meeting.committee.takes_decisions
        assert decision.report.organisation_id == decision.organisation_id
        assert decision.meeting.agenda_items.filter(report=decision.report).exists()
        assert decision.decision_date == timezone.localdate(
            decision.meeting.starts_at, LONDON
        )
        assert decision.conflicts_of_interest == "None declared"
        assert decision.dispensations == "None"
        if decision.is_published:
            assert decision.resolutions.exists(), decision
            assert (
                timezone.localdate(decision.published_at, LONDON)
                >= decision.decision_date
            )


def test_key_decisions_gave_28_clear_days_notice_or_used_an_urgency_route(demo):
    for decision in DecisionRecord.objects.filter(key_decision=True):
        report = decision.report
        if report.urgency_route:
            assert decision.urgent
            continue
        meeting_day = timezone.localdate(decision.meeting.starts_at, LONDON)
        assert (
            clear_days_notice(report.forward_plan_notice_on, meeting_day)
            >= KEY_DECISION_NOTICE_DAYS
        ), decision


def test_reports_are_numbered_and_fill_in_the_standard_headings(demo):
    reports = Report.objects.all()
    assert reports.filter(organisation__slug="ashcombe", key_decision=False).exists()

    for report in reports:
        positions = [r.position for r in report.recommendations.all()]
        assert positions == list(range(1, len(positions) + 1)), report
        assert positions, report
        for field in ("report_of", "contact", "purpose"):
            assert getattr(report, field), (report, field)
        assert report.contact.holder_name and report.contact.contact, report
        assert all(text for _label, text in report.implications()), report
        assert "None" not in [text for _label, text in report.implications()]


def test_the_two_councils_use_different_report_templates(demo):
    from decisions import report_template

    def names(slug):
        report = Report.objects.filter(organisation__slug=slug).first()
        return [name for name, _text in report_template.implications_of(report)]

    ashcombe, fenmoor = names("ashcombe"), names("fenmoor")
    assert "Efficiency" in ashcombe and "Diversity" in ashcombe
    assert "Safer, Cleaner and Greener" in fenmoor and "Resource" in fenmoor
    assert "Health and wellbeing" not in fenmoor  # retired there
    fenmoor_report = DecisionRecord.objects.get(organisation__slug="fenmoor").report
    assert [name for name, _text in fenmoor_report.sections()] == [
        "Consultation undertaken",
        "Council plan",
    ]


def test_fenmoor_has_meetings_and_a_published_decision(demo):
    assert Meeting.objects.filter(committee__organisation__slug="fenmoor").count() >= 2
    decision = DecisionRecord.objects.get(organisation__slug="fenmoor")

    assert decision.is_published
    assert Event.objects.for_record(decision).get().recorded_by is None


def test_running_the_demo_twice_leaves_one_copy_of_everything(demo):
    before = counts()

    load_demo()

    assert counts() == before


def test_a_run_on_a_later_day_finds_the_same_meetings(demo, monkeypatch):
    before = counts()
    real_localdate = timezone.localdate

    def a_week_later(value=None, timezone=None):
        if value is None:
            return real_localdate(timezone=timezone) + timedelta(days=7)
        return real_localdate(value, timezone)

    monkeypatch.setattr(decisions.demo.timezone, "localdate", a_week_later)
    load_demo()

    assert counts() == before
