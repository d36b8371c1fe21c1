"""Every edit is guarded (`governance.mixins.VersionedUpdateMixin`).

- Every view that accepts a POST either carries the guard or is listed
  below with why it needs none (it makes a record, takes a lifecycle step,
  or acts on the person's own account): a new edit page without the guard
  turns this red.
- Two sessions on each edit form that had no guard before: the stale save
  is refused (409) with both texts shown; fields the second person did not
  touch never revert; after reloading, their save keeps the first person's
  change.
- With the history write failing, an edit saves nothing (one transaction):
  every guarded page, the workplan item edit and the strategy's minor
  amendment (no amendment recorded) among them.
- A form posted without the version it was based on is refused (400), its
  text kept, the form now carrying the current version.
- Ten first progress updates of one item at once: one saved, nine conflict
  pages with their text, no 500 (`faults`).
"""

from datetime import date
from unittest import mock

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.html import escape
from simple_history.models import HistoricalRecords

from decisions.models import Meeting
from governance.choices import Role
from governance.date_input import GovukDateInput
from governance.history import save_with_reason
from governance.lifecycle import MinorAmendment
from governance.mixins import VersionedUpdateMixin
from strategy.choices import RiskLevel
from strategy.models import Risk, Theme
from workplan.models import Milestone, ProgressUpdate, WorkplanItem

from ..base import (
    build_business,
    build_cast,
    make_call_in_rule,
    make_person,
    make_post,
    race,
    sign_in,
)
from ..strategy.test_strategy_pages import form_data as single_valued_data


def _no_review_open(business):
    """`business` with its workplan's review closed."""
    business.review.status = "closed"
    business.review.save(update_fields=["status"])
    return business


def form_data(response, **changes):
    """What the browser would post back from the page, plus `changes`
    (several values for a multiple choice, which the strategy tests'
    helper does not post)."""
    data = single_valued_data(response)
    form = response.context["form"]
    for field in form:
        value = field.value()
        if isinstance(field.field.widget, GovukDateInput):
            # A bound date input's value is its parts: post them as one date.
            parts = [
                str(part or "").strip()
                for part in field.field.widget.decompress(value)
                if not isinstance(value, list | tuple)
            ] or [str(part or "").strip() for part in value]
            data[field.html_name] = "/".join(parts) if all(parts) else ""
        elif isinstance(value, list | tuple):
            data[field.html_name] = [str(v) for v in value]
    data.update(changes)
    return data


