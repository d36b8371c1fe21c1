"""What the public may read: `public(organisation)` on every public model."""

from decisions.models import (
    AgendaItem,
    Committee,
    CommitteeMember,
    ConsideredPaper,
    DecisionRecord,
    Meeting,
    Report,
    Resolution,
)
from governance.history import save_with_reason
from governance.models import Membership
from strategy.models import Strategy, Theme
from tests.base import make_report, put_on_agenda
from workplan.models import ProgressUpdate, Review, Workplan, WorkplanItem


def test_the_public_read_published_business_only(cast, business):
    council = cast.council_a
    assert set(Meeting.objects.public(council)) == {business.meeting}
    assert set(Report.objects.public(council)) == {business.report}
    decisions = DecisionRecord.objects.public(council)
    assert business.published_decision in decisions
    assert business.draft_decision not in decisions
    assert not decisions.filter(status="draft")
    resolutions = Resolution.objects.public(council)
    assert resolutions.filter(decision=business.published_decision).exists()
    assert not resolutions.filter(decision=business.draft_decision)
    assert {i.report_id for i in AgendaItem.objects.public(council)} == {
        business.report.pk
    }
    assert Committee.objects.public(council).count() == 2
    assert not Committee.objects.public(council).filter(organisation=cast.council_b)
    assert set(CommitteeMember.objects.public(council)) == set(
        CommitteeMember.objects.filter(committee__organisation=council)
    )
    # Agenda packs as sent may hold exempt items: the public's is rebuilt.
    assert not ConsideredPaper.objects.public(council).filter(kind="agenda-pack")


def test_the_public_never_read_an_exempt_report(cast, business):
    exempt = make_report(
        cast.council_a, "Data centre contract", exempt=True, exempt_reason="Para 3"
    )
    put_on_agenda(business.meeting, exempt, position=2)
    assert exempt not in Report.objects.public(cast.council_a)
    assert not AgendaItem.objects.public(cast.council_a).filter(report=exempt)


def test_strategies_are_public_only_where_the_council_publishes_them(cast, business):
    council = cast.council_a
    public_models = (Strategy, Theme, Workplan, WorkplanItem, Review, ProgressUpdate)
    for model in public_models:
        assert not model.objects.public(council).exists(), model
    council.publishes_strategies = True
    save_with_reason(council, user=None, reason="Test")
    assert set(Strategy.objects.public(council)) == {business.approved_strategy}
    assert set(Theme.objects.public(council)) == set(
        business.approved_strategy.themes.all()
    )
    assert business.draft_strategy not in Strategy.objects.public(council)
    # The review round is open: its progress is work in progress.
    assert not Review.objects.public(council).exists()
    assert not ProgressUpdate.objects.public(council).exists()


def test_nothing_else_is_public_by_default(cast, business):
    assert not Membership.objects.public(cast.council_a).exists()
