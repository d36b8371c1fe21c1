"""Creates that happen once: every create form carries a one-time token; the
same form sent again shows what it made ("This was already saved") instead
of a second record; a clash on a unique constraint gives the form back with
why, never a 500 (`governance/submissions.py`).

The racing cases (the same form posted twice at the same instant, on real
connections) are in `test_double_submit_faults.py`.
"""

import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.utils.html import escape
from django.views.generic.edit import BaseCreateView

from decisions.models import ClosureDay, Meeting
from governance.submissions import FIELD, CreateOnceMixin, SubmissionToken
from workplan.forms import ItemForm
from workplan.models import WorkplanItem

from ..access.test_access_matrix import MATRIX, snapshot, url_for
from ..base import build_business, build_cast, sign_in

#: Pages that create records without being Django `CreateView`s.
OTHER_CREATES = {
    "strategy:strategy_replace",
    "workplan:import_check",
    "decisions:closure_day_create",
    "decisions:bank_holiday_worked_create",
    "governance:person_invite",
}
ALREADY_SAVED = "This was already saved"
TOKEN_INPUT = re.compile(rf'name="{FIELD}" value="([0-9a-f-]{{36}})"')


def views_by_name(resolver=None, namespace=None):
    """(namespace:name, view class) for every class-based named URL."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            yield from views_by_name(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            view_class = getattr(pattern.callback, "view_class", None)
            if view_class is not None:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield name, view_class


def create_views():
    return sorted(
        name
        for name, view_class in views_by_name()
        if issubclass(view_class, BaseCreateView) or name in OTHER_CREATES
    )


CREATE_VIEWS = create_views()


def test_every_create_view_carries_the_one_time_token():
    classes = dict(views_by_name())
    assert set(OTHER_CREATES) <= set(classes), "a page named here has gone"
    for name in CREATE_VIEWS:
        view_class = classes[name]
        assert issubclass(view_class, CreateOnceMixin), f"{name} has no token"
        if name != "workplan:import_check":  # its own post() calls save_once
            # Nothing before the mixin bypasses it.
            assert view_class.post is CreateOnceMixin.post, name
    # And every page with the mixin is a create view tested below.
    with_mixin = {
        name for name, cls in classes.items() if issubclass(cls, CreateOnceMixin)
    }
    assert with_mixin == set(CREATE_VIEWS)


def test_every_form_button_prevents_a_double_click():
    templates = Path(__file__).resolve().parents[2] / "templates"
    missing = []
    for path in templates.rglob("*.html"):
        for button in re.findall(r"<button\b[^>]*>", path.read_text()):
            if 'type="button"' in button:
                continue  # not a form button (the menu toggle)
            if not (
                'data-module="govuk-button"' in button
                and 'data-prevent-double-click="true"' in button
            ):
                missing.append(f"{path.relative_to(templates)}: {button}")
    assert not missing, "\n".join(missing)


# --- one built state for every create view ------------------------------------------


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """The cast and the business, built once for this module inside a
    transaction rolled back after its last test (each test runs in its own
    savepoint within it)."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            cast = build_cast()
            yield cast, build_business(cast)
            transaction.set_rollback(True)


def post_row(name):
    """The access matrix's successful POST of `name`: its row and a role whose
    post changes data (one of council A's)."""
    for row in MATRIX:
        if row.name == name and row.method == "POST" and row.changes_for:
            for role in ("officer", "clerk", "administrator"):
                if role in row.changes_for:
                    return row, role
    raise AssertionError(f"no successful POST of {name} in the access matrix")


def token_in(response):
    found = TOKEN_INPUT.findall(response.content.decode())
    assert len(found) == 1, "the form has no one-time token"
    return found[0]


def first_post(client, name, url, row, cast, business):
    """What the browser sends from the form as shown: (data, the response)."""
    data = {**row.data(cast, business), FIELD: token_in(client.get(url))}
    return data, client.post(url, data)