#: Views that accept a POST but change no existing record's content, and why.
NOT_EDITS = {
    # Making a record (idempotent creates are guarded by one-time tokens).
    "governance:person_invite": "makes an invitation",
    "governance:post_create": "makes a post",
    "decisions:meeting_create": "makes a meeting",
    "decisions:report_create": "makes a report",
    "decisions:decision_from_report": "makes a decision record",
    "decisions:decision_create": "makes a decision record",
    "decisions:call_in_rule_create": "makes a call-in rule",
    "decisions:bank_holiday_worked_create": "makes a working bank holiday",
    "decisions:closure_day_create": "makes closure days",
    "decisions:committee_create": "makes a committee",
    "decisions:report_heading_create": "makes a heading",
    "strategy:strategy_create": "makes a strategy",
    "strategy:strategy_replace": "makes the next version (policy checked on "
    "the locked strategy)",
    "strategy:theme_create": "makes a theme",
    "strategy:objective_create": "makes an objective",
    "workplan:workplan_create": "makes a workplan",
    "workplan:item_create": "makes an item",
    "workplan:import": "keeps an uploaded file's cells for its uploader",
    "workplan:import_columns": "the uploader's own choices on their own upload",
    "workplan:import_values": "the uploader's own choices on their own upload",
    "workplan:import_check": "makes items, all or nothing, from the uploader's "
    "upload (one-time token; references re-checked under the workplan's lock)",
    "workplan:department_create": "makes a department",
    # One-click steps with nothing typed: each is one transaction on locked
    # rows, refused (409 or a message) if the record has moved on.
    "decisions:decision_transition": "a lifecycle step (Workflow.perform locks)",
    "strategy:strategy_transition": "a lifecycle step (Workflow.perform locks)",
    "workplan:item_transition": "a lifecycle step (Workflow.perform locks)",
    "workplan:workplan_transition": "a lifecycle step (Workflow.perform locks)",
    "workplan:item_remove": "a variation removing an item (refused if removed)",
    "governance:membership_end": "ends a role (people.py locks the row)",
    "governance:invitation_cancel": "cancels an invitation (one-way)",
    "decisions:bank_holiday_worked_delete": "deletes one day",
    "decisions:closure_day_delete": "deletes one day",
    "decisions:report_heading_move": "swaps two positions",
    "strategy:theme_move": "swaps two positions",
    "strategy:objective_move": "swaps two positions",
    "workplan:item_move": "swaps two positions",
    "strategy:theme_remove": "removes a theme (confirmation only)",
    "strategy:objective_remove": "removes an objective (confirmation only)",
    # Messages and paper jobs, not records' content.
    "governance:membership_password_reset": "sends an e-mail",
    "governance:membership_second_factor_reset": "resets a second factor",
    "governance:paper_job": "asks for a paper again",
    # The person's own session and account.
    "governance:choose_organisation": "the session's council",
    "governance:invitation_accept": "accepts an invitation",
    "login": "signing in",
    "logout": "signing out",
    "sign_in_code": "signing in",
    "second_factor_set_up": "the person's own authenticator",
    "recovery_codes": "the person's own recovery codes",
    "feed_addresses": "the person's own feed addresses (new ones revoke the old)",
    "follow": "the person's own follow (following twice is following)",
    "notifications": "the person's own choice of e-mails",
    "unsubscribe": "stops the person's own e-mails (once)",
    "api_token": "the person's own API token (a new one stops the old)",
    "decisions:report_exempt_review": (
        "one review recorded under a row lock; a record released meanwhile "
        "answers 409 (released stays released)"
    ),
    "decisions:decision_exempt_review": (
        "one review recorded under a row lock; a record released meanwhile "
        "answers 409 (released stays released)"
    ),
    "password_reset": "sends an e-mail",
    "password_reset_confirm": "the person's own password",
}


def posting_views():
    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            else:
                yield namespace + (pattern.name or ""), pattern.callback

    for name, callback in walk(get_resolver().url_patterns):
        view = getattr(callback, "view_class", None)
        if name.startswith("admin:") or view is None:
            continue
        if "post" in view.http_method_names and hasattr(view, "post"):
            yield name, view


def test_every_view_that_changes_a_record_carries_the_guard():
    views = dict(posting_views())
    unguarded = sorted(
        name
        for name, view in views.items()
        if not issubclass(view, VersionedUpdateMixin) and name not in NOT_EDITS
    )
    assert unguarded == [], f"edit views without VersionedUpdateMixin: {unguarded}"
    # The list names only views that exist and are not guarded anyway.
    assert sorted(set(NOT_EDITS) - set(views)) == []
    guarded = [
        name for name in NOT_EDITS if issubclass(views[name], VersionedUpdateMixin)
    ]
    assert guarded == []
    # The six forms the issue found unguarded are among the guarded.
    for name in (
        "strategy:theme_update",
        "strategy:risks_update",
        "workplan:milestones_update",
        "workplan:progress_update",
        "decisions:agenda_update",
        "decisions:meeting_update",
    ):
        assert issubclass(views[name], VersionedUpdateMixin), name


# --- two sessions on each formerly unguarded form ---------------------------------


@pytest.fixture
def two(cast):
    second = make_person("second_officer", cast.council_a, Role.OFFICER)
    second_clerk = make_person("second_clerk", cast.council_a, Role.CLERK)
    return {
        "officer": (sign_in(Client(), cast.officer), sign_in(Client(), second)),
        "clerk": (sign_in(Client(), cast.clerk), sign_in(Client(), second_clerk)),
    }


def lost_update(alice, bob, url, alice_changes, bob_changes):
    """A and B load `url`; A saves; B's save (from the old page) is
    refused with both texts; B reloads and saves. Returns the responses."""
    alice_page, bob_page = alice.get(url), bob.get(url)
    assert alice_page.status_code == bob_page.status_code == 200
    saved = alice.post(url, form_data(alice_page, **alice_changes))
    assert saved.status_code == 302, saved.content.decode()[:3000]
    stale = bob.post(url, form_data(bob_page, **bob_changes))
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "Someone else saved a change" in page
    for value in bob_changes.values():
        assert escape(value) in page  # their text is kept
    again = bob.post(url, form_data(bob.get(url), **bob_changes))
    assert again.status_code == 302
    return stale


