"""The rules that give a paper its structure, as pure functions: annex
letters given once (`decisions/annexes.py`) and the headings of typed
prose (`governance.papers.prose_blocks`)."""

import re

from decisions.annexes import Annex, author_annexes, letter_annexes
from governance.papers import Block, prose_blocks

STRATEGY = "ICT Strategy 2020–2022"
ON_A_PAGE = f"{STRATEGY}: strategy on a page"


def test_the_authors_letters_stand_and_the_carried_annexes_take_free_ones():
    letters, listed = letter_annexes(
        [STRATEGY, ON_A_PAGE],
        f"Annex A: {STRATEGY}. Annex B: Delivery plan. "
        "Annex C: Equality impact assessment.",
    )

    assert letters == ["A", "D"]
    assert listed == [
        Annex("A", STRATEGY, True),
        Annex("B", "Delivery plan", False),
        Annex("C", "Equality impact assessment", False),
        Annex("D", ON_A_PAGE, True),
    ]


def test_no_two_annexes_share_a_letter_whatever_the_author_typed():
    cases = [
        ([STRATEGY], ""),
        ([STRATEGY, ON_A_PAGE], "Annex B: Delivery plan"),
        ([STRATEGY], "Annex A: Something else. Annex A: Typed twice."),
        ([STRATEGY], "Delivery plan\nRisk register"),
        ([STRATEGY], f"Appendix A – {STRATEGY} and delivery plan; annex c: costs"),
        ([], "annex"),
    ]
    for titles, text in cases:
        letters, listed = letter_annexes(titles, text)
        given = [annex.letter for annex in listed]
        assert len(given) == len(set(given)), (text, given)
        assert all(given) and "I" not in given and "O" not in given
        assert len(letters) == len(titles)
        assert {a.title for a in listed if a.attached} == set(titles), text


def test_an_authors_annex_naming_the_carried_record_is_listed_once():
    letters, listed = letter_annexes(
        [STRATEGY], f"Annex A: {STRATEGY} and delivery plan."
    )
    assert letters == ["A"]
    assert listed == [Annex("A", STRATEGY, True)]


def test_an_authors_annexes_are_read_by_letter_or_by_line():
    assert author_annexes("Annex B: Delivery plan. Annex C – Costs") == [
        ("B", "Delivery plan"),
        ("C", "Costs"),
    ]
    assert author_annexes("Delivery plan\n\nCosts.") == [
        ("", "Delivery plan"),
        ("", "Costs"),
    ]
    assert author_annexes("  ") == []


def test_typed_headings_become_headings_and_the_rest_paragraphs():
    text = (
        "1. Where we are\n\nMuch of it is old.\n\n1.1 The network\n\n"
        "Out of support.\n\n# Risks\n\nA short last line"
    )
    assert prose_blocks(text) == [
        Block("1. Where we are", 1),
        Block("Much of it is old.", 0),
        Block("1.1 The network", 2),
        Block("Out of support.", 0),
        Block("Risks", 1),
        Block("A short last line", 0),
    ]
    # A sentence, a long line or several lines is never a heading.
    assert [b.level for b in prose_blocks("It works.\n\n" + "x " * 60)] == [0, 0]
    assert prose_blocks("Line one\nline two") == [Block("Line one\nline two", 0)]


def test_every_image_or_chart_a_paper_template_draws_has_alternative_text():
    # Papers draw no charts today; one added later must say what it shows.
    from pathlib import Path

    from django.conf import settings

    folder = Path(settings.BASE_DIR) / "templates" / "papers"
    templates = list(folder.rglob("*.html"))
    assert len(templates) > 5
    for template in templates:
        html = template.read_text()
        for tag in re.findall(r"<img\b[^>]*>", html):
            assert re.search(r'\balt="[^"]+"', tag), (template.name, tag)
        for tag in re.findall(r"<svg\b[^>]*>", html):
            assert 'role="img"' in tag and "aria-label=" in tag, (template.name, tag)
