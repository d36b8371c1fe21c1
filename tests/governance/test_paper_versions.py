"""A paper's version key changes with everything the paper prints, so a
stored paper is never served stale.

`PRINTED` lists, for each kind of paper, each thing it prints and how to
change it. Each test builds one state and changes each thing in turn,
asserting the key moved every time; a paper that comes to print something
new gets a row here. The approving decision's status *now* is among them:
the call-in period ending changes no row.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from decisions import papers as decision_papers
from decisions.models import (
    DecisionRecord,
    NumberingSettings,
    ReportHeading,
    Resolution,
)
from decisions.report_subjects import present
from governance.history import save_with_reason
from governance.lifecycle import MinorAmendment
from governance.models import Membership, PostKind
from governance.numbering import ListNumbering
from governance.paper_store import StoredPaper, render_and_store, version_key
from strategy import papers as strategy_papers
from tests.base import (
    approve_strategy,
    approve_workplan,
    make_department,
    make_item,
    make_post,
    make_review,
    make_strategy,
    make_workplan,
    write_under,
)
from workplan import papers as workplan_papers
from workplan import variations
from workplan.models import ProgressUpdate, Variation, WorkplanSettings


def edit(record, /, **fields):
    record = type(record)._default_manager.get(pk=record.pk)
    for name, value in fields.items():
        setattr(record, name, value)
    return save_with_reason(record, user=None, reason="Test")


def fresh(record):
    """`record` as a request would load it."""
    return type(record)._default_manager.get(pk=record.pk)


def rename_person(user, first_name):
    user.first_name = first_name
    user.save(update_fields=["first_name"])


def decision_takes_effect(decision):
    """Time passes: the call-in period ends (no row is saved with history)."""
    DecisionRecord.objects.filter(pk=decision.pk).update(
        takes_effect_at=timezone.now() - timedelta(minutes=1)
    )


@dataclass
class Built:
    """Everything the papers under test print, made once."""

    cast: object
    business: object
    strategy: object = None
    workplan: object = None
    item: object = None
    review: object = None
    department: object = None


@pytest.fixture
def built(cast, business):
    council = cast.council_a
    cabinet_member = make_post(
        council, "Cabinet Member for Resources", PostKind.CABINET_PORTFOLIO
    )
    director = make_post(council, "Director of Digital", holder_name="Sam Jones")
    strategy = make_strategy(
        cast,
        "Digital Ashdown 2024–2027",
        start=2024,
        end=2027,
        replaces=business.draft_strategy,
        cabinet_member=cabinet_member,
        director=director,
    )
    strategy = approve_strategy(strategy, cast, business)
    workplan = make_workplan(cast, strategy, 2026)
    lead = Membership.objects.get(user=cast.officer, organisation=council)
    item = make_item(cast, workplan, "W1", lead_officer=lead)
    department = make_department(council, "Customer Services")
    item.departments.add(department)
    workplan = approve_workplan(cast, business, workplan)
    review = make_review(cast, workplan)
    review.meeting = business.meeting
    review.decision = business.published_decision
    review = save_with_reason(review, user=None, reason="Test set-up")
    # The report on the published agenda presents the strategy; the
    # published decision considered it.
    present(business.report, strategy, user=None, reason="Test set-up")
    edit(business.published_decision, report=business.report)
    return Built(cast, business, strategy, workplan, item, review, department)


def council_renamed(b):
    edit(b.cast.council_a, name="Ashdown and Weald Council")


# --- what each paper prints, and how to change it --------------------------------

STRATEGY_PRINTS = [
    ("the call-in period ending", lambda b: decision_takes_effect(approver(b))),
    ("the approving decision's title", lambda b: edit(approver(b), title="Agreed")),
    ("the approving committee's name", lambda b: cabinet_renamed(b)),
    ("the council's name", council_renamed),
    ("the strategy's vision", lambda b: edit(b.strategy, vision="A new vision")),
    ("a theme's title", lambda b: edit(b.strategy.themes.first(), title="Renamed")),
    (
        "an objective",
        lambda b: edit(b.strategy.themes.first().objectives.first(), text="New"),
    ),
    ("a risk", lambda b: edit(b.strategy.risks.first(), mitigation="Training")),
    ("the scrutiny meeting's date", lambda b: scrutiny_moved(b)),
    ("the scrutiny committee's name", lambda b: scrutiny_renamed(b)),
    ("a strategy replacing it", lambda b: replaced(b)),
    (
        "the title of the strategy it replaces",
        lambda b: edit(b.business.draft_strategy, title="Digital Strategy, renamed"),
    ),
    (
        "the cabinet member's name",
        lambda b: edit(b.strategy.cabinet_member, holder_name="Cllr Ann Lee"),
    ),
    ("the director's post", lambda b: edit(b.strategy.director, name="CDO")),
    ("the lead officer's name", lambda b: rename_person(b.cast.officer, "Olu")),
    ("the lead officer's job title", lambda b: lead_retitled(b)),
    ("a minor amendment", lambda b: amend(b)),
    (
        "the name of who authorised an amendment",
        lambda b: rename_person(b.cast.administrator, "Adaeze"),
    ),
]


def approver(b):
    return fresh(b.strategy).approving_decision


def cabinet_renamed(b):
    edit(b.business.cabinet, name="The Executive")


def scrutiny_moved(b):
    meeting = b.business.scrutiny_meeting
    edit(meeting, starts_at=meeting.starts_at - timedelta(days=1))


def scrutiny_renamed(b):
    edit(b.business.scrutiny_meeting.committee, name="Scrutiny Board")


def replaced(b):
    make_strategy(
        b.cast, "Digital Ashdown 2030–2034", start=2030, end=2034, replaces=b.strategy
    )


def lead_retitled(b):
    lead = Membership.objects.get(pk=fresh(b.strategy).lead_officer_id)
    edit(lead, job_title="Chief Digital Officer")


def amend(b):
    MinorAmendment.objects.create(
        content_type=ContentType.objects.get_for_model(b.strategy),
        object_id=b.strategy.pk,
        made_on=timezone.localdate(),
        made_by=b.cast.officer,
        authorised_by=b.cast.administrator,
        reason="A typing error corrected",
    )


APPENDIX_PRINTS = [
    ("the call-in period ending", lambda b: decision_takes_effect(plan_approver(b))),
    ("the approving decision's title", lambda b: edit(plan_approver(b), title="Ok")),
    ("the approving committee's name", cabinet_renamed),
    ("the council's name", council_renamed),
    ("the workplan's title", lambda b: edit(b.workplan, title="Plan 2026")),
    ("the strategy's title", lambda b: edit(b.strategy, title="Digital, renamed")),
    ("an item's title", lambda b: edit(b.item, title="A renamed item")),
    ("a theme's title", lambda b: edit(b.strategy.themes.first(), title="Renamed")),
    ("an item's departments", lambda b: b.item.departments.clear()),
    ("a department's name", lambda b: edit(b.department, name="Customer Contact")),
    ("an item's lead officer's name", lambda b: rename_person(b.cast.officer, "Olu")),
    ("the council's workplan layout", lambda b: future_works_last(b)),
]


def plan_approver(b):
    return fresh(b.workplan).approving_decision


def future_works_last(b):
    save_with_reason(
        WorkplanSettings(organisation=b.cast.council_a, future_works_last=True),
        user=None,
        reason="Test",
    )


PROGRESS_REPORT_PRINTS = [
    ("the council's name", council_renamed),
    ("the review's due date", lambda b: edit(b.review, due=b.review.due - ONE_DAY)),
    ("the meeting's date", lambda b: meeting_moved(b)),
    ("the meeting's committee's name", cabinet_renamed),
    (
        "the title of the decision that noted it",
        lambda b: edit(b.review.decision, title="Noted the progress"),
    ),
    ("the workplan's title", lambda b: edit(b.workplan, title="Plan 2026")),
    ("the strategy's title", lambda b: edit(b.strategy, title="Digital, renamed")),
    ("an item's title", lambda b: edit(b.item, title="A renamed item")),
    ("a theme's title", lambda b: edit(b.strategy.themes.first(), title="Renamed")),
    ("an item's lead officer's name", lambda b: rename_person(b.cast.officer, "Olu")),
    ("a progress update", lambda b: update(b)),
    ("who gave the update", lambda b: rename_person(b.cast.clerk, "Chidi")),
    ("a variation", lambda b: vary(b)),
    ("who agreed the variation", lambda b: rename_person(b.cast.administrator, "A")),
]

ONE_DAY = timedelta(days=1)


def meeting_moved(b):
    meeting = b.business.meeting
    edit(meeting, starts_at=meeting.starts_at - ONE_DAY)


def update(b):
    save_with_reason(
        ProgressUpdate(
            review=b.review,
            item=b.item,
            delivery_status="in-progress",
            rag="green",
            percent_complete=40,
            commentary="On track.",
            as_at=timezone.localdate(),
            by=b.cast.clerk,
        ),
        user=b.cast.clerk,
        reason="Test",
    )


def vary(b):
    variation = variations.record(
        fresh(b.workplan),
        fresh(b.item),
        Variation.Kind.RESCHEDULED,
        reason="Supplier delay",
        agreed_with="",
        agreed_on=timezone.localdate(),
        user=b.cast.officer,
    )
    edit(variation, agreed_by=b.cast.administrator)


DECISION_RECORD_PRINTS = [
    ("the call-in period ending", lambda b: decision_takes_effect(decided(b))),
    ("the decision's record", lambda b: edit(decided(b), record="Cabinet agreed.")),
    ("the meeting's date", lambda b: meeting_moved(b)),
    ("the committee's name", cabinet_renamed),
    ("the council's name", council_renamed),
    ("a resolution", lambda b: edit(resolution(b), text="Agreed, as amended.")),
    ("the council's numbering", lambda b: letters(b)),
    (
        "the title of the report considered",
        lambda b: edit(b.business.report, title="ICT Strategy, renamed"),
    ),
]


def decided(b):
    return b.business.published_decision


def resolution(b):
    return Resolution.objects.filter(decision=decided(b)).first()


def letters(b):
    settings = NumberingSettings.objects.filter(organisation=b.cast.council_a).first()
    settings = settings or NumberingSettings(organisation=b.cast.council_a)
    settings.recommendations = ListNumbering.LETTERS
    save_with_reason(settings, user=None, reason="Test")


def report_of(b):
    return fresh(b.business.report).report_of


REPORT_PRINTS = [
    ("the council's name", council_renamed),
    ("the report's title", lambda b: edit(b.business.report, title="Renamed")),
    ("the meeting's date", lambda b: meeting_moved(b)),
    ("the meeting's committee's name", cabinet_renamed),
    ("the name of whose report it is", lambda b: edit(report_of(b), holder_name="Kim")),
    ("that post's title", lambda b: edit(report_of(b), name="Director of Place")),
    (
        "the contact's details",
        lambda b: edit(fresh(b.business.report).contact, contact="01234 567890"),
    ),
    (
        "a recommendation",
        lambda b: edit(b.business.report.recommendations.first(), text="Agree it."),
    ),
    (
        "the text under a heading",
        lambda b: write_under(fresh(b.business.report), "financial", "£1m."),
    ),
    ("a heading's name", lambda b: heading_renamed(b)),
    ("the council's numbering", lambda b: letters(b)),
    (
        "the record it presents",
        lambda b: edit(b.strategy.themes.first(), title="Renamed"),
    ),
    ("the presented record's approval", lambda b: decision_takes_effect(approver(b))),
]


def heading_renamed(b):
    heading = ReportHeading.objects.filter(organisation=b.cast.council_a).first()
    edit(heading, name="Money")


AGENDA_PACK_PRINTS = [
    ("the council's name", council_renamed),
    ("the meeting's venue", lambda b: edit(b.business.meeting, venue="Town Hall")),
    ("the meeting's date", lambda b: meeting_moved(b)),
    ("the committee's name", cabinet_renamed),
    ("an agenda item's title", lambda b: agenda_item_retitled(b)),
    ("a report's title", lambda b: edit(b.business.report, title="Renamed")),
    ("the name of whose report it is", lambda b: edit(report_of(b), holder_name="Kim")),
    (
        "a recommendation",
        lambda b: edit(b.business.report.recommendations.first(), text="Agree it."),
    ),
    (
        "the text under a heading",
        lambda b: write_under(fresh(b.business.report), "financial", "£1m."),
    ),
    ("the council's numbering", lambda b: letters(b)),
    (
        "a presented record",
        lambda b: edit(b.strategy.themes.first(), title="Renamed"),
    ),
]


def agenda_item_retitled(b):
    edit(b.business.meeting.agenda_items.first(), title="Item renamed")


PAPERS = [
    (
        [strategy_papers.STRATEGY, strategy_papers.STRATEGY_ON_A_PAGE],
        lambda b: b.strategy,
        STRATEGY_PRINTS,
    ),
    (
        [workplan_papers.WORKPLAN_APPENDIX, workplan_papers.WORKPLAN_APPENDIX_WORKING],
        lambda b: b.workplan,
        APPENDIX_PRINTS,
    ),
    (
        [workplan_papers.PROGRESS_REPORT, workplan_papers.PROGRESS_REPORT_WORKING],
        lambda b: b.review,
        PROGRESS_REPORT_PRINTS,
    ),
    (
        [decision_papers.DECISION_RECORD, decision_papers.PUBLIC_DECISION_RECORD],
        lambda b: b.business.published_decision,
        DECISION_RECORD_PRINTS,
    ),
    (
        [decision_papers.COMMITTEE_REPORT, decision_papers.PUBLIC_COMMITTEE_REPORT],
        lambda b: b.business.report,
        REPORT_PRINTS,
    ),
    (
        [decision_papers.AGENDA_PACK, decision_papers.PUBLIC_AGENDA_PACK],
        lambda b: b.business.meeting,
        AGENDA_PACK_PRINTS,
    ),
]


@pytest.mark.parametrize(
    ("kinds", "record", "prints"),
    PAPERS,
    ids=[kinds[0].slug for kinds, _record, _prints in PAPERS],
)
def test_a_papers_version_follows_everything_it_prints(built, kinds, record, prints):
    """Each printed thing changed in turn moves every key of the paper."""

    def keys():
        return [version_key(kind, fresh(record(built))) for kind in kinds]

    stuck = []
    for label, change in prints:
        before = keys()
        change(built)
        after = keys()
        if any(old == new for old, new in zip(before, after, strict=True)):
            stuck.append(label)
    assert stuck == [], f"{kinds[0].slug}: the key did not move for {stuck}"


def test_every_kind_of_paper_of_record_has_its_table():
    from governance.paper_store import all_kinds

    covered = {kind.slug for kinds, _record, _prints in PAPERS for kind in kinds}
    assert covered == {kind.slug for kind in all_kinds() if not kind.kept}


def test_the_appendix_prints_subject_to_call_in_until_the_decision_takes_effect(
    built,
):
    part = workplan_papers.workplan_appendix_part(fresh(built.workplan))
    assert part.data["status"] == "Approved, subject to call-in"
    decision_takes_effect(plan_approver(built))
    part = workplan_papers.workplan_appendix_part(fresh(built.workplan))
    assert part.data["status"] == "Approved"


def test_a_stored_paper_is_replaced_when_a_post_holder_changes(built):
    """One render to show the store follows the key: the stored decision
    record is rendered again, in place, once the council is renamed."""
    kind, decision = decision_papers.DECISION_RECORD, decided(built)
    first = render_and_store(kind, fresh(decision), version_key(kind, decision))
    assert render_and_store(kind, fresh(decision), first.version_key).pk == first.pk
    council_renamed(built)
    key = version_key(kind, fresh(decision))
    second = render_and_store(kind, fresh(decision), key)
    assert (second.version_key, second.etag) != (first.version_key, first.etag)
    assert StoredPaper.of(kind, decision).count() == 1
    assert bytes(second.pdf) != bytes(first.pdf)


def test_a_draft_and_a_final_paper_have_different_versions(built):
    assert version_key(strategy_papers.STRATEGY, fresh(built.strategy)).startswith(
        "final:"
    )
    draft = built.business.draft_strategy
    assert version_key(strategy_papers.STRATEGY, fresh(draft)).startswith("draft:")


def test_the_strategy_paper_prints_when_each_minor_amendment_was_made(built):
    amend(built)
    part = strategy_papers.strategy_full_part(fresh(built.strategy))
    assert part.data["amendments"][0]["made_on"] == timezone.localdate()
