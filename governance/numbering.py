"""How a numbered list is labelled: 1, 2, 3 or (a), (b), (c).

Councils differ: some number a report's recommendations and a decision's
resolutions 1, 2, 3; others letter them (a), (b), (c). The number of a row
is always its place in the list (assigned from the order, never typed); this
module only says how that place is written. The council's choice is kept in
`decisions.models.NumberingSettings`.
"""

from string import ascii_lowercase

from django.db import models
from django.utils.translation import gettext_lazy as _


class ListNumbering(models.TextChoices):
    NUMBERS = "numbers", _("1, 2, 3")
    LETTERS = "letters", _("(a), (b), (c)")


def letters(place: int) -> str:
    """a, b, … z, aa, ab, … for place 1, 2, … 26, 27, 28, …"""
    text = ""
    while place > 0:
        place, rest = divmod(place - 1, 26)
        text = ascii_lowercase[rest] + text
    return text


def list_label(place: int, style: str = ListNumbering.NUMBERS) -> str:
    """How row `place` (counted from 1) is written in a list of `style`:
    "1." or "(a)". As a heading ("Recommendation 1") see `list_number`."""
    if style == ListNumbering.LETTERS:
        return f"({letters(place)})"
    return f"{place}."


def list_number(place: int, style: str = ListNumbering.NUMBERS) -> str:
    """Row `place` without the full stop, to follow a noun: "1" or "(a)"."""
    return list_label(place, style).removesuffix(".")
