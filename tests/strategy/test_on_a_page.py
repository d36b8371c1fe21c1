"""The strategy on a page: one A4 page, the officer's summary first, set at
the largest type and fewest columns that fit, measured by laying it out;
content left to the full strategy only when even 9pt in three columns
overflows, and then said so. Each case lays the paper out once and reads
the boxes WeasyPrint placed (sizes, right edges) and the PDF's text."""

import re
from decimal import Decimal

import pytest
from weasyprint import HTML
from weasyprint.formatting_structure.boxes import MarginBox, TextBox

from governance.history import save_with_reason
from governance.papers import PAPER_ORIGIN, PDF_OPTIONS, StaticOnlyFetcher, paper_html
from strategy import papers
from strategy.models import Objective, Theme
from tests.base import make_strategy
from tests.paper_helpers import flat, read

#: 9pt in CSS pixels (WeasyPrint's unit): nothing on the page is smaller.
NINE_POINTS = 9 * 96 / 72
ARABIC = "مرحبا بالعالم"
EMOJI = "🎉🚀"


def lay_out(strategy):
    """(document, text, layout name) of the strategy on a page, laid out
    once (the fit's own measuring renders aside)."""
    kind = papers.STRATEGY_ON_A_PAGE
    html = paper_html(kind.title(strategy), strategy.organisation, kind.parts(strategy))
    document = render(html)
    text = flat(read(document.write_pdf(**PDF_OPTIONS))[1])
    layout = re.search(r'class="on-a-page on-a-page-([\w-]+?)[ "]', html).group(1)
    return document, text, layout


def render(html):
    return HTML(
        string=html, base_url=PAPER_ORIGIN + "/", url_fetcher=StaticOnlyFetcher()
    ).render(**PDF_OPTIONS)


def assert_one_readable_page(document):
    """One page; no text under 9pt; no box past the right edge of the
    page's content area (nor a header or footer past the page's edge)."""
    assert len(document.pages) == 1
    page = document.pages[0]._page_box
    right = page.content_box_x() + page.width
    checked = 0
    for box in page.descendants():
        if isinstance(box, TextBox):
            assert box.style["font_size"] >= NINE_POINTS - 0.01, box.text
        if isinstance(box, MarginBox):
            assert box.position_x + box.margin_width() <= page.margin_width() + 0.5
            continue
        if box is page or box.element_tag in ("html", "body") and box.width is None:
            continue
        if _inside_margin(box, page):
            continue
        edge = box.position_x + (
            box.width if isinstance(box, TextBox) else box.margin_width()
        )
        assert edge <= right + 0.5, (getattr(box, "text", box), edge, right)
        checked += 1
    assert checked > 20


def _inside_margin(box, page):
    """Whether `box` belongs to a margin box (the running header, page
    numbers), which sit outside the content area by design."""
    return any(
        box is inner
        for margin in page.children
        if isinstance(margin, MarginBox)
        for inner in margin.descendants()
    )


def strategy_with(cast, title, *, summary, **fields):
    """A draft strategy (`make_strategy`) with this summary."""
    strategy = make_strategy(cast, title, **fields)
    strategy.summary = summary
    return save_with_reason(strategy, user=cast.officer, reason="Test set-up")


def add_themes(strategy, count, objectives, *, text, title="Theme number {}"):
    """`count` more themes (after the one `make_strategy` gives), each with
    `objectives` objectives, made in bulk (the paper reads rows, not history)."""
    themes = Theme.objects.bulk_create(
        Theme(
            strategy=strategy,
            position=position,
            title=title.format(position),
            corporate_priority="A modern, efficient council",
        )
        for position in range(2, count + 2)
    )
    Objective.objects.bulk_create(
        Objective(theme=theme, position=index, text=text.format(theme.position, index))
        for theme in themes
        for index in range(1, objectives + 1)
    )


def test_a_short_strategy_prints_its_summary_first_at_11pt_in_one_column(cast):
    strategy = strategy_with(
        cast,
        "Digital Ashdown 2024–2027",
        start=2024,
        end=2027,
        summary="Our one-page summary.\n\nA second paragraph of it.",
        budget=Decimal("1234567.00"),
    )

    document, text, layout = lay_out(strategy)

    assert layout == "11-1"
    assert_one_readable_page(document)
    order = [
        "Ashdown Borough Council – strategy on a page",
        "Digital Ashdown 2024–2027",
        "Summary Our one-page summary. A second paragraph of it.",
        "Vision Services designed around residents.",
        "Themes and objectives 1. Digital by default 1.1 Move forms online.",
        "Version 1 · Period: 2024–2027 · Budget: £1,234,567",
        "Not yet approved (Draft)",
    ]
    positions = [text.index(expected) for expected in order]
    assert positions == sorted(positions)
    assert "Continued in the full strategy" not in text


