"""Moving a row of an ordered list one place up or down."""

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from .history import save_with_reason


class CannotMove(Exception):
    """The row is already first (or last): nothing was changed."""


def move(siblings, pk, direction, *, user):
    """Swap the row `pk` of `siblings` (a queryset with a `position` field)
    with its neighbour above ("up") or below ("down"), with history.

    Raises `CannotMove` at either end or for an unknown direction, and
    Http404 if `pk` is not among the siblings. Positions may have gaps; a
    deferred unique constraint on the position allows the swap.
    """
    with transaction.atomic():
        rows = list(siblings.select_for_update().order_by("position", "pk"))
        index = next((i for i, row in enumerate(rows) if row.pk == pk), None)
        if index is None:
            raise Http404(_("No such item."))
        other = {"up": index - 1, "down": index + 1}.get(direction)
        if other is None:
            raise CannotMove(_("Choose to move it up or down."))
        if not 0 <= other < len(rows):
            raise CannotMove(
                _("It is already first.")
                if direction == "up"
                else _("It is already last.")
            )
        reason = _("Moved up") if direction == "up" else _("Moved down")
        positions = [row.position for row in rows]
        if len(set(positions)) < len(positions):
            # Some rows share a position (e.g. rows added without one): number
            # the list 1, 2, 3… in its new order.
            rows[index], rows[other] = rows[other], rows[index]
            for number, row in enumerate(rows, start=1):
                if row.position != number:
                    row.position = number
                    save_with_reason(row, user=user, reason=reason)
            return
        mover, neighbour = rows[index], rows[other]
        mover.position, neighbour.position = neighbour.position, mover.position
        save_with_reason(mover, user=user, reason=reason)
        save_with_reason(neighbour, user=user, reason=reason)
