"""The demo strategies: each taken through the lifecycle to its state."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from decisions.choices import CommitteeKind, DecisionStatus
from decisions.models import DecisionRecord
from governance.demo import story_years
from governance.events import Event
from governance.lifecycle import (
    ApprovedVersion,
    LifecycleStatus,
    MinorAmendment,
)
from strategy.demo import STRATEGY_2018, STRATEGY_2020
from strategy.models import Objective, Risk, Strategy, Theme

from ..base import sign_in

# Loads the whole demo (about fifteen seconds): run by make test-faults.
pytestmark = pytest.mark.long

#: The story's years for the demo loaded today (`tests/conftest.py`).
YEARS = story_years(timezone.localdate())
STRATEGY_2018 = YEARS.text(STRATEGY_2018)
STRATEGY_2020 = YEARS.text(STRATEGY_2020)


def load_demo():
    call_command("load_demo", password="x", force=True, stdout=io.StringIO())


def ashcombe():
    return Strategy.objects.filter(organisation__slug="ashcombe")


def first():
    return ashcombe().get(title=STRATEGY_2018)


def second():
    return ashcombe().get(title=STRATEGY_2020)


def third():
    return ashcombe().get(title__startswith="ICT and Digital Strategy ")


def cyber():
    return ashcombe().get(title__startswith="Cyber Resilience Strategy ")


def transitions(record):
    return [event.transition for event in Event.objects.for_record(record)]


def counts():
    strategies = ContentType.objects.get_for_model(Strategy)
    return {
        "strategies": Strategy.objects.count(),
        "strategy history": Strategy.history.count(),
        "themes": Theme.objects.count(),
        "objectives": Objective.objects.count(),
        "risks": Risk.objects.count(),
        "events": Event.objects.filter(content_type=strategies).count(),
        "approved versions": ApprovedVersion.objects.count(),
        "amendments": MinorAmendment.objects.count(),
        "decisions": DecisionRecord.objects.count(),
    }


def test_the_four_ashcombe_strategies_are_at_their_stages(demo):
    assert first().status == LifecycleStatus.SUPERSEDED
    assert second().status == LifecycleStatus.APPROVED
    assert third().status == LifecycleStatus.SCRUTINY
    assert cyber().status == LifecycleStatus.DRAFT
    assert ashcombe().count() == 4
    assert set(ashcombe().values_list("created_by__username", flat=True)) == {"officer"}


def test_the_revised_strategy_has_seven_themes_and_members_compare_it_with_the_first(
    demo, client
):
    strategy = second()

    assert strategy.replaces == first()
    assert strategy.budget == Decimal("1200000")
    themes = list(strategy.themes.all())
    assert len(themes) == 7
    assert all(2 <= theme.objectives.count() <= 4 for theme in themes)
    assert all(theme.corporate_priority for theme in themes)
    assert 4 <= strategy.risks.count() <= 6
    for field in ("vision", "summary", "body", "budget_implications", "consultation"):
        assert getattr(strategy, field)
    assert strategy.cabinet_member.holder.user.username == "member"
    assert strategy.cabinet_member.name == "Cabinet Member for Resources"
    assert strategy.lead_officer.user.username == "officer"
    # A director who has no account: a post held by a named person.
    assert strategy.director.name == "Director of Resources"
    assert strategy.director.holder is None and strategy.director.holder_name

    # It is version 2 of the first; a member compares the two as approved.
    assert [(s.title, s.version_number) for s in ashcombe().in_line_of(first())] == [
        (STRATEGY_2018, 1),
        (STRATEGY_2020, 2),
        (third().title, 3),
    ]
    sign_in(client, get_user_model().objects.get(username="member"))

    response = client.get(
        reverse("strategy:strategy_versions", args=[second().pk]),
        {"compare": "1", "against": "2"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Version 1 and version 2 compared" in page
    assert f"version 2, {STRATEGY_2020}, as approved on" in page
    # The members' reading: the two adopted versions, not the draft third.
    assert "2 versions" in page
    assert third().title not in page
    for strategy in (first(), second()):
        decision = strategy.approving_decision
        assert f">{decision.title}</a>, Cabinet" in page
    assert "added: </span>" in page
    assert "removed: </span>" in page
    # Version 2 as approved: without the amendment made after.
    assert YEARS.text("rescheduled from December 2021") not in page


def test_each_approval_is_a_published_cabinet_decision_naming_the_strategy(demo):
    for strategy, year in ((first(), YEARS.year(2018)), (second(), YEARS.year(2020))):
        decision = strategy.approving_decision
        assert decision.names(strategy)
        assert decision.status != DecisionStatus.DRAFT
        assert decision.current_status() == DecisionStatus.EFFECTIVE
        assert decision.meeting.committee.name == "Cabinet"
        assert decision.meeting.committee.kind == CommitteeKind.EXECUTIVE
        assert decision.decision_date.year == year
        # The first review falls due six months after the decision.
        assert strategy.next_review_due.year in (year, year + 1)
        assert strategy.scrutiny_meeting.committee.kind == CommitteeKind.SCRUTINY
        assert strategy.scrutiny_meeting.starts_at.year == year


def test_approval_kept_the_approved_version_and_the_amendment_came_after(demo):
    strategy = second()

    version = ApprovedVersion.latest_for(strategy)
    assert version is not None
    assert version.decision_id == strategy.approving_decision_id
    approved_body = version.data["fields"]["body"]["value"]
    assert approved_body != strategy.body
    assert len(version.data["themes"]) == 7

    (amendment,) = MinorAmendment.for_record(strategy)
    assert amendment.made_by.username == "officer"
    assert amendment.authorised_by.username == "admin"
    assert amendment.fields_changed == ["body"]
    assert amendment.at.date() > strategy.approving_decision.decision_date
    latest = strategy.history.order_by("-history_date", "-history_id").first()
    assert latest.history_change_reason.startswith(
        "Minor amendment under delegated powers: "
    )
    assert latest.history_user.username == "officer"


def test_every_transition_taken_left_an_event(demo):
    assert transitions(first()) == [
        "submit",
        "record_scrutiny",
        "approve",
        "supersede",
    ]
    assert transitions(second()) == ["submit", "record_scrutiny", "approve"]
    assert transitions(third()) == ["submit"]
    assert transitions(cyber()) == []
    submitted = Event.objects.for_record(second()).first()
    assert submitted.recorded_by.username == "officer"
    approved = Event.objects.for_record(second()).last()
    assert approved.recorded_by.username == "clerk"
    assert approved.link == second().approving_decision


def test_the_new_strategy_is_with_the_coming_scrutiny_meeting(demo):
    strategy = third()

    meeting = strategy.scrutiny_meeting
    assert meeting.committee.kind == CommitteeKind.SCRUTINY
    assert meeting.committee.organisation == strategy.organisation
    assert meeting.agenda_items.filter(report__title=strategy.title).exists()
    assert strategy.replaces == second()
    assert strategy.themes.count() >= 3
    assert cyber().themes.count() >= 2


def test_fenmoor_strategy_is_approved_by_its_cabinet_decision(demo):
    strategy = Strategy.objects.get(organisation__slug="fenmoor")

    assert strategy.status == LifecycleStatus.APPROVED
    assert strategy.approving_decision.names(strategy)
    assert strategy.created_by.username == "other-officer"


def test_loading_the_demo_again_adds_nothing(demo):
    before = counts()

    load_demo()

    assert counts() == before
    assert second().status == LifecycleStatus.APPROVED