@pytest.mark.parametrize("name", CREATE_VIEWS)
def test_a_create_form_sent_again_shows_what_it_made(built, db, name):
    cast, business = built
    row, role = post_row(name)
    url = url_for(row, cast, business)
    client = sign_in(Client(), cast.user(role))

    data, first = first_post(client, name, url, row, cast, business)
    assert first.status_code == 302, first.content.decode()[:2000]
    claim = SubmissionToken.objects.get(token=data[FIELD])
    assert claim.url == first["Location"]
    # The record it made is noted on the claim.
    assert claim.content_type is not None
    assert claim.content_type.get_object_for_this_type(pk=claim.object_id)

    after_first = snapshot()
    again = client.post(url, data)

    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    assert snapshot() == after_first, "the form sent again changed data"
    assert ALREADY_SAVED in client.get(again["Location"]).content.decode()


def test_the_same_form_fetched_anew_and_sent_again_shows_what_it_made(built, db):
    """A browser's Back may fetch the form again (a new token) and put back
    what was typed: the same content on the same page, from the same person,
    within ten minutes, is the same form sent again, while its record is
    there. Other content, or another person, is a new record."""
    cast, business = built
    row, role = post_row("decisions:meeting_create")
    url = url_for(row, cast, business)
    client = sign_in(Client(), cast.user(role))
    data = row.data(cast, business)
    first = client.post(url, {**data, FIELD: token_in(client.get(url))})
    assert first.status_code == 302
    made = Meeting.objects.count()

    again = client.post(url, {**data, FIELD: token_in(client.get(url))})

    assert again["Location"] == first["Location"]
    assert Meeting.objects.count() == made
    assert ALREADY_SAVED in client.get(again["Location"]).content.decode()
    # Another venue: a new meeting.
    other = {**data, "venue": "Council Chamber", FIELD: token_in(client.get(url))}
    assert client.post(url, other)["Location"] != first["Location"]
    assert Meeting.objects.count() == made + 1
    # Another person's same content: theirs.
    colleague = sign_in(Client(), cast.administrator)
    theirs = {**data, FIELD: token_in(colleague.get(url))}
    assert colleague.post(url, theirs)["Location"] != first["Location"]
    # Once the first meeting is gone, or ten minutes later, it is made again.
    SubmissionToken.objects.filter(url=first["Location"]).update(
        created_at=timezone.now() - timedelta(minutes=11)
    )
    anew = client.post(url, {**data, FIELD: token_in(client.get(url))})
    assert anew["Location"] != first["Location"]


def test_a_token_claimed_by_someone_else_is_not_their_record(built, db):
    cast, business = built
    url = url_for(post_row("decisions:meeting_create")[0], cast, business)
    token = uuid.uuid4()
    SubmissionToken.objects.create(token=token, user=cast.administrator, url="/x")
    client = sign_in(Client(), cast.clerk)
    data = {**post_row("decisions:meeting_create")[0].data(cast, business)}

    response = client.post(url, {**data, FIELD: str(token)})

    assert response.status_code == 409
    assert "There is a problem" in response.content.decode()


@pytest.mark.without_submission_token
@pytest.mark.parametrize("name", CREATE_VIEWS)
def test_a_post_without_a_token_is_refused_with_the_text_kept(built, db, name):
    """A script, or a page loaded before tokens were issued: never saved
    unguarded. The form comes back (400) with why, the text typed and a
    fresh token, so saving it again is a deliberate choice."""
    cast, business = built
    row, role = post_row(name)
    url = url_for(row, cast, business)
    client = sign_in(Client(), cast.user(role))
    if name == "workplan:import_check":
        # A kept upload of its own (an earlier test here may have imported
        # the module's), confirmed with no token.
        from ..access.test_access_matrix import with_import_upload

        with_import_upload(cast, business)
        url = url_for(row, cast, business)
        data = {}
    else:
        data = row.data(cast, business)
    before = snapshot()

    response = client.post(url, data)

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "carried no one-time code" in page
    assert snapshot() == before
    # A blank token is no token.
    assert client.post(url, {**data, FIELD: " "}).status_code == 400
    assert snapshot() == before
    if name == "workplan:import_check":
        return
    fresh = token_in(response)
    typed = [v for k, v in data.items() if k in ("title", "name", "venue", "text")]
    for value in typed:
        assert escape(value) in page, value  # the text is kept
    # Sent again from that page, it saves.
    assert client.post(url, {**data, FIELD: fresh}).status_code == 302


