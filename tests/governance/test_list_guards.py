"""Lists and their parents' versions (`docs/edits.md`).

- A row added to, moved in or removed from a list by its own page (a theme,
  an objective, an item) moves on the version of the record that guards the
  list, so a form on that record loaded before is refused (409, text kept),
  never saved over the change unseen.
- A list form naming a row someone else removed answers the conflict page
  with the person's text kept (not a hidden-id error); saving that page
  again adds the row back, deliberately.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from governance.history import delete_with_reason, save_with_reason
from strategy.choices import RiskLevel
from strategy.models import Objective, Risk, Strategy, Theme
from workplan.models import Milestone, Workplan

from ..base import sign_in
from .test_edit_guards import form_data

ELSEWHERE = "What they changed is not on this form"
CONFLICT = "Someone else saved a change"


def _theme_form(b):
    return reverse("strategy:theme_update", args=[b.theme.strategy_id, b.theme.pk])


def _strategy_form(b):
    return reverse("strategy:strategy_update", args=[b.draft_strategy.pk])


def _workplan_form(b):
    return reverse("workplan:workplan_update", args=[b.workplan.pk])


def _second_objective(b, officer):
    return save_with_reason(
        Objective(theme=b.theme, text="Second objective", position=2),
        user=officer,
        reason="test",
    )


#: name: (the parent's form, the row's page, what is posted there (from the
#: page when it is a form), and a set-up returning nothing).
CHANGES = {
    "objective added": (
        _theme_form,
        lambda b: reverse(
            "strategy:objective_create", args=[b.theme.strategy_id, b.theme.pk]
        ),
        {"text": "Publish open data."},
    ),
    "objective moved": (
        _theme_form,
        lambda b: reverse(
            "strategy:objective_move",
            args=[b.theme.strategy_id, b.theme.pk, b.objective.pk],
        ),
        {"direction": "down"},
    ),
    "objective removed": (
        _theme_form,
        lambda b: reverse(
            "strategy:objective_remove",
            args=[b.theme.strategy_id, b.theme.pk, b.objective.pk],
        ),
        {},
    ),
    "theme added": (
        _strategy_form,
        lambda b: reverse("strategy:theme_create", args=[b.draft_strategy.pk]),
        {"title": "Secure by design"},
    ),
    "theme removed": (
        _strategy_form,
        lambda b: reverse(
            "strategy:theme_remove", args=[b.draft_strategy.pk, b.theme.pk]
        ),
        {},
    ),
    "item added": (
        _workplan_form,
        lambda b: reverse("workplan:item_create", args=[b.workplan.pk]),
        {
            "reference": "WP02",
            "title": "Replace the firewall",
            "category": "C",
            "work_type": "urgent",
            "delivery_status": "not-started",
            "percent_complete": "0",
            "departments": [],
        },
    ),
}


@pytest.mark.parametrize("name", CHANGES)
def test_a_row_added_moved_or_removed_refuses_the_parents_form_loaded_before(
    cast, business, name
):
    parent_url, row_url, posted = CHANGES[name]
    _second_objective(business, cast.officer)
    alice = sign_in(Client(), cast.officer)
    bob = sign_in(Client(), cast.officer)
    url = parent_url(business)
    alice_page = alice.get(url)
    assert alice_page.status_code == 200

    row_page = bob.get(row_url(business))
    data = posted
    if row_page.status_code == 200 and "form" in (row_page.context or {}):
        data = form_data(row_page, **posted)
    done = bob.post(row_url(business), data)
    assert done.status_code == 302, done.context and done.context["form"].errors

    stale = alice.post(url, form_data(alice_page, title="Alice's new title"))
    assert stale.status_code == 409, stale.content.decode()[:2000]
    page = stale.content.decode()
    assert CONFLICT in page
    assert escape("Alice's new title") in page
    if parent_url is not _theme_form:
        # (On the theme's form the objectives are compared row by row.)
        assert ELSEWHERE in page
    # Nothing of hers saved until she chooses to save again.
    parent = {
        _theme_form: lambda: Theme.objects.get(pk=business.theme.pk),
        _strategy_form: lambda: Strategy.objects.get(pk=business.draft_strategy.pk),
        _workplan_form: lambda: Workplan.objects.get(pk=business.workplan.pk),
    }[parent_url]
    assert parent().title != "Alice's new title"
    again = alice.post(url, form_data(stale, title="Alice's new title"))
    assert again.status_code == 302, again.content.decode()[:2000]
    assert parent().title == "Alice's new title"


# --- a list form naming a row that someone else removed ----------------------------


def _risks(b, officer):
    for number in (1, 2):
        save_with_reason(
            Risk(
                strategy=b.draft_strategy,
                description=f"Risk {number}",
                likelihood=RiskLevel.LOW,
                impact=RiskLevel.LOW,
                position=number,
            ),
            user=officer,
            reason="test",
        )
    return reverse("strategy:risks_update", args=[b.draft_strategy.pk])


def _milestones(b, officer):
    for number in (1, 2):
        save_with_reason(
            Milestone(item=b.item, title=f"Milestone {number}", due="2027-01-01"),
            user=officer,
            reason="test",
        )
    return reverse("workplan:milestones_update", args=[b.item.pk])


LISTS = {
    # name: (set-up returning the page, the prefix, the field typed in, rows)
    "risks": (_risks, "risks", "description", lambda b: b.draft_strategy.risks),
    "milestones": (_milestones, "milestones", "title", lambda b: b.item.milestones),
}


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("removed_by", ["their save of the list", "a bare delete"])
def test_a_list_form_naming_a_row_someone_removed_answers_the_conflict_page(
    cast, business, name, removed_by
):
    set_up, prefix, field, rows_of = LISTS[name]
    url = set_up(business, cast.officer)
    alice = sign_in(Client(raise_request_exception=False), cast.officer)
    bob = sign_in(Client(), cast.officer)
    alice_page = alice.get(url)
    count = rows_of(business).count()
    second = alice_page.context["formset"].forms[1].instance
    if removed_by == "their save of the list":
        bob_page = bob.get(url)
        removed = bob.post(url, form_data(bob_page, **{f"{prefix}-1-DELETE": "on"}))
        assert removed.status_code == 302
    else:  # (e.g. by a path that does not move the parent on)
        delete_with_reason(second, user=cast.officer, reason="test")
    assert not rows_of(business).filter(pk=second.pk).exists()

    typed = "Alice's words for the second row"
    stale = alice.post(url, form_data(alice_page, **{f"{prefix}-1-{field}": typed}))

    assert stale.status_code == 409, stale.content.decode()[:3000]
    page = stale.content.decode()
    assert CONFLICT in page
    assert escape(typed) in page
    assert "Select a valid choice" not in page
    assert not rows_of(business).filter(**{field: typed}).exists()
    # Saving the page again is her choice: the row comes back as a new one.
    again = alice.post(url, form_data(stale))
    assert again.status_code == 302, again.content.decode()[:3000]
    assert rows_of(business).filter(**{field: typed}).count() == 1
    assert rows_of(business).count() == count


def test_a_theme_form_naming_an_objective_someone_removed_keeps_the_text(
    cast, business
):
    url = _theme_form(business)
    alice = sign_in(Client(), cast.officer)
    page = alice.get(url)
    delete_with_reason(business.objective, user=cast.officer, reason="test")
    typed = "Alice's objective"
    stale = alice.post(url, form_data(page, **{"objectives-0-text": typed}))
    assert stale.status_code == 409
    assert escape(typed) in stale.content.decode()


def test_a_row_of_another_list_is_still_an_error_never_copied(cast, business):
    """An id naming a row that exists elsewhere is not "gone": it stays a
    form error, and nothing is added to this list."""
    url = _risks(business, cast.officer)
    other = save_with_reason(
        Risk(
            strategy=business.approved_strategy,
            description="Someone else's risk",
            likelihood=RiskLevel.LOW,
            impact=RiskLevel.LOW,
        ),
        user=cast.officer,
        reason="test",
    )
    alice = sign_in(Client(), cast.officer)
    count = business.draft_strategy.risks.count()
    data = form_data(alice.get(url), **{"risks-1-id": str(other.pk)})
    response = alice.post(url, data)
    assert response.status_code == 200
    assert business.draft_strategy.risks.count() == count
    assert Risk.objects.get(pk=other.pk).strategy_id == business.approved_strategy.pk
