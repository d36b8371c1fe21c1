"""A strategy's committee papers: the strategy in full and the strategy on a
page, as tagged PDFs, built with a fixed number of queries."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.history import save_with_reason
from governance.lifecycle import MinorAmendment
from governance.papers import paper_html
from strategy import papers
from strategy.models import Objective, Risk, Strategy, Theme
from strategy.papers import strategy_full_part, strategy_on_a_page_part
from tests.base import approve_strategy, make_strategy
from tests.paper_helpers import assert_tagged, flat, paper_pdf, read
from tests.strategy.test_demo import load_demo

HOSTILE_IMG = '<img src="file:///etc/passwd">'
HOSTILE_STYLE = "<style>@import url(http://127.0.0.1:9/x.css);</style>"
ARABIC = "مرحبا بالعالم"
EMOJI = "🎉🚀"


def full_paper(strategy, *, draft=False):
    return paper_pdf(papers.STRATEGY, strategy, draft=draft)


def page_paper(strategy, *, draft=False):
    return paper_pdf(papers.STRATEGY_ON_A_PAGE, strategy, draft=draft)


def add_themes(strategy, cast, count, objectives, *, text="Objective {}.", first=2):
    """`count` more themes, each with `objectives` objectives."""
    for position in range(first, first + count):
        theme = save_with_reason(
            Theme(
                strategy=strategy,
                position=position,
                title=f"Theme number {position}",
                description=f"What theme {position} is for.",
                corporate_priority="A modern, efficient council",
            ),
            user=cast.officer,
            reason="Test set-up",
        )
        for index in range(1, objectives + 1):
            save_with_reason(
                Objective(
                    theme=theme,
                    position=index,
                    text=text.format(f"{position}.{index}"),
                ),
                user=cast.officer,
                reason="Test set-up",
            )


def add_risks(strategy, cast, count):
    for number in range(count):
        save_with_reason(
            Risk(
                strategy=strategy,
                description=f"Extra risk {number}",
                likelihood="low",
                impact="high",
                mitigation="Watch it.",
                owner="Head of ICT",
            ),
            user=cast.officer,
            reason="Test set-up",
        )


@pytest.fixture
def approved(cast, business):
    """An approved strategy with every field filled in, two themes, and a
    minor amendment since approval."""
    strategy = make_strategy(
        cast,
        "Digital Ashdown 2024–2027",
        start=2024,
        end=2027,
        body="Where we are.\n\nWhere we want to be.",
        budget=Decimal("1234567.00"),
        budget_implications="Met from the capital programme.",
        consultation="A residents' survey with 894 responses.",
    )
    add_themes(strategy, cast, 1, 2, text="Second theme objective {}.")
    strategy = approve_strategy(strategy, cast, business)
    MinorAmendment.objects.create(
        content_type=ContentType.objects.get_for_model(Strategy),
        object_id=strategy.pk,
        made_on=timezone.localdate(),
        made_by=cast.officer,
        authorised_by=cast.administrator,
        reason="Dates moved to match the supplier.",
        fields_changed=["body"],
    )
    return strategy


def test_the_full_paper_has_every_section_and_value(approved):
    text = flat(read(full_paper(approved))[1])

    for expected in (
        "Ashdown Borough Council – strategy, version 1",
        "Digital Ashdown 2024–2027",
        "Period 2024–2027",
        "Approved by Approval of Digital Ashdown 2024–2027, Cabinet",
        "Scrutiny Overview and Scrutiny Committee",
        "Lead officer Officer Tester",
        "Responsible director Not set",
        "Budget £1,234,567",
        "Minor amendments since approval",
        "Dates moved to match the supplier.",
        "Administrator Tester",
        "Strategy on a page Five themes for modern, secure services.",
        "Vision Services designed around residents.",
        "Themes and objectives",
        "1. Digital by default",
        "1.1 Move forms online.",
        "2. Theme number 2",
        "Corporate-plan priority: A modern, efficient council",
        "What theme 2 is for.",
        "2.1 Second theme objective 2.1.",
        "2.2 Second theme objective 2.2.",
        "The strategy in full Where we are.",
        "Where we want to be.",
        "Budget and resource implications Budget: £1,234,567",
        "Met from the capital programme.",
        "Consultation undertaken A residents' survey with 894 responses.",
        "Risks",
        "Skills shortage Medium High",
    ):
        assert expected in text, expected
    assert "DRAFT" not in text


def test_the_strategy_on_a_page_has_vision_period_budget_themes_and_approval(
    approved,
):
    reader, text = read(page_paper(approved))
    text = flat(text)

    assert len(reader.pages) == 1
    for expected in (
        "Ashdown Borough Council – strategy on a page",
        "Digital Ashdown 2024–2027",
        "Summary Five themes for modern, secure services.",
        "Vision Services designed around residents.",
        "Themes and objectives 1. Digital by default 1.1 Move forms online.",
        "2. Theme number 2 2.1 Second theme objective 2.1.",
        "2.2 Second theme objective 2.2.",
        "Key facts Version 1 · Period: 2024–2027 · Budget: £1,234,567",
        "Approved by Cabinet on",
        "(Approval of Digital Ashdown 2024–2027)",
        "Next review due",
    ):
        assert expected in text, expected
    assert "Continued in the full strategy" not in text


def test_a_draft_says_it_is_not_yet_approved(business):
    text = flat(read(page_paper(business.draft_strategy))[1])
    assert "Not yet approved (Draft)" in text
    text = flat(read(full_paper(business.draft_strategy))[1])
    assert "Approved by Not yet approved" in text
    assert "Budget Not set" in text


def test_both_papers_are_tagged_with_title_author_and_language(cast, approved):
    for pdf, title in (
        (full_paper(approved), "Digital Ashdown 2024–2027"),
        (page_paper(approved), "Digital Ashdown 2024–2027: strategy on a page"),
    ):
        reader, _ = read(pdf)
        assert_tagged(reader, title, cast.council_a.name)
        outline = reader.outline
        assert outline and outline[0].title == "Digital Ashdown 2024–2027"


def test_the_draft_mark_appears_only_when_asked_for(business):
    strategy = business.approved_strategy
    for paper in (full_paper, page_paper):
        assert "DRAFT" in read(paper(strategy, draft=True))[1]
        assert "DRAFT" not in read(paper(strategy))[1]


@pytest.mark.long
def test_a_long_vision_and_seven_themes_of_long_objectives_fit_on_one_page(
    cast, business
):
    strategy = make_strategy(
        cast,
        "A strategy with a long title that wraps onto a second line of the page",
    )
    strategy.vision = "A vision of many words. " * 80
    save_with_reason(strategy, user=cast.officer, reason="Test set-up")
    long = "Objective {} " + "with a great many words describing it at length " * 4
    add_themes(strategy, cast, 6, 6, text=long)

    reader, text = read(page_paper(strategy))

    assert len(reader.pages) == 1
    text = flat(text)
    # The vision comes before the themes; the later themes' objectives are
    # the first to be left to the full strategy.
    assert text.count("A vision of many words.") == 80
    assert "1. Digital by default 1.1 Move forms online." in text
    assert "2. Theme number 2 2.1 Objective 2.1 with" in text
    assert "7.6 Objective 7.6" not in text
    assert "Continued in the full strategy: " in text
    assert "…" not in text


@pytest.mark.long
def test_hostile_and_unusual_text_appears_literally(cast, business):
    strategy = business.draft_strategy
    strategy.title = f"Strategy {HOSTILE_IMG}"
    strategy.vision = f"{HOSTILE_STYLE} {ARABIC} {EMOJI}"
    strategy.body = f"{HOSTILE_IMG} " + "x" * 50_000 + f" {ARABIC} {EMOJI}"
    save_with_reason(strategy, user=cast.officer, reason="Hostile text test")
    business.theme.title = HOSTILE_STYLE
    save_with_reason(business.theme, user=cast.officer, reason="Hostile text test")
    business.objective.text = f"{HOSTILE_IMG} {ARABIC} {EMOJI}"
    save_with_reason(business.objective, user=cast.officer, reason="Hostile text test")

    for paper in (full_paper, page_paper):
        pdf = paper(strategy)
        reader, text = read(pdf)
        assert '<img src="file:///etc/passwd">' in text
        assert "@import url(http://127.0.0.1:9/x.css);" in text
        assert ARABIC in text
        assert EMOJI in text
        assert b"/EmbeddedFile" not in pdf
        assert b"root:" not in pdf
    # The long run wraps across lines (it no longer runs off the page), and
    # is all there.
    full_text = "".join(read(full_paper(strategy))[1].split())
    assert full_text.count("x") >= 50_000
    assert len(read(page_paper(strategy))[0].pages) == 1


def test_rendering_a_part_makes_no_query(approved, django_assert_num_queries):
    parts = [strategy_full_part(approved), strategy_on_a_page_part(approved)]
    organisation = approved.organisation
    with django_assert_num_queries(0):
        paper_html("Paper", organisation, parts)


def queries(builder, strategy):
    with CaptureQueriesContext(connection) as context:
        builder(strategy)
    return len(context.captured_queries)


def test_each_builder_makes_the_same_queries_for_2_or_20_themes(cast, approved):
    small = approved
    large = make_strategy(cast, "A large strategy")
    add_themes(large, cast, 19, 3)
    add_risks(large, cast, 19)
    assert large.themes.count() == 20 and small.themes.count() == 2
    # Content types are cached after the first look-up.
    strategy_full_part(small)

    # The strategy with its people, scrutiny meeting and approving decision;
    # its themes; their objectives; its risks; the replacements members may
    # read; its minor amendments.
    assert queries(strategy_full_part, small) == 6
    assert queries(strategy_full_part, large) == 6
    # The strategy with its approving decision; its themes; their objectives.
    assert queries(strategy_on_a_page_part, small) == 3
    assert queries(strategy_on_a_page_part, large) == 3


@pytest.mark.long
def test_both_papers_render_for_every_demo_strategy(db):
    load_demo()
    strategies = list(Strategy.objects.select_related("organisation"))
    assert len(strategies) >= 5
    for strategy in strategies:
        text = flat(read(full_paper(strategy))[1])
        assert strategy.title in text
        assert f"– strategy, version {strategy.version_number} " in text
        reader, text = read(page_paper(strategy))
        assert len(reader.pages) == 1, strategy.title
        assert strategy.title in flat(text)
        assert f"Version {strategy.version_number} · Period" in flat(text)
        assert flat(strategy.summary)[:80] in flat(text), strategy.title


@pytest.mark.long
def test_the_demo_strategy_on_a_page_shows_all_seven_themes(db):
    load_demo()
    strategy = Strategy.objects.get(title__startswith="Digital Ashcombe")
    reader, text = read(page_paper(strategy))
    text = flat(text)
    assert len(reader.pages) == 1
    # The officer's own summary first, whole.
    assert text.index(f"Summary {flat(strategy.summary)}") < text.index("Vision")
    for number, theme in enumerate(strategy.themes.all(), 1):
        assert f"{number}. {theme.title}" in text
    assert "more objective" not in text
    assert "Continued in the full strategy" not in text
    assert "£1,200,000" in text
    day = strategy.approving_decision.decision_date  # the story's, moved by years
    assert f"Approved by Cabinet on {day.day} {day:%B %Y}" in text
