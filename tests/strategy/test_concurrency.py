"""Two people at once on one strategy: no lost update, no double approval.

The sequential test loads the edit form twice and saves it twice. The racing
tests run two threads, each with its own database connection (closed when
the thread ends), released together by a `threading.Barrier`, against
committed data (a transactional test), so the row lock taken by
`VersionedUpdateMixin` and `Workflow.perform` is what decides: exactly one
wins, every round.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from governance.choices import Role
from governance.events import Event
from governance.lifecycle import LifecycleStatus
from governance.transitions import TransitionRefused
from strategy.lifecycle import STRATEGY_LIFECYCLE
from strategy.models import Strategy

from ..base import (
    build_business,
    build_cast,
    make_decision,
    make_person,
    make_strategy,
    name_in_decision,
    publish,
    race,
    sign_in,
)
from .test_lifecycle import approved_versions
from .test_strategy_pages import form_data

ROUNDS = 15


def signed_in(user):
    return sign_in(Client(), user)


def edit_url(strategy):
    return reverse("strategy:strategy_update", args=[strategy.pk])


# --- sequential: a stale form is refused, with both texts shown -------------------


def test_a_stale_edit_of_a_draft_is_refused_and_shows_both_texts(cast, business):
    strategy = business.draft_strategy
    second_officer = make_person("second_officer", cast.council_a, Role.OFFICER)
    url = edit_url(strategy)
    alice, bob = signed_in(cast.officer), signed_in(second_officer)
    alice_page, bob_page = alice.get(url), bob.get(url)
    assert alice_page.status_code == bob_page.status_code == 200
    history_before = strategy.history.count()

    saved = alice.post(
        url, form_data(alice_page, vision="Residents first, as Alice wrote it.")
    )
    stale = bob.post(
        url, form_data(bob_page, vision="Residents first, as Bob typed it.")
    )

    assert saved.status_code == 302
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "Someone else saved a change" in page
    assert escape("Residents first, as Alice wrote it.") in page
    assert escape("Residents first, as Bob typed it.") in page
    stored = Strategy.objects.get(pk=strategy.pk)
    assert stored.vision == "Residents first, as Alice wrote it."
    assert stored.history.count() == history_before + 1
    assert stored.history.first().history_user == cast.officer


def test_a_stale_form_can_be_saved_once_the_conflict_has_been_seen(cast, business):
    strategy = business.draft_strategy
    second_officer = make_person("second_officer", cast.council_a, Role.OFFICER)
    url = edit_url(strategy)
    alice, bob = signed_in(cast.officer), signed_in(second_officer)
    alice_page, bob_page = alice.get(url), bob.get(url)
    alice.post(url, form_data(alice_page, vision="Alice's vision."))

    conflict = bob.post(url, form_data(bob_page, vision="Bob's vision."))
    again = bob.post(url, form_data(conflict))

    assert conflict.status_code == 409
    # The page carries the version now stored, so a deliberate second save
    # (having seen Alice's text) goes through.
    assert again.status_code == 302
    assert Strategy.objects.get(pk=strategy.pk).vision == "Bob's vision."


# --- racing: two threads, two connections, one barrier ----------------------------


def awaiting_approval(cast, business, title):
    """A strategy through scrutiny, and a published Cabinet decision naming it."""
    strategy = make_strategy(cast, title)
    STRATEGY_LIFECYCLE.perform(
        strategy, "submit", cast.officer, inputs={"meeting": business.scrutiny_meeting}
    )
    STRATEGY_LIFECYCLE.perform(
        strategy,
        "record_scrutiny",
        cast.clerk,
        inputs={"outcome": "endorsed", "committee_comments": ""},
    )
    decision = make_decision(
        business.meeting,
        f"Approval of {title}",
        decision_date=timezone.localdate() - timedelta(days=2),
    )
    name_in_decision(decision, strategy)
    return strategy, publish(decision, cast.clerk)


@pytest.mark.faults
@pytest.mark.django_db(transaction=True)
def test_two_clerks_approving_one_strategy_at_once_approve_it_exactly_once():
    cast = build_cast()
    business = build_business(cast)
    second_clerk = make_person("second_clerk", cast.council_a, Role.CLERK)
    user_model = get_user_model()

    def approver(strategy_pk, decision, user_pk):
        def act(barrier):
            # Each thread reads its own copies, on its own connection.
            strategy = Strategy.objects.get(pk=strategy_pk)
            user = user_model.objects.get(pk=user_pk)
            barrier.wait(timeout=10)
            try:
                STRATEGY_LIFECYCLE.perform(
                    strategy, "approve", user, inputs={"decision": decision}
                )
            except TransitionRefused as refusal:
                return refusal.status
            return "approved"

        return act

    for round_ in range(ROUNDS):
        strategy, decision = awaiting_approval(cast, business, f"Race {round_}")
        history_before = strategy.history.count()

        results = race(
            approver(strategy.pk, decision, cast.clerk.pk),
            approver(strategy.pk, decision, second_clerk.pk),
        )

        assert sorted(results, key=str) == [409, "approved"], results
        events = Event.objects.for_record(strategy)
        assert [e.transition for e in events] == [
            "submit",
            "record_scrutiny",
            "approve",
        ]
        winner = cast.clerk if results[0] == "approved" else second_clerk
        assert events.get(transition="approve").recorded_by == winner
        kept = approved_versions(strategy)
        assert kept.count() == 1
        stored = Strategy.objects.get(pk=strategy.pk)
        assert stored.status == LifecycleStatus.APPROVED
        assert stored.history.count() == history_before + 1
        assert kept.get().version == stored.version


@pytest.mark.faults
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_one_draft_at_once_save_exactly_once():
    cast = build_cast()
    second_officer = make_person("second_officer", cast.council_a, Role.OFFICER)
    strategy = make_strategy(cast, "Raced Strategy")
    url = edit_url(strategy)
    alice, bob = signed_in(cast.officer), signed_in(second_officer)

    def saver(client, data):
        def act(barrier):
            barrier.wait(timeout=10)
            return client.post(url, data).status_code

        return act

    for round_ in range(ROUNDS):
        before = Strategy.objects.get(pk=strategy.pk)
        history_before = before.history.count()
        # Both loaded the form at the same version.
        alice_data = form_data(alice.get(url), vision=f"Alice {round_}")
        bob_data = form_data(bob.get(url), vision=f"Bob {round_}")
        assert alice_data["version"] == bob_data["version"] == str(before.version)

        results = race(saver(alice, alice_data), saver(bob, bob_data))

        assert sorted(results, key=str) == [302, 409], results
        stored = Strategy.objects.get(pk=strategy.pk)
        assert stored.history.count() == history_before + 1
        assert stored.version == before.version + 1
        winner = "Alice" if results[0] == 302 else "Bob"
        assert stored.vision == f"{winner} {round_}"
        assert stored.status == LifecycleStatus.DRAFT
