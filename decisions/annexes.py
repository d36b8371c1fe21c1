"""Annex letters of a committee report, given once for all its annexes.

A report's paper carries the record it presents as annexes (the strategy in
full and on a page, the workplan appendix, the progress report: the
*attached* annexes, from `report_subjects`), and its author may name annexes
of their own in the report's "Annexes" field ("Annex A: ICT Strategy
2020–2022. Annex B: Delivery plan."), which the recommendations cite by
letter. `letter_annexes` gives every annex one letter, so that no two share
one:

1. the author's letters stand as typed (their recommendations cite them);
   a letter typed twice keeps it only the first time;
2. an attached annex the author named too (the same title, or the author's
   title starting with it) takes the author's letter and is listed once;
3. every other attached annex takes the first letter nobody uses, in order;
4. an author's annex typed without a letter (a line of its own) takes the
   next free letter after that.

Letters skip I and O (easily read as 1 and 0), as councils' papers do.
"""

import re
from dataclasses import dataclass

ANNEX_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"

#: "Annex B: Delivery plan", "Annex C – Equality impact assessment",
#: "Appendix D." — an author's annex and its letter.
_AUTHOR_ANNEX = re.compile(
    r"(?:^|(?<=[\s.;,(]))(?:Annex|Appendix)\s+([A-Z])\b\s*[:.\u2013\u2014-]?\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Annex:
    """One annex of a report as its paper lists it."""

    letter: str
    title: str
    #: Whether the paper carries it (an attached annex), rather than the
    #: author naming it as published separately.
    attached: bool


def author_annexes(text):
    """[(letter or "", title)] of the annexes named in `text` (the report's
    "Annexes" field): each "Annex X: title" in turn, else each line."""
    text = text.strip()
    if not text:
        return []
    marks = list(_AUTHOR_ANNEX.finditer(text))
    if not marks:
        return [("", _tidy(line)) for line in text.splitlines() if _tidy(line)]
    named = []
    lead = _tidy(text[: marks[0].start()])
    if lead:
        named.append(("", lead))
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        end = following.start() if following else len(text)
        named.append((mark.group(1).upper(), _tidy(text[mark.end() : end])))
    return named


def letter_annexes(attached_titles, author_text):
    """(letters of the attached annexes, in order; [`Annex`] of every annex
    the paper lists, attached or the author's, by letter). See the module's
    docstring for the rules."""
    used = set()
    author = []
    for letter, title in author_annexes(author_text):
        if letter and letter in used:
            letter = ""
        used.add(letter)
        author.append([letter, title, False])
    used.discard("")

    attached = []
    for title in attached_titles:
        same = next(
            (
                entry
                for entry in author
                if entry[0] and not entry[2] and _names(entry[1], title)
            ),
            None,
        )
        if same is not None:
            same[2] = True
            attached.append(same[0])
        else:
            attached.append(None)

    free = (letter for letter in ANNEX_LETTERS if letter not in used)
    attached = [letter or next(free, "") for letter in attached]
    for entry in author:
        if not entry[0]:
            entry[0] = next(free, "")

    listed = [
        Annex(letter, title, True)
        for letter, title in zip(attached, attached_titles, strict=True)
    ] + [Annex(letter, title, False) for letter, title, merged in author if not merged]
    listed.sort(key=lambda annex: _order(annex.letter))
    return attached, listed


def _order(letter):
    return (
        ANNEX_LETTERS.index(letter) if letter in ANNEX_LETTERS else len(ANNEX_LETTERS)
    )


def _tidy(text):
    return " ".join(text.split()).strip(" .;,")


def _names(author_title, title):
    """Whether the author's annex is the attached one (its title, or begins
    with it: "ICT Strategy 2020–2022 and delivery plan")."""
    author_title, title = _key(author_title), _key(title)
    return bool(title) and author_title.startswith(title)


def _key(text):
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())