def test_a_fuller_strategy_takes_smaller_type_and_columns_before_leaving_anything_out(
    cast,
):
    strategy = make_strategy(cast, "A strategy of six themes")
    add_themes(strategy, 5, 6, text="Objective {}.{}: one short line.")

    document, text, layout = lay_out(strategy)

    assert layout in ("10-2", "9-2", "9-3")
    assert_one_readable_page(document)
    assert "6.6 Objective 6.6: one short line." in text
    assert "Continued in the full strategy" not in text

    # As a report's annex it is measured under its label, and still one page.
    part = papers.STRATEGY_ON_A_PAGE.parts(strategy)[0]
    part.data = {**part.data, "annex": "B", "annex_to": "A long report title " * 15}
    html = paper_html("Report", strategy.organisation, [part])
    assert "Annex B to the report" in html
    assert len(render(html).pages) == 1


@pytest.mark.long
def test_a_50000_character_summary_fills_the_page_and_says_it_continues(cast):
    sentence = "The council will modernise its services step by step. "
    summary = sentence * (50_000 // len(sentence) + 1)
    strategy = strategy_with(cast, "A strategy with a long summary", summary=summary)

    document, text, layout = lay_out(strategy)

    assert layout == "9-3"
    assert_one_readable_page(document)
    shown = text.split("Summary ", 1)[1].split(" Continued in the full strategy", 1)[0]
    assert 2_000 < len(shown) < 20_000
    # Cut at the end of a sentence, never inside a word, with no ellipsis.
    assert shown.endswith("step by step.")
    assert "…" not in text
    assert (
        "Continued in the full strategy: the rest of the summary, the vision and "
        "theme 1 with its objectives." in text
    )
    assert "Not yet approved (Draft)" in text


@pytest.mark.long
def test_twenty_themes_of_thirty_objectives_keep_the_first_themes_and_say_the_rest(
    cast,
):
    strategy = strategy_with(
        cast, "A strategy of many themes", summary="Our short summary."
    )
    add_themes(
        strategy,
        19,
        30,
        text="Objective {}.{} first. Then a second sentence of detail.",
    )

    document, text, layout = lay_out(strategy)

    assert layout == "9-3"
    assert_one_readable_page(document)
    assert text.index("Summary Our short summary.") < text.index("1. Digital by")
    continued = text.split("Continued in the full strategy: ", 1)[1]
    # The detail of objectives goes first, then the later themes' objectives.
    assert "the full wording of" in continued
    assert "2.1 Objective 2.1 first." in text
    assert "Then a second sentence" not in text
    shown = re.findall(r"(\d+)\. Theme number \d+", text)
    assert shown and int(shown[-1]) <= 20
    if int(shown[-1]) < 20:
        assert f"themes {int(shown[-1]) + 1} to 20 with their objectives" in continued
    else:
        assert "objectives" in continued
    assert "…" not in text


def test_long_words_right_to_left_text_and_emoji_in_headings_stay_on_the_page(cast):
    word = "x" * 80
    strategy = strategy_with(
        cast,
        f"{ARABIC} {EMOJI} {word}",
        summary=f"A summary with a {word} in it.",
    )
    strategy.vision = f"{ARABIC} {word}"
    save_with_reason(strategy, user=cast.officer, reason="Test set-up")
    add_themes(
        strategy,
        2,
        2,
        text="Objective {}.{} " + f"{word} {ARABIC} {EMOJI}",
        title=f"{EMOJI} {ARABIC} {{}} {word}",
    )

    document, text, _layout = lay_out(strategy)

    assert_one_readable_page(document)
    assert ARABIC in text and EMOJI in text
    assert "".join(text.split()).count("x" * 10) >= 5 * 8
    assert "Continued in the full strategy" not in text


@pytest.mark.parametrize("layout", papers.PAGE_LAYOUTS)
def test_every_layout_is_at_least_9pt(layout):
    assert layout.points >= 9