def test_a_broken_token_gives_the_form_back_with_why(built, db):
    cast, business = built
    row, role = post_row("decisions:meeting_create")
    client = sign_in(Client(), cast.user(role))
    before = snapshot()

    response = client.post(
        url_for(row, cast, business), {**row.data(cast, business), FIELD: "x"}
    )

    assert response.status_code == 200
    assert "This form could not be checked" in response.content.decode()
    assert snapshot() == before


# --- clashes on a unique constraint -------------------------------------------------


def test_an_item_reference_taken_meanwhile_gives_the_form_back_with_why(
    built, db, monkeypatch
):
    """Someone else's item with the same reference is saved between this
    form's checks and its save (here: the check is skipped, as if it had run
    before theirs was committed): the form comes back, nothing saved."""
    cast, business = built
    row, role = post_row("workplan:item_create")
    url = url_for(row, cast, business)
    client = sign_in(Client(), cast.user(role))
    data = {
        **row.data(cast, business),
        "reference": business.item.reference,
        FIELD: token_in(client.get(url)),
    }
    monkeypatch.setattr(ItemForm, "validate_unique", lambda form: None)
    monkeypatch.setattr(
        ItemForm, "clean_reference", lambda form: form.cleaned_data["reference"]
    )
    before = snapshot()

    response = client.post(url, data)

    assert response.status_code == 409
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Someone else added an item with this reference" in page
    assert snapshot() == before
    assert "Item added" not in page  # no success banner for what was undone
    assert WorkplanItem.objects.filter(reference=business.item.reference).count() == 1
    # The same form, with another reference, then saves.
    monkeypatch.undo()
    response = client.post(url, {**data, "reference": "WP77"})
    assert response.status_code == 302


def test_closure_days_taken_meanwhile_give_the_form_back_with_why(
    built, db, monkeypatch
):
    cast, business = built
    row, role = post_row("decisions:closure_day_create")
    url = url_for(row, cast, business)
    client = sign_in(Client(), cast.user(role))
    taken = business.closure_day.date
    data = {
        "first_day": str(taken - timedelta(days=1)),
        "last_day": str(taken + timedelta(days=1)),
        "description": "Shut",
        FIELD: token_in(client.get(url)),
    }

    def every_day(organisation, first, last):
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    monkeypatch.setattr(ClosureDay, "days_to_add", staticmethod(every_day))
    before = snapshot()

    response = client.post(url, data)

    assert response.status_code == 409
    assert "Someone else added a closure day" in response.content.decode()
    assert snapshot() == before
    assert ClosureDay.objects.filter(date=taken).count() == 1


# --- old claims -----------------------------------------------------------------------


def test_claims_older_than_a_day_are_purged_when_new_ones_are_written(built, db):
    cast, business = built
    old = SubmissionToken.objects.create(
        token=uuid.uuid4(), created_at=timezone.now() - timedelta(days=1, minutes=1)
    )
    recent = SubmissionToken.objects.create(
        token=uuid.uuid4(), created_at=timezone.now() - timedelta(hours=23)
    )
    row, role = post_row("decisions:meeting_create")
    url = url_for(row, cast, business)
    client = sign_in(Client(), cast.user(role))

    client.post(url, {**row.data(cast, business), FIELD: token_in(client.get(url))})

    assert not SubmissionToken.objects.filter(pk=old.pk).exists()
    assert SubmissionToken.objects.filter(pk=recent.pk).exists()
