"""The demo workplan: Ashcombe's ICT workplan, approved by Cabinet.

The demo is loaded here for the last day of the last financial year (always
in the past): the whole story of that year's plan has happened by then (its
variations agreed over the summer, its mid-year review reported in October,
its year-end review open with some updates still due). `test_demo_dates.py`
checks the demo on other days of the year."""

import io
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from decisions.choices import CommitteeKind, DecisionStatus
from decisions.demo import Calendar
from decisions.models import DecisionRecord, Meeting, Report
from governance.demo import financial_year_start, story_years
from governance.events import Event
from governance.lifecycle import ApprovedVersion, LifecycleStatus
from governance.routes import route_for
from strategy.demo import STRATEGY_2020
from workplan.choices import Confidence, Rag, WorkType
from workplan.demo import ADDED_AGREED_ON
from workplan.models import Department, Milestone, Workplan, WorkplanItem

# Loads the whole demo (about fifteen seconds): run by make test-faults.
pytestmark = pytest.mark.long

#: The last day of the last financial year, and the story's years on it.
DAY = date(financial_year_start(timezone.localdate()), 3, 31)
YEARS = story_years(DAY)


def load_demo():
    call_command("load_demo", password="x", force=True, today=DAY, stdout=io.StringIO())


@pytest.fixture(scope="module")
def demo_for_module(django_db_setup, django_db_blocker):
    """The demo loaded for `DAY` (see `tests/conftest.py`)."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            load_demo()
            yield
            transaction.set_rollback(True)


def workplan():
    return Workplan.objects.get(
        organisation__slug="ashcombe",
        strategy__title=YEARS.text(STRATEGY_2020),
        financial_year=YEARS.plan,
    )


def counts():
    workplans = ContentType.objects.get_for_model(Workplan)
    return {
        "workplans": Workplan.objects.count(),
        "workplan history": Workplan.history.count(),
        "items": WorkplanItem.objects.count(),
        "item history": WorkplanItem.history.count(),
        "item departments": WorkplanItem.departments.through.objects.count(),
        "departments": Department.objects.count(),
        "department history": Department.history.count(),
        "milestones": Milestone.objects.count(),
        "milestone history": Milestone.history.count(),
        "events": Event.objects.filter(content_type=workplans).count(),
        "approved versions": ApprovedVersion.objects.filter(
            content_type=workplans
        ).count(),
        "decisions": DecisionRecord.objects.count(),
        "meetings": Meeting.objects.count(),
        "reports": Report.objects.count(),
    }


def test_the_years_workplan_of_the_revised_strategy_is_approved(demo):
    plan = workplan()

    # Approved, and now in its second six-monthly review.
    assert plan.status == LifecycleStatus.REVIEW
    assert plan.year_label == f"{YEARS.plan}–{(YEARS.plan + 1) % 100:02d}"
    assert plan.title == f"Annual ICT Workplan {YEARS.plan}–{YEARS.plan + 1}"
    assert plan.strategy.status == LifecycleStatus.APPROVED
    assert plan.created_by.username == "officer"
    events = list(Event.objects.for_record(plan))
    assert [(e.transition, e.recorded_by.username) for e in events] == [
        ("submit", "officer"),
        ("record_scrutiny", "clerk"),
        ("approve", "clerk"),
        ("open_review", "officer"),
        ("close_review", "clerk"),
        ("open_review", "officer"),
    ]
    assert plan.scrutiny_outcome == "endorsed"
    meeting = plan.scrutiny_meeting
    assert meeting.committee.kind == CommitteeKind.SCRUTINY
    assert meeting.starts_at.year == YEARS.plan
    assert meeting.committee.organisation == plan.organisation


def test_it_is_approved_by_a_published_cabinet_decision_in_march(demo):
    plan = workplan()

    decision = plan.approving_decision
    assert decision.names(plan)
    assert decision.status != DecisionStatus.DRAFT
    assert decision.current_status() == DecisionStatus.EFFECTIVE
    assert decision.meeting.committee.name == "Cabinet"
    assert decision.meeting.committee.kind == CommitteeKind.EXECUTIVE
    assert decision.decision_date < date(YEARS.plan, 4, 1)
    assert decision.decision_date.year == YEARS.plan
    assert decision.meeting.agenda_items.filter(report=decision.report).exists()
    # Scrutiny came before the Cabinet meeting.
    assert plan.scrutiny_meeting.starts_at < decision.meeting.starts_at
    version = ApprovedVersion.latest_for(plan)
    assert version.decision_id == decision.pk
    # Every item but the one added later by variation.
    assert len(version.data["items"]) == plan.items.count() - 1


def test_it_has_thirty_or_more_items_across_every_theme_category_and_type(demo):
    plan = workplan()
    items = list(plan.items.select_related("theme", "lead_officer__user"))

    assert len(items) >= 30
    assert {item.theme for item in items} == set(plan.strategy.themes.all())
    assert len({item.theme_id for item in items}) == 7
    assert {item.category for item in items} == set(Confidence.values)
    assert {item.work_type for item in items} == set(WorkType.values)
    assert {item.rag for item in items} >= set(Rag.values)
    references = [item.reference for item in items]
    assert len(set(references)) == len(references)
    prefix = f"ICT-{YEARS.plan % 100:02d}-"
    assert all(ref.startswith(prefix) for ref in references)


def test_every_item_is_filled_in_and_within_the_financial_year(demo):
    plan = workplan()
    year_start, year_end = date(YEARS.plan, 4, 1), date(YEARS.plan + 1, 3, 31)

    for item in plan.items.select_related("lead_officer__user").prefetch_related(
        "departments"
    ):
        assert item.title and item.description, item
        assert item.departments.all(), item
        assert item.lead_officer.user.username == "officer", item
        assert item.lead_officer.organisation_id == plan.organisation_id, item
        assert item.sponsor, item
        assert year_start <= item.start_date <= item.target_date <= year_end, item
        assert 0 <= item.percent_complete <= 100, item
        if item.rag == Rag.RED:
            assert item.rag_reason.strip(), item
        if item.delivery_status == "complete":
            assert item.percent_complete == 100, item
    assert plan.items.exclude(budget=None).count() >= 25
    assert plan.items.filter(rag=Rag.RED).count() >= 2


def test_departments_and_milestones(demo):
    names = set(
        Department.objects.filter(organisation__slug="ashcombe").values_list(
            "name", flat=True
        )
    )
    assert {
        "Revenues and Benefits",
        "Planning",
        "Housing",
        "Environmental Services",
        "Customer Services",
        "Legal and Democratic Services",
        "Finance",
        "Human Resources",
    } <= names
    milestones = Milestone.objects.filter(item__workplan=workplan())
    assert milestones.count() >= 3
    assert milestones.filter(done=True).exists()
    assert milestones.filter(done=False).exists()


def test_a_member_reads_the_demo_workplan_its_items_and_exports(demo, client):
    client.force_login(get_user_model().objects.get(username="member"))
    plan = workplan()

    response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    assert response.context["paginator"].count == plan.items.count()
    page = response.content.decode()
    assert "Approved" in page
    for theme in plan.strategy.themes.all():
        assert escape(theme.title) in page, theme
    item = plan.items.filter(rag=Rag.RED).first()
    response = client.get(item.get_absolute_url())
    assert response.status_code == 200
    assert escape(item.rag_reason) in response.content.decode()
    response = client.get(reverse("workplan:workplan_export_csv", args=[plan.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert len(body.strip().splitlines()) == 1 + plan.items.count()


def test_fenmoors_draft_workplan_goes_straight_to_its_finance_committee(demo, client):
    """Fenmoor's route for workplans: no pre-decision scrutiny, approved by
    its Finance and Performance Committee (a decision-making committee)."""
    plan = Workplan.objects.get(organisation__slug="fenmoor")
    assert plan.status == LifecycleStatus.DRAFT
    assert plan.items.count() == 4
    route = route_for(plan)
    assert route.scrutiny == "not-used"
    (approver,) = route.approving_committees.all()
    assert (approver.name, approver.kind) == (
        "Finance and Performance Committee",
        CommitteeKind.DECISION_MAKING,
    )
    assert approver.members.count() == 4

    client.force_login(get_user_model().objects.get(username="other-officer"))
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Send for decision" in page
    assert "Send to scrutiny" not in page


def test_loading_the_demo_again_adds_nothing(demo):
    before = counts()

    load_demo()

    assert counts() == before
    assert workplan().status == LifecycleStatus.REVIEW


def test_a_closed_first_review_an_open_second_and_some_variations(demo):
    from workplan.models import Variation

    plan = workplan()
    first, second = plan.reviews.order_by("number")
    assert (first.status, second.status) == ("closed", "open")
    assert first.meeting is not None
    assert first.updates.count() == plan.items.count()
    assert 0 < second.updates.count() < plan.items.count()
    kinds = set(Variation.objects.filter(workplan=plan).values_list("kind", flat=True))
    assert {"rescheduled", "removed"} <= kinds


def test_an_item_added_by_variation_is_agreed_and_marked_in_the_papers(demo):
    from governance.papers import paper_html
    from workplan import papers

    plan = workplan()
    reference = YEARS.text("ICT-22-36")
    item = plan.items.get(reference=reference)
    assert item.status == LifecycleStatus.APPROVED
    added = item.variations.get(kind="added")
    # Agreed on the story's day, or the council's next working day.
    agreed_on = Calendar(plan.organisation).on_or_after(YEARS.day(ADDED_AGREED_ON))
    assert agreed_on.month == 8
    assert added.agreed_on == agreed_on
    assert added.agreed_by.username == "officer"
    assert added.agreed_capacity == "Head of ICT and Digital"
    assert added.at.date() > added.agreed_on  # recorded long after
    # Every variation was agreed on its own (historical) date.
    assert all(
        v.agreed_on and v.agreed_on.year == YEARS.plan for v in plan.variations.all()
    )

    mark = f"Added by variation on {agreed_on.day} {agreed_on:%B %Y}"
    appendix = papers.workplan_appendix_part(plan)
    review = plan.reviews.get(number=1)
    report = papers.progress_report_part(review)
    for part in (appendix, report):
        rows = [row for group in part.data["groups"] for row in group["rows"]]
        [row] = [row for row in rows if row["reference"] == reference]
        assert row["added_on"] == agreed_on and not row["awaiting"]
        assert mark in paper_html("Paper", plan.organisation, [part])
    short = f"{agreed_on.day} {agreed_on:%b %Y}"
    assert short in paper_html("Paper", plan.organisation, [report])


def test_a_later_run_keeps_the_years_the_story_was_built_with(demo):
    """The story's years are read back from the first strategy, so that
    a run on a later day (or on a database built before the story moved
    with the day) finds the same records instead of adding a second set."""
    from governance.models import Organisation
    from strategy.demo import _story_years

    council = Organisation.objects.get(slug="ashcombe")
    assert _story_years(council, date(YEARS.plan + 3, 6, 1)) == YEARS
