"""Notifications with context: a member follows a workplan, an officer turns
an item red through the review's update form, the background worker's step
runs, and the member's mailbox holds one message saying what changed, with
the links and a one-click unsubscribe. Nobody is told about what they may
not see, digests group, reminders go a week before and on the day, once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from governance import notifications
from governance.history import save_with_reason
from governance.models import Membership
from governance.notifications import Change, Follow, Frequency, Notification
from workplan.models import Review

from ..base import approve_workplan, make_item, make_workplan, with_version


def give_addresses(cast):
    for role in ("member", "officer", "clerk", "other_council"):
        user = cast.user(role)
        user.email = f"{role}@example.gov.uk"
        user.save(update_fields=["email"])


@pytest.fixture
def plan(cast, business):
    """An approved workplan of council A with an amber item WP01, led by the
    officer, and an open review due in ten days; everyone has an e-mail
    address."""
    give_addresses(cast)
    workplan = make_workplan(cast, business.approved_strategy, 2024)
    item = make_item(
        cast,
        workplan,
        "WP01",
        title="Replace the telephony",
        rag="amber",
        lead_officer=Membership.objects.get(
            user=cast.officer, organisation=cast.council_a
        ),
    )
    approve_workplan(cast, business, workplan)
    review = save_with_reason(
        Review(
            workplan=workplan,
            number=1,
            due=timezone.localdate() + timedelta(days=10),
            opened_at=timezone.now(),
            opened_on=timezone.localdate(),
        ),
        user=cast.officer,
        reason="Test set-up",
    )
    Change.objects.update(fanned_out_at=timezone.now())  # the set-up's own
    mail.outbox.clear()
    item.refresh_from_db()
    return workplan, item, review


def turn_red(client, review, item, reason="The supplier went into administration"):
    url = reverse("workplan:progress_update", args=[review.pk, item.pk])
    return client.post(
        url,
        with_version(
            client,
            url,
            {
                "delivery_status": "in-progress",
                "rag": "red",
                "rag_reason": reason,
                "percent_complete": "20",
                "commentary": "Late.",
            },
        ),
    )


def test_a_member_following_a_workplan_is_told_once_when_an_item_turns_red(
    cast, business, client_for, plan
):
    workplan, item, review = plan
    member = client_for(cast.member)
    # The Follow button on the workplan's page.
    page = member.get(workplan.get_absolute_url()).content.decode()
    assert f'name="record" value="workplan-{workplan.pk}"' in page
    response = member.post(
        reverse("follow"),
        {
            "record": f"workplan-{workplan.pk}",
            "action": "follow",
            "next": workplan.get_absolute_url(),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == workplan.get_absolute_url()
    assert "Stop following" in member.get(workplan.get_absolute_url()).content.decode()
    # Another council's officer follows everything in their own council;
    # the administrator (no e-mail address) follows the workplan too.
    notifications.follow(cast.other_council, cast.council_b)
    notifications.follow(cast.administrator, cast.council_a, workplan)

    assert turn_red(client_for(cast.officer), review, item).status_code == 302
    counts = notifications.deliver()
    assert counts["sent"] == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["member@example.gov.uk"]
    assert "WP01 Replace the telephony: Amber → Red" in message.subject
    assert "Amber → Red" in message.body
    assert "Reason: The supplier went into administration" in message.body
    assert f"See it: http://127.0.0.1:8000{item.get_absolute_url()}\n" in message.body
    assert (
        f"What changed: http://127.0.0.1:8000{item.get_absolute_url()}#progress"
        in message.body
    )
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<http://127.0.0.1:8000/unsubscribe/")
    assert unsubscribe.strip("<>") in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )
    noted = Notification.objects.get(recipient=cast.administrator)
    assert noted.sent_at is not None and not noted.withheld
    # The worker's next step sends nothing more.
    assert notifications.deliver()["sent"] == 0
    assert len(mail.outbox) == 1

    # The member's home page sums it up; the Notifications page lists it.
    member = client_for(cast.member)  # the test client is shared
    home = member.get("/").content.decode()
    assert "Changes to what you follow" in home
    assert "1 item turned red since" in home
    listing = member.get(reverse("notifications")).content.decode()
    assert "Amber → Red (The supplier went into administration)" in listing


def test_no_one_is_told_about_a_record_they_may_not_see(
    cast, business, client_for, plan
):
    workplan, item, review = plan
    # The member follows the whole council; the draft workplan's draft item
    # turns red: members may not read it, so the member is told nothing.
    notifications.follow(cast.member, cast.council_a)
    notifications.follow(cast.clerk, cast.council_a)
    draft_item = business.item
    draft_item.rag, draft_item.rag_reason = "red", "Secret draft reason"
    save_with_reason(draft_item, user=cast.officer, reason="Test")

    notifications.deliver()

    assert [m.to for m in mail.outbox] == [["clerk@example.gov.uk"]]
    assert "Secret draft reason" in mail.outbox[0].body
    assert not Notification.objects.filter(recipient=cast.member).exists()

    # A member who loses their role before the message goes is sent nothing.
    mail.outbox.clear()
    membership = Membership.objects.get(user=cast.member, organisation=cast.council_a)
    notifications.fan_out()
    item.rag, item.rag_reason = "red", "Visible reason"
    save_with_reason(item, user=cast.officer, reason="Test")
    notifications.fan_out()
    membership.ended_at = timezone.now()
    save_with_reason(membership, user=None, reason="Role ended")
    notifications.deliver()
    assert all(m.to != ["member@example.gov.uk"] for m in mail.outbox)
    withheld = Notification.objects.get(recipient=cast.member)
    assert withheld.withheld and withheld.sent_at is not None


def test_daily_digests_group_the_days_changes_into_one_message(cast, business, plan):
    workplan, item, review = plan
    follow = notifications.follow(cast.member, cast.council_a, workplan)
    follow.frequency = Frequency.DAILY
    follow.save()
    item.rag, item.rag_reason = "red", "Late"
    save_with_reason(item, user=cast.officer, reason="Test")
    item.target_date = timezone.localdate() + timedelta(days=90)
    save_with_reason(item, user=cast.officer, reason="Test")

    notifications.deliver()
    assert mail.outbox == []
    notifications.deliver(timezone.now() + timedelta(days=1))
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Daily digest" in mail.outbox[0].subject
    assert "Amber → Red" in body and "Target date set: " in body
    assert "Reason: Late" in body
    notifications.deliver(timezone.now() + timedelta(days=2))
    assert len(mail.outbox) == 1


def test_officers_are_reminded_a_week_before_and_on_the_day_once(cast, business, plan):
    workplan, item, review = plan
    now = timezone.now()
    assert notifications.send_reminders(now) == 0
    review.due = timezone.localdate() + timedelta(days=7)
    review.save(update_fields=["due"])
    assert notifications.send_reminders(now) == 1
    assert notifications.send_reminders(now) == 0
    message = mail.outbox[0]
    assert message.to == ["officer@example.gov.uk"]
    assert "due in a week" in message.subject
    assert "WP01 Replace the telephony" in message.body
    assert "Last update: none" in message.body
    assert reverse("workplan:progress_update", args=[review.pk, item.pk]) in (
        message.body
    )
    assert "List-Unsubscribe" in message.extra_headers

    on_the_day = now + timedelta(days=7)
    assert notifications.send_reminders(on_the_day) == 1
    assert "due today" in mail.outbox[1].subject
    assert notifications.send_reminders(on_the_day) == 0
    assert notifications.send_reminders(now + timedelta(days=3)) == 0


def test_unsubscribe_links_work_once_without_signing_in(cast, business, client, plan):
    workplan, item, review = plan
    follow = notifications.follow(cast.member, cast.council_a, workplan)
    url = reverse("unsubscribe", args=[notifications.unsubscribe_token(follow)])

    page = client.get(url)
    assert page.status_code == 200
    assert "Unsubscribe" in page.content.decode()
    assert str(workplan) not in page.content.decode()
    assert client.post(url).status_code == 200
    assert not Follow.objects.filter(pk=follow.pk).exists()
    again = client.get(url).content.decode()
    assert "Already unsubscribed" in again
    assert client.post(url).status_code == 200

    token = notifications.unsubscribe_token(follow)
    tampered = token[:-1] + ("0" if token[-1] != "0" else "1")
    assert client.get(reverse("unsubscribe", args=[tampered])).status_code == 404
    assert client.post(reverse("unsubscribe", args=["f-x.y"])).status_code == 404
    assert client.get(reverse("unsubscribe", args=["x" * 500])).status_code == 404


def test_a_mail_programs_one_click_post_unsubscribes(cast, business, client, plan):
    workplan, item, review = plan
    review.due = timezone.localdate() + timedelta(days=7)
    review.save(update_fields=["due"])
    notifications.follow(cast.member, cast.council_a)
    token = notifications.unsubscribe_token(("all", cast.member, cast.council_a))
    response = client.post(
        reverse("unsubscribe", args=[token]),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not Follow.objects.filter(user=cast.member).exists()
    # Reminders: the officer's link stops them.
    reminders = notifications.unsubscribe_token(
        ("reminders", cast.officer, cast.council_a)
    )
    assert client.post(reverse("unsubscribe", args=[reminders])).status_code == 200
    assert notifications.send_reminders() == 0


def test_the_notifications_page_saves_how_often(cast, business, client_for, plan):
    workplan, item, review = plan
    follow = notifications.follow(cast.member, cast.council_a, workplan)
    notifications.follow(cast.member, cast.council_a)
    notifications.follow(cast.member, cast.council_a, business.cabinet)
    member = client_for(cast.member)
    page = member.get(reverse("notifications")).content.decode()
    assert str(workplan) in page
    assert "Ashdown Borough Council</a> (everything)" in page
    assert (
        reverse(
            "decisions:committee_detail",
            args=[cast.council_a.slug, business.cabinet.pk],
        )
        in page
    )
    response = member.post(
        reverse("notifications"), {f"frequency-{follow.pk}": "weekly"}
    )
    assert response.status_code == 302
    follow.refresh_from_db()
    assert follow.frequency == Frequency.WEEKLY
    # Nonsense is ignored, never a 500.
    member.post(reverse("notifications"), {f"frequency-{follow.pk}": "<script>"})
    follow.refresh_from_db()
    assert follow.frequency == Frequency.WEEKLY
    # Another council's record, or a draft the member may not read: 404.
    for record in (f"item-{business.item.pk}", "committee-999999", "nothing-1"):
        assert member.post(reverse("follow"), {"record": record}).status_code == 404


def test_committee_followers_hear_of_decisions_and_papers_and_officers_of_reviews(
    cast, business, plan
):
    from decisions.considered import send_papers

    from ..base import make_decision, publish

    workplan, item, review = plan
    notifications.follow(cast.member, cast.council_a, business.cabinet)
    notifications.follow(cast.officer, cast.council_a, workplan)
    notifications.follow(cast.member, cast.council_a, workplan)
    publish(make_decision(business.meeting, "Approval of the telephony"), cast.clerk)
    later = business.later_meeting
    later.agenda_published = True
    save_with_reason(later, user=cast.clerk, reason="Test")
    send_papers(later, user=cast.clerk, published_now=True)
    # A review round opened (the members may not read an open review).
    review.status = Review.Status.CLOSED
    save_with_reason(review, user=cast.officer, reason="Test")
    from workplan.reviews import open_round

    open_round(workplan, cast.clerk, {"happened_on": timezone.localdate()})

    notifications.deliver()

    to_member = [m.subject for m in mail.outbox if m.to == ["member@example.gov.uk"]]
    assert any(
        "Approval of the telephony: Decision published: a call-in must be made "
        "not later than" in subject
        for subject in to_member
    ), to_member
    assert any("Agenda and papers published" in s for s in to_member), to_member
    assert not any("Review 2 opened" in s for s in to_member)
    to_officer = [m.body for m in mail.outbox if m.to == ["officer@example.gov.uk"]]
    assert any("Review 2 opened: updates are due by" in body for body in to_officer)


def test_the_notifications_page_costs_the_same_however_much_is_followed(
    cast, business, client_for, plan
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    workplan, item, review = plan
    member = client_for(cast.member)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert member.get(reverse("notifications")).status_code == 200
        return len(queries)

    notifications.follow(cast.member, cast.council_a, item)
    notifications.follow(cast.member, cast.council_a, workplan)
    few = count()
    for reference in ("WP02", "WP03", "WP04"):
        notifications.follow(
            cast.member, cast.council_a, make_item(cast, workplan, reference)
        )
    # The draft items are listed unnamed ("A record you can no longer see").
    page = member.get(reverse("notifications")).content.decode()
    assert "A record you can no longer see" in page
    assert "Item WP02" not in page
    assert count() == few


def test_someone_whose_role_ended_can_still_unsubscribe_and_sees_no_record(
    cast, business, client, plan
):
    workplan, item, review = plan
    follow = notifications.follow(cast.member, cast.council_a, workplan)
    membership = Membership.objects.get(user=cast.member, organisation=cast.council_a)
    membership.ended_at = timezone.now()
    save_with_reason(membership, user=None, reason="Role ended")
    url = reverse("unsubscribe", args=[notifications.unsubscribe_token(follow)])
    page = client.get(url)
    assert page.status_code == 200
    assert str(workplan) not in page.content.decode()
    assert client.post(url).status_code == 200
    assert not Follow.objects.filter(pk=follow.pk).exists()


def test_the_background_worker_sends_them(cast, business, plan, monkeypatch):
    from governance.management.commands import paper_worker
    from governance.management.commands.paper_worker import PaperWorker

    def no_waiting(seconds):
        raise AssertionError("the worker's sweep failed")

    # One sweep, and no paper task to run (the task queue is the immediate
    # backend's in tests): it stops.
    monkeypatch.setattr(PaperWorker, "run_next", lambda self: False)
    monkeypatch.setattr(paper_worker.time, "sleep", no_waiting)
    # Inside the test's transaction: the worker keeps its connection.
    monkeypatch.setattr(paper_worker, "close_old_connections", lambda: None)

    workplan, item, review = plan
    notifications.follow(cast.member, cast.council_a, workplan)
    item.rag, item.rag_reason = "red", "Late"
    save_with_reason(item, user=cast.officer, reason="Test")
    worker = PaperWorker(
        queue_names=["default"],
        excluded_queue_names=[],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="notifications-test",
    )
    worker.run()
    assert [m.to for m in mail.outbox] == [["member@example.gov.uk"]]


def test_dates_moved_and_call_in_outcomes_are_told_with_context(cast, business, plan):
    """An item's target date and a milestone's due date moved (from, to, by
    how much, with the link to the item's history); a call-in's outcome
    (confirmed, or referred back); a draft item's milestone told to no
    member."""
    import datetime

    from decisions.choices import CallInOutcome
    from decisions.decision_path import DECISION_PATH
    from workplan.models import Milestone

    from ..base import hearing, make_decision, publish

    workplan, item, review = plan
    notifications.follow(cast.member, cast.council_a, workplan)
    notifications.follow(cast.member, cast.council_a, business.cabinet)
    notifications.follow(cast.clerk, cast.council_a)
    milestone = save_with_reason(
        Milestone(item=item, title="Contract signed", due=datetime.date(2026, 9, 1)),
        user=cast.officer,
        reason="Plan",
    )
    draft_milestone = save_with_reason(
        Milestone(
            item=business.item, title="Secret pilot", due=datetime.date(2026, 1, 5)
        ),
        user=cast.officer,
        reason="Plan",
    )
    item.target_date = datetime.date(2027, 3, 31)
    save_with_reason(item, user=cast.officer, reason="Test")
    Change.objects.update(fanned_out_at=timezone.now())
    item.target_date = datetime.date(2027, 6, 30)
    save_with_reason(item, user=cast.officer, reason="Supplier delay")
    milestone.due = datetime.date(2026, 8, 25)
    save_with_reason(milestone, user=cast.officer, reason="Earlier")
    draft_milestone.due = datetime.date(2026, 2, 5)
    save_with_reason(draft_milestone, user=cast.officer, reason="Later")
    decisions = []
    for outcome in (CallInOutcome.NO_FURTHER_ACTION, CallInOutcome.REFERRED_BACK):
        decision = publish(
            make_decision(business.meeting, f"Kiosks {outcome}"), cast.clerk
        )
        decision = DECISION_PATH.perform(
            decision,
            "call_in",
            cast.clerk,
            inputs={
                "called_in_by": "Councillors Clarke and Davies",
                "called_in_at": timezone.now() - timedelta(minutes=30),
            },
        )
        decisions.append(
            DECISION_PATH.perform(
                decision,
                "record_outcome",
                cast.clerk,
                inputs={"meeting": hearing(cast.council_a), "outcome": outcome},
            )
        )

    notifications.deliver()

    to_member = {
        m.subject: m.body for m in mail.outbox if m.to == ["member@example.gov.uk"]
    }
    history = f"http://127.0.0.1:8000/workplans/items/{item.pk}/history/"
    target = [b for s, b in to_member.items() if "Target date moved" in s]
    assert len(target) == 1, list(to_member)
    assert (
        "Target date moved from Wednesday 31 March 2027 to Wednesday 30 June 2027 "
        "(91 days later)" in target[0]
    )
    assert f"See it: http://127.0.0.1:8000{item.get_absolute_url()}\n" in target[0]
    assert f"What changed: {history}" in target[0]
    moved = [b for s, b in to_member.items() if "Milestone “Contract signed”" in s]
    assert len(moved) == 1, list(to_member)
    assert "moved from Tuesday 1 September 2026 to Tuesday 25 August 2026" in moved[0]
    assert "(7 days earlier)" in moved[0]
    assert f"What changed: {history}" in moved[0]
    confirmed, referred = (
        [
            body
            for subject, body in to_member.items()
            if d.title in subject and "Call-in outcome" in subject
        ]
        for d in decisions
    )
    assert len(confirmed) == 1 and len(referred) == 1, list(to_member)
    takes_effect = decisions[0].takes_effect_text
    assert (
        "Call-in outcome: no further action. The decision is confirmed and takes "
        f"effect on {takes_effect}" in confirmed[0]
    )
    assert "Call-in outcome: referred back to the decision maker" in referred[0]
    # Nobody may be told of the draft item's milestone but the council's staff.
    assert not any("Secret pilot" in body for body in to_member.values())
    to_clerk = [m.body for m in mail.outbox if m.to == ["clerk@example.gov.uk"]]
    assert any("Milestone “Secret pilot” moved" in body for body in to_clerk)
