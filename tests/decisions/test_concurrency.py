"""Two people at once: no lost update, no double transition.

The sequential tests load one edit form twice and save it twice. The racing
tests run two threads, each with its own database connection, released
together by a `threading.Barrier`, against committed data (a transactional
test), so the row lock in `VersionedUpdateMixin` and `Workflow.perform` is
what decides: exactly one wins, every time.
"""

from datetime import date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from decisions.call_in import LONDON
from decisions.decision_path import DECISION_PATH
from decisions.models import Committee, DecisionRecord, Report
from governance.events import Event
from governance.transitions import TransitionRefused

from ..base import (
    build_cast,
    make_decision,
    make_meeting,
    make_report,
    publish,
    race,
    sign_in,
)
from .test_decision_pages import edit_data

ROUNDS = 20


def signed_in(user):
    client = Client()
    return sign_in(client, user)


def posted_value(value):
    if value is None:
        return ""
    if isinstance(value, dict):  # a GOV.UK date input's parts, as posted
        value = [value.get(part, "") for part in ("day", "month", "year")]
    if isinstance(value, list | tuple):
        parts = [str(part or "").strip() for part in value]
        return "/".join(parts) if all(parts) else ""
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def form_data(response, **changes):
    """What the browser would post back from the page, unchanged, plus `changes`."""
    data = {}
    forms = [response.context["form"]]
    formset = response.context.get("formset")
    if formset is not None:
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for field in form:
            value = posted_value(field.value())
            if value is not None:
                data[field.html_name] = value
    data.update(changes)
    return data


def cabinet(cast):
    return Committee.objects.get(organisation=cast.council_a, name="Cabinet")


def recent_meeting(cast):
    return make_meeting(cabinet(cast), timezone.now() - timedelta(days=3))


def decided():
    return timezone.localdate(timezone=LONDON) - timedelta(days=3)


# --- sequential: a stale form is refused, with both texts shown -------------------


def test_a_stale_report_edit_is_refused_and_shows_both_texts(cast):
    report = make_report(cast.council_a, "Cloud hosting")
    url = reverse("decisions:report_update", args=[report.pk])
    alice, bob = signed_in(cast.clerk), signed_in(cast.administrator)
    alice_page, bob_page = alice.get(url), bob.get(url)
    assert alice_page.status_code == bob_page.status_code == 200
    history_before = report.history.count()
    recommendations_before = list(report.recommendations.values_list("text"))

    saved = alice.post(
        url, form_data(alice_page, title="Cloud hosting, as Alice revised it")
    )
    stale = bob.post(url, form_data(bob_page, title="Cloud hosting, as Bob typed it"))

    assert saved.status_code == 302
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "Someone else saved a change" in page
    assert escape("Cloud hosting, as Alice revised it") in page
    assert escape("Cloud hosting, as Bob typed it") in page
    stored = Report.objects.get(pk=report.pk)
    assert stored.title == "Cloud hosting, as Alice revised it"
    assert stored.history.count() == history_before + 1
    assert stored.history.first().history_user == cast.clerk
    assert list(stored.recommendations.values_list("text")) == recommendations_before


def test_a_stale_report_form_can_be_saved_after_the_conflict_is_seen(cast):
    report = make_report(cast.council_a, "Cloud hosting")
    url = reverse("decisions:report_update", args=[report.pk])
    alice, bob = signed_in(cast.clerk), signed_in(cast.administrator)
    alice_page, bob_page = alice.get(url), bob.get(url)
    alice.post(url, form_data(alice_page, title="Alice's title"))

    conflict = bob.post(url, form_data(bob_page, title="Bob's title"))
    again = bob.post(url, form_data(conflict))

    assert conflict.status_code == 409
    # The page carries the version now stored, so a deliberate second save
    # (having seen Alice's text) goes through.
    assert again.status_code == 302, again.context["form"].errors
    assert Report.objects.get(pk=report.pk).title == "Bob's title"


def test_a_stale_decision_correction_is_refused(cast):
    decision = publish(
        make_decision(recent_meeting(cast), decision_date=decided()), cast.clerk
    )
    url = reverse("decisions:decision_update", args=[decision.pk])
    alice, bob = signed_in(cast.clerk), signed_in(cast.administrator)
    alice_data = edit_data(decision, title="Alice's title", change_reason="Typo")
    bob_data = edit_data(decision, title="Bob's title", change_reason="Other typo")

    assert alice.post(url, alice_data).status_code == 302
    events_after_alice = Event.objects.for_record(decision).count()
    history_after_alice = DecisionRecord.objects.get(pk=decision.pk).history.count()
    response = bob.post(url, bob_data)

    assert response.status_code == 409
    assert escape("Alice's title") in response.content.decode()
    assert escape("Bob's title") in response.content.decode()
    stored = DecisionRecord.objects.get(pk=decision.pk)
    assert stored.title == "Alice's title"
    assert stored.history.count() == history_after_alice
    assert Event.objects.for_record(decision).count() == (events_after_alice)


# --- racing: two threads, two connections, one barrier ----------------------------


@pytest.mark.faults
@pytest.mark.django_db(transaction=True)
def test_two_clerks_publishing_at_once_publish_exactly_once():
    cast = build_cast()
    meeting = recent_meeting(cast)
    user_model = get_user_model()

    def publisher(decision_pk, user_pk):
        def act(barrier):
            # Each thread reads its own copies, on its own connection.
            decision = DecisionRecord.objects.get(pk=decision_pk)
            user = user_model.objects.get(pk=user_pk)
            barrier.wait(timeout=10)
            try:
                DECISION_PATH.perform(
                    decision,
                    "publish",
                    user,
                    inputs={"published_at": timezone.now() - timedelta(hours=1)},
                )
            except TransitionRefused as refusal:
                return refusal.status
            return "published"

        return act

    for round_ in range(ROUNDS):
        decision = make_decision(meeting, f"Race {round_}", decision_date=decided())
        history_before = decision.history.count()

        results = race(
            publisher(decision.pk, cast.clerk.pk),
            publisher(decision.pk, cast.administrator.pk),
        )

        assert sorted(results, key=str) == [409, "published"], results
        events = Event.objects.for_record(decision)
        assert list(events.values_list("transition", flat=True)) == ["publish"]
        stored = DecisionRecord.objects.get(pk=decision.pk)
        assert stored.status == "published"
        assert stored.history.count() == history_before + 1


@pytest.mark.faults
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_one_decision_at_once_save_exactly_once():
    cast = build_cast()
    meeting = recent_meeting(cast)
    alice, bob = signed_in(cast.clerk), signed_in(cast.administrator)

    def saver(client, url, data):
        def act(barrier):
            barrier.wait(timeout=10)
            return client.post(url, data).status_code

        return act

    for round_ in range(ROUNDS):
        decision = make_decision(meeting, f"Race {round_}", decision_date=decided())
        url = reverse("decisions:decision_update", args=[decision.pk])
        history_before = decision.history.count()
        # Both loaded the form at the same version.
        alice_data = edit_data(decision, title=f"Alice {round_}")
        bob_data = edit_data(decision, title=f"Bob {round_}")

        results = race(saver(alice, url, alice_data), saver(bob, url, bob_data))

        assert sorted(results, key=str) == [302, 409], results
        stored = DecisionRecord.objects.get(pk=decision.pk)
        assert stored.history.count() == history_before + 1
        assert stored.version == decision.version + 1
        winner = "Alice" if results[0] == 302 else "Bob"
        assert stored.title == f"{winner} {round_}"
