"""Confirming an import: only the upload just previewed, once.

The preview keeps a good file in the session under a token that the
"Import" button sends back. A confirmation without that upload (none kept,
a forged token, another workplan's token, an expired upload, one already
imported) is refused with the GOV.UK error summary and the upload form,
and changes nothing; a confirmation raced against itself imports once.
"""

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from governance.submissions import SAME_CONTENT_FOR, SubmissionToken
from workplan import importers
from workplan.models import WorkplanItem

from ..base import build_business, build_cast, make_item, make_workplan, race
from .test_importers import counts

MESSAGE = "Your upload has expired or was not found. Choose the file again."
CSV = (
    "Reference,Title,Category,Work type\r\n"
    "IM01,Move email to the cloud,C,Statutory or immediate obligation\r\n"
    "IM02,Renew the firewall,ED,urgent\r\n"
)


def upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("items.csv", CSV.encode(), "text/csv")


def import_url(workplan):
    return reverse("workplan:import", args=[workplan.pk])


def preview(client, workplan):
    """Upload the file to `workplan`'s import page; the confirmation token."""
    response = client.post(import_url(workplan), {"file": upload()})
    assert response.status_code == 200
    assert "All 2 rows are good" in response.content.decode()
    token = response.context["token"]
    assert token
    return token


def confirm(client, workplan, token):
    return client.post(import_url(workplan), {"confirm": "1", "token": token})


def forget_claims():
    """As if the first confirmation was longer ago than the one-time tokens'
    guard answers the same content as already saved (`SAME_CONTENT_FOR`)."""
    SubmissionToken.objects.update(
        created_at=timezone.now() - SAME_CONTENT_FOR - timedelta(minutes=1)
    )


def assert_refused_and_asked_for_the_file(response):
    assert response.status_code == 400
    page = response.content.decode()
    # The GOV.UK error summary links to the file input, which says it too.
    assert 'class="govuk-error-summary"' in page
    assert f'<a href="#id_file">{MESSAGE}</a>' in page
    assert page.count(MESSAGE) == 2
    assert 'type="file"' in page and 'name="file"' in page
    assert "<title>Error: " in page
    assert 'name="confirm"' not in page


@pytest.fixture
def officer(cast, client_for):
    return client_for(cast.officer)


@pytest.fixture
def workplan(business):
    return business.workplan


def test_confirming_with_no_upload_in_the_session_asks_for_the_file_again(
    officer, workplan
):
    before = counts()

    for data in ({"confirm": "1"}, {"confirm": "1", "token": "anything"}):
        response = officer.post(import_url(workplan), data)
        assert_refused_and_asked_for_the_file(response)

    assert counts() == before


def test_a_forged_token_is_refused_and_the_real_one_still_imports(officer, workplan):
    token = preview(officer, workplan)
    before = counts()

    for forged in ["", "x" * 22, token[:-1], token + "x", f"{token}\x00"]:
        assert_refused_and_asked_for_the_file(confirm(officer, workplan, forged))
    assert counts() == before

    response = confirm(officer, workplan, token)
    assert response.status_code == 302
    assert workplan.items.filter(reference__startswith="IM").count() == 2


def test_another_workplan_s_token_does_not_confirm_this_workplan_s_import(
    cast, officer, workplan
):
    other = make_workplan(cast, workplan.strategy, workplan.financial_year + 1)
    other_token = preview(officer, other)
    before = counts()

    # This workplan has no upload kept; then it has one, under its own token.
    assert_refused_and_asked_for_the_file(confirm(officer, workplan, other_token))
    preview(officer, workplan)
    assert_refused_and_asked_for_the_file(confirm(officer, workplan, other_token))

    assert counts() == before
    # The other workplan's upload is still there for its own confirmation.
    assert confirm(officer, other, other_token).status_code == 302
    assert other.items.count() == 2
    assert not workplan.items.filter(reference__startswith="IM").exists()


def test_an_upload_kept_for_one_workplan_cannot_be_moved_to_another_in_the_session(
    cast, officer, workplan
):
    """Even an entry copied under another workplan's key (the session is
    signed, but the check does not rely on it) names its own workplan."""
    other = make_workplan(cast, workplan.strategy, workplan.financial_year + 1)
    token = preview(officer, other)
    session = officer.session
    session[f"workplan-import-{workplan.pk}"] = session[f"workplan-import-{other.pk}"]
    session.save()
    before = counts()

    assert_refused_and_asked_for_the_file(confirm(officer, workplan, token))
    assert counts() == before


def test_an_expired_upload_is_refused_and_forgotten(officer, workplan):
    token = preview(officer, workplan)
    session = officer.session
    key = f"workplan-import-{workplan.pk}"
    kept = session[key]
    kept["kept_at"] = time.time() - importers.UPLOAD_MAX_AGE.total_seconds() - 1
    session[key] = kept
    session.save()
    before = counts()

    assert_refused_and_asked_for_the_file(confirm(officer, workplan, token))

    assert counts() == before
    assert key not in officer.session


def test_an_upload_just_inside_its_time_is_imported(officer, workplan):
    token = preview(officer, workplan)
    session = officer.session
    key = f"workplan-import-{workplan.pk}"
    kept = session[key]
    kept["kept_at"] = time.time() - importers.UPLOAD_MAX_AGE.total_seconds() + 60
    session[key] = kept
    session.save()

    assert confirm(officer, workplan, token).status_code == 302
    assert workplan.items.filter(reference__startswith="IM").count() == 2