def test_theme_title_and_description_edited_by_two_people_both_survive(
    cast, business, two
):
    theme = business.theme
    url = reverse("strategy:theme_update", args=[theme.strategy_id, theme.pk])
    stale = lost_update(
        *two["officer"],
        url,
        {"title": "Renamed by Alice"},
        {"description": "Described by Bob"},
    )
    assert escape("Renamed by Alice") in stale.content.decode()
    stored = Theme.objects.get(pk=theme.pk)
    assert (stored.title, stored.description) == (
        "Renamed by Alice",
        "Described by Bob",
    )


def test_two_people_editing_different_risks_lose_neither(cast, business, two):
    strategy = business.draft_strategy
    for number in (1, 2):
        save_with_reason(
            Risk(
                strategy=strategy,
                description=f"Risk {number}",
                likelihood=RiskLevel.LOW,
                impact=RiskLevel.LOW,
            ),
            user=cast.officer,
            reason="test",
        )
    url = reverse("strategy:risks_update", args=[strategy.pk])
    lost_update(
        *two["officer"],
        url,
        {"risks-0-description": "Risk one, Alice"},
        {"risks-1-description": "Risk two, Bob"},
    )
    descriptions = set(strategy.risks.values_list("description", flat=True))
    assert {"Risk one, Alice", "Risk two, Bob"} <= descriptions


def test_two_people_editing_different_milestones_lose_neither(cast, business, two):
    item = business.item
    for number in (1, 2):
        save_with_reason(
            Milestone(item=item, title=f"Milestone {number}", due="2027-01-01"),
            user=cast.officer,
            reason="test",
        )
    url = reverse("workplan:milestones_update", args=[item.pk])
    lost_update(
        *two["officer"],
        url,
        {"milestones-0-title": "First, Alice"},
        {"milestones-1-title": "Second, Bob"},
    )
    assert sorted(item.milestones.values_list("title", flat=True)) == [
        "First, Alice",
        "Second, Bob",
    ]


def test_two_people_correcting_one_progress_update_lose_neither(cast, business, two):
    url = reverse(
        "workplan:progress_update", args=[business.review.pk, business.item.pk]
    )
    alice, bob = two["officer"]
    first = alice.post(
        url,
        form_data(alice.get(url), commentary="First words.", rag="green"),
    )
    assert first.status_code == 302
    lost_update(
        alice,
        bob,
        url,
        {"commentary": "Alice's commentary"},
        {"rag_reason": "Bob's reason"},
    )
    update = ProgressUpdate.objects.get(review=business.review, item=business.item)
    assert (update.commentary, update.rag_reason) == (
        "Alice's commentary",
        "Bob's reason",
    )


def test_two_clerks_on_one_meeting_and_its_agenda_lose_nothing(cast, business, two):
    meeting = business.meeting
    url = reverse("decisions:meeting_update", args=[meeting.pk])
    lost_update(*two["clerk"], url, {"venue": "Alice's room"}, {"time": "19:15"})
    stored = Meeting.objects.get(pk=meeting.pk)
    assert stored.venue == "Alice's room"
    assert timezone.localtime(stored.starts_at).strftime("%H:%M") == "19:15"

    agenda = reverse("decisions:agenda_update", args=[meeting.pk])
    clerk = two["clerk"][0]
    prefix = clerk.get(agenda).context["formset"].prefix
    lost_update(
        *two["clerk"],
        agenda,
        {f"{prefix}-0-title": "Alice's item"},
        {f"{prefix}-0-title": "Bob's item"},
    )
    assert list(meeting.agenda_items.values_list("title", flat=True)) == ["Bob's item"]


# --- the history write fails: nothing is saved ------------------------------------


def failing_history(*args, **kwargs):
    raise RuntimeError("history write failed (injected)")


