"""What followers of a strategy are told (see `governance.notifications`)."""

from django.urls import reverse

from governance import notifications

from .models import Strategy


def _strategy_step(event, strategy):
    """A status step of a strategy, with the link to its history."""
    if event.from_status == event.to_status:
        summary = event.label
    else:
        summary = f"{event.from_status_label} → {event.to_status_label}"
    return (
        notifications.ChangeKind.STATUS,
        summary,
        event.comment,
        reverse("strategy:strategy_history", args=[strategy.pk]),
    )


def register():
    notifications.register_followable_parents(Strategy, lambda strategy: [strategy])
    notifications.register_event_describer(Strategy, _strategy_step)