@pytest.mark.parametrize(
    "damage",
    [
        {"data": "not base64 at all!"},
        {"kept_at": "yesterday"},
        {"token": None, "data": None, "kept_at": None},
        "a string, not an upload",
    ],
)
def test_a_damaged_upload_in_the_session_is_refused_without_an_error(
    officer, workplan, damage
):
    token = preview(officer, workplan)
    session = officer.session
    key = f"workplan-import-{workplan.pk}"
    session[key] = {**session[key], **damage} if isinstance(damage, dict) else damage
    session.save()
    before = counts()

    assert_refused_and_asked_for_the_file(confirm(officer, workplan, token))
    assert counts() == before


def test_confirming_twice_imports_the_items_once(officer, workplan):
    token = preview(officer, workplan)
    before = WorkplanItem.objects.count()

    first = confirm(officer, workplan, token)
    second = confirm(officer, workplan, token)

    assert first.status_code == 302
    # The same confirmation sent again: already saved (`CreateOnceMixin`).
    assert (second.status_code, second["Location"]) == (302, first["Location"])
    # Later than that guard remembers it: the upload is gone.
    forget_claims()
    assert_refused_and_asked_for_the_file(confirm(officer, workplan, token))
    assert WorkplanItem.objects.count() == before + 2
    assert workplan.items.filter(reference="IM01").count() == 1


def test_a_confirmation_replayed_from_an_old_session_does_not_import_again(
    officer, workplan
):
    """A second tab, or a session restored from before the first import:
    the upload is found, but its rows are checked again and their references
    are now taken."""
    token = preview(officer, workplan)
    key = f"workplan-import-{workplan.pk}"
    kept = officer.session[key]
    assert confirm(officer, workplan, token).status_code == 302
    session = officer.session
    session[key] = kept
    session.save()
    forget_claims()  # (else answered as the same form sent again)
    before = counts()

    replay = confirm(officer, workplan, token)

    assert replay.status_code == 200
    page = replay.content.decode()
    assert "2 of 2 rows need correcting" in page
    assert "“IM01” is already used by an item in this workplan." in page
    assert 'name="confirm"' not in page
    assert counts() == before
    assert key not in officer.session


def test_a_confirmation_refused_on_saving_says_why_and_starts_again(
    cast, officer, workplan, monkeypatch
):
    """Another officer adds an item with one of the file's references between
    the check and the save (the race the workplan's row lock settles): the
    save refuses, and the page says so in the summary."""
    real_save = importers.save

    def save_after_someone_else(workplan, result, user, filename):
        make_item(cast, workplan, "IM01", title="Added by someone else")
        return real_save(workplan, result, user, filename=filename)

    token = preview(officer, workplan)
    monkeypatch.setattr(importers, "save", save_after_someone_else)

    response = confirm(officer, workplan, token)

    assert response.status_code == 400
    page = response.content.decode()
    assert '<a href="#id_file">Since the file was checked, items with the ' in page
    assert "IM01" in page
    # Nothing of the file's was imported. (The item "someone else" added
    # here was made inside the refused save's transaction, so it went too.)
    assert not workplan.items.filter(
        title__in=["Move email to the cloud", "Renew the firewall"]
    ).exists()
    assert f"workplan-import-{workplan.pk}" not in officer.session


def test_uploading_a_file_with_errors_forgets_the_upload_kept_before(officer, workplan):
    from django.core.files.uploadedfile import SimpleUploadedFile

    token = preview(officer, workplan)
    bad = SimpleUploadedFile(
        "bad.csv", b"Reference,Title,Category,Work type\r\nIM09,,C,urgent\r\n"
    )
    response = officer.post(import_url(workplan), {"file": bad})
    assert "1 of 1 rows need correcting" in response.content.decode()

    assert_refused_and_asked_for_the_file(confirm(officer, workplan, token))


def test_after_a_refused_confirmation_the_file_chosen_again_imports(officer, workplan):
    assert confirm(officer, workplan, "gone").status_code == 400
    token = preview(officer, workplan)
    assert confirm(officer, workplan, token).status_code == 302


# --- racing: the same confirmation twice at once ---------------------------------

ROUNDS = 4


def confirm_together(clients, workplan, token):
    """Post the confirmation from each client in its own thread (each with
    its own database connection), released together; the status codes."""

    def confirming(client):
        def action(barrier):
            barrier.wait(timeout=10)
            return confirm(client, workplan, token).status_code

        return action

    return race(*(confirming(client) for client in clients))


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_of_one_upload_at_once_import_it_once():
    """Two tabs of one browser (one session) press "Import" together: one
    imports; the other is answered as the same form sent again (302,
    "already saved"), finds the upload gone (400), is refused by the save's
    check under the workplan's row lock (400), or finds the references taken
    when it checks the rows again (200, with the problems). Never twice."""
    cast = build_cast()
    business = build_business(cast)

    for round_ in range(ROUNDS):
        workplan = make_workplan(cast, business.workplan.strategy, 2040 + round_)
        first = Client()
        first.force_login(cast.officer)
        token = preview(first, workplan)
        second = Client()
        second.cookies = first.cookies

        results = confirm_together([first, second], workplan, token)

        outcomes = ([200, 302], [302, 400], [302, 302])
        assert sorted(results, key=str) in outcomes, results
        assert WorkplanItem.objects.filter(workplan=workplan).count() == 2