EDITS = {
    # name: (url of the page, changes posted, the value read back)
    "theme": (
        lambda b: reverse(
            "strategy:theme_update", args=[b.theme.strategy_id, b.theme.pk]
        ),
        {"title": "Never saved"},
        lambda b: Theme.objects.get(pk=b.theme.pk).title,
    ),
    "strategy": (
        lambda b: reverse("strategy:strategy_update", args=[b.draft_strategy.pk]),
        {"vision": "Never saved"},
        lambda b: type(b.draft_strategy).objects.get(pk=b.draft_strategy.pk).vision,
    ),
    "meeting": (
        lambda b: reverse("decisions:meeting_update", args=[b.meeting.pk]),
        {"venue": "Never saved"},
        lambda b: Meeting.objects.get(pk=b.meeting.pk).venue,
    ),
    "progress": (
        lambda b: reverse("workplan:progress_update", args=[b.review.pk, b.item.pk]),
        {"commentary": "Never saved", "rag": "green"},
        lambda b: ProgressUpdate.objects.filter(commentary="Never saved").count(),
    ),
    "milestones": (
        lambda b: reverse("workplan:milestones_update", args=[b.item.pk]),
        {"milestones-0-title": "Never saved", "milestones-0-due": "2027-01-01"},
        lambda b: Milestone.objects.filter(title="Never saved").count(),
    ),
    "item": (
        lambda b: reverse("workplan:item_update", args=[b.item.pk]),
        {"title": "Never saved"},
        lambda b: WorkplanItem.objects.get(pk=b.item.pk).title,
    ),
    "amendment": (
        lambda b: reverse("strategy:strategy_amend", args=[b.approved_strategy.pk]),
        lambda cast: {
            "vision": "Never saved",
            "change_reason": "Injected failure",
            "authorised_by": str(cast.administrator.pk),
        },
        lambda b: (
            type(b.approved_strategy).objects.get(pk=b.approved_strategy.pk).vision,
            MinorAmendment.objects.count(),
        ),
    ),
    "risks": (
        lambda b: reverse("strategy:risks_update", args=[b.draft_strategy.pk]),
        {
            "risks-0-description": "Never saved",
            "risks-0-likelihood": RiskLevel.LOW,
            "risks-0-impact": RiskLevel.LOW,
        },
        lambda b: Risk.objects.filter(description="Never saved").count(),
    ),
}


@pytest.mark.parametrize("name", EDITS)
def test_with_the_history_write_failing_an_edit_saves_nothing(cast, business, name):
    url_of, changes, read_back = EDITS[name]
    user = cast.clerk if name == "meeting" else cast.officer
    client = sign_in(Client(raise_request_exception=False), user)
    url = url_of(business)
    before = read_back(business)
    if callable(changes):
        changes = changes(cast)
    data = form_data(client.get(url), **changes)
    with mock.patch.object(
        HistoricalRecords, "create_historical_record", failing_history
    ):
        response = client.post(url, data)
    assert response.status_code == 500
    assert read_back(business) == before


def _council(b):
    return b.meeting.committee.organisation.slug


#: Every other guarded page: (url name, who, URL arguments, changes to post).
#: Posting the page back (with a reason where asked) writes history, so with
#: the history write failing each must answer 500 and change nothing.
ALL_EDITS = [
    ("governance:organisation_settings", "administrator", lambda b: [_council(b)], {}),
    (
        "governance:route_update",
        "administrator",
        lambda b: [_council(b), "strategy"],
        {},
    ),
    (
        "governance:membership_update",
        "administrator",
        lambda b: [_council(b), b.membership.pk],
        {},
    ),
    (
        "governance:post_update",
        "clerk",
        lambda b: [_council(b), make_post(b.cabinet.organisation, "Director").pk],
        {},
    ),
    ("decisions:report_update", "clerk", lambda b: [b.report.pk], {}),
    ("decisions:decision_update", "clerk", lambda b: [b.draft_decision.pk], {}),
    (
        "decisions:call_in_rule_update",
        "administrator",
        lambda b: [
            _council(b),
            make_call_in_rule(b.cabinet.organisation, applies_from=date(2099, 1, 1)).pk,
        ],
        {},
    ),
    ("decisions:numbering_settings", "clerk", lambda b: [_council(b)], {}),
    (
        "decisions:committee_update",
        "administrator",
        lambda b: [_council(b), b.cabinet.pk],
        {},
    ),
    ("decisions:report_template_settings", "clerk", lambda b: [_council(b)], {}),
    # With no review open (else the page sends the officer to the review's).
    ("workplan:item_progress", "officer", lambda b: [_no_review_open(b).item.pk], {}),
    ("workplan:workplan_settings", "clerk", lambda b: [_council(b)], {}),
    ("workplan:variation_settings", "clerk", lambda b: [_council(b)], {}),
    (
        "workplan:department_update",
        "officer",
        lambda b: [_council(b), b.department.pk],
        {},
    ),
]


@pytest.mark.parametrize(
    "name, role, args, changes",
    ALL_EDITS,
    ids=[f"{name}-{role}" for name, role, _args, _changes in ALL_EDITS],
)
def test_with_the_history_write_failing_no_guarded_page_half_saves(
    cast, business, name, role, args, changes
):
    client = sign_in(Client(raise_request_exception=False), getattr(cast, role))
    url = reverse(name, args=args(business))
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page, change_reason="Injected failure", **changes)
    with mock.patch.object(
        HistoricalRecords, "create_historical_record", failing_history
    ):
        response = client.post(url, data)
    assert response.status_code == 500
    # Nothing saved: the guarded row's version has not moved on.
    assert form_data(client.get(url))["version"] == data["version"]


# --- ten first updates at once (real connections) ----------------------------------


@pytest.mark.faults
@pytest.mark.django_db(transaction=True)
def test_ten_first_progress_updates_at_once_save_one_and_refuse_nine():
    cast = build_cast()
    business = build_business(cast)
    url = reverse(
        "workplan:progress_update", args=[business.review.pk, business.item.pk]
    )
    officers = [cast.officer] + [
        make_person(f"officer_{n}", cast.council_a, Role.OFFICER) for n in range(9)
    ]
    clients = [sign_in(Client(raise_request_exception=False), o) for o in officers]
    posts = [
        form_data(client.get(url), commentary=f"Commentary of officer {n}", rag="green")
        for n, client in enumerate(clients)
    ]
    assert {data["version"] for data in posts} == {"0"}

    def sender(client, data):
        def act(barrier):
            barrier.wait(timeout=10)
            response = client.post(url, data)
            return response.status_code, response.content.decode()

        return act

    results = race(*(sender(c, d) for c, d in zip(clients, posts, strict=True)))

    statuses = sorted(status for status, _page in results)
    assert statuses == [302] + [409] * 9, statuses
    assert ProgressUpdate.objects.filter(review=business.review).count() == 1
    for n, (status, page) in enumerate(results):
        if status == 409:
            assert escape(f"Commentary of officer {n}") in page


# --- a form without the version it was based on -----------------------------------

WITHOUT_VERSION = [
    (f"strategy-{name}", url_of, changes)
    for name, (url_of, changes, _read) in EDITS.items()
    if name not in ("meeting", "progress")
] + [
    (name, lambda b, name=name, args=args: reverse(name, args=args(b)), changes)
    for name, role, args, changes in ALL_EDITS
    if role == "officer"
]


@pytest.mark.parametrize(
    "name, url_of, changes",
    WITHOUT_VERSION,
    ids=[name for name, _url_of, _changes in WITHOUT_VERSION],
)
def test_an_edit_posted_without_its_version_is_refused_with_the_text_kept(
    cast, business, name, url_of, changes
):
    client = sign_in(Client(), cast.officer)
    url = url_of(business)
    if callable(changes):
        changes = changes(cast)
    typed = "Typed but not checked"
    page = client.get(url)
    text_field = next(
        field
        for field in ("title", "vision", "description", "name", "text", "rag_reason")
        if field in page.context["form"].fields
        or field in changes
        or any(key.endswith(f"-{field}") for key in changes)
    )
    data = form_data(page, **{"change_reason": "Unchecked", **changes})
    key = next((k for k in changes if k.endswith(f"-{text_field}")), text_field)
    data[key] = typed
    del data["version"]

    response = client.post(url, data)

    assert response.status_code == 400, response.content.decode()[:2000]
    shown = response.content.decode()
    assert "There is a problem" in shown
    assert "did not say which version" in shown
    assert typed in shown
    # Nothing saved; the page now carries the current version, so sending
    # it again is a deliberate save.
    resent = form_data(response)
    assert resent["version"] == form_data(client.get(url))["version"]
    assert client.post(url, resent).status_code == 302
