"""No path reaches another council's records by naming their ids.

Complete by construction from the access matrix:

* every URL that names a record is requested, by the roles of council A who
  may use it, with the id of every record of the same kind in council B:
  each answers 404;
* every form that a role of council A may submit is submitted once for each
  id of council B that any of its choice fields (people, memberships,
  committees, meetings, reports, themes, departments, strategies …) could be
  given: each is refused and nothing changes.

The Django admin, which the security probe used, is covered by
`test_admin_access.py` (superusers only).
"""

import dataclasses
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.forms import (
    BaseForm,
    BaseFormSet,
    ModelChoiceField,
    ModelMultipleChoiceField,
)
from django.urls import reverse
from django.utils import timezone

from decisions.choices import CommitteeKind
from decisions.models import ClosureDay, Committee
from governance.history import save_with_reason
from governance.models import Membership, Organisation
from strategy.models import Objective, Strategy, Theme

from ..base import (
    Business,
    make_decision,
    make_department,
    make_invitation,
    make_item,
    make_meeting,
    make_pack_job,
    make_report,
    make_review,
    make_workplan,
    put_on_agenda,
)
from .test_access_matrix import MATRIX, snapshot, url_for

SET_UP = "Test set-up"


def build_other_council(cast):
    """Council B's own records, one or more of each kind the matrix names."""
    council = cast.council_b
    cabinet = Committee.objects.get(organisation=council, kind=CommitteeKind.EXECUTIVE)
    meeting = make_meeting(
        cabinet, timezone.now() - timedelta(days=3), agenda_published=True
    )
    report = make_report(council, "Brackley's own report")
    put_on_agenda(meeting, report)
    make_decision(meeting, "Brackley's own decision")
    lead = Membership.objects.get(user=cast.other_council)
    strategy = save_with_reason(
        Strategy(
            organisation=council,
            title="Brackley Digital Strategy",
            period_start_year=2026,
            period_end_year=2029,
            vision="Brackley's vision.",
            summary="Brackley's summary.",
            created_by=cast.other_council,
            lead_officer=lead,
        ),
        user=cast.other_council,
        reason=SET_UP,
    )
    theme = save_with_reason(
        Theme(strategy=strategy, position=1, title="Brackley theme"),
        user=None,
        reason=SET_UP,
    )
    save_with_reason(
        Objective(theme=theme, position=1, text="Brackley objective."),
        user=None,
        reason=SET_UP,
    )
    workplan = make_workplan(cast, strategy, 2026)
    make_item(cast, workplan, "BR01", theme=theme)
    make_review(cast, workplan)
    make_department(council, "Brackley Housing")
    make_pack_job(meeting)
    make_invitation(council, cast.other_council, token="brackley-token-0123456789")
    save_with_reason(
        ClosureDay(organisation=council, date=timezone.localdate(), description="B"),
        user=None,
        reason=SET_UP,
    )


def ids_in_other_council(model, cast):
    """The ids of `model`'s rows that belong to council B (None: the model
    belongs to no council, so there is nothing to probe)."""
    if model is get_user_model():
        return list(
            Membership.objects.filter(organisation=cast.council_b).values_list(
                "user_id", flat=True
            )
        )
    if model is Organisation:
        return [cast.council_b.pk]
    lookup = getattr(model._default_manager.all(), "organisation_lookup", None)
    if lookup is None and any(f.name == "organisation" for f in model._meta.fields):
        lookup = "organisation"
    if lookup is None:
        return None
    return list(
        model._default_manager.filter(**{lookup: cast.council_b}).values_list(
            "pk", flat=True
        )
    )


def allowed_roles(row, status):
    return [
        role
        for role in ("officer", "clerk", "administrator", "member")
        if row.expected[role] == status
    ]


@pytest.fixture
def other_council(cast):
    build_other_council(cast)


# --- URLs naming a record ---------------------------------------------------------

BUSINESS_RECORDS = {field.name for field in dataclasses.fields(Business)}
RECORD_ROWS = [
    index
    for index, row in enumerate(MATRIX)
    if any(arg in BUSINESS_RECORDS for arg in row.args)
    and allowed_roles(row, 200 if row.method == "GET" else 302)
]


@pytest.mark.crawl
def test_a_url_naming_another_councils_record_is_a_404(
    cast, business, other_council, client_for
):
    unprobed = []
    for index in RECORD_ROWS:
        row = MATRIX[index]
        if not probe_row_urls(row, cast, business, client_for):
            unprobed.append(row.name)
    assert not unprobed, f"no record of council B to probe with: {unprobed}"


def probe_row_urls(row, cast, business, client_for):
    """Request `row`'s URL with each of council B's ids in place of each
    record it names; return how many requests were made."""
    probed = 0
    # The first role that may use the URL (the others differ only by role,
    # which the access matrix covers).
    for role in allowed_roles(row, 200 if row.method == "GET" else 302)[:1]:
        client = client_for(cast.user(role))
        for position, arg in enumerate(row.args):
            record = getattr(business, arg, None) if arg != "slug" else None
            if record is None or not hasattr(record, "pk"):
                continue
            for pk in ids_in_other_council(type(record), cast) or []:
                args = [
                    cast.council_a.slug if a == "slug" else getattr(business, a, a)
                    for a in row.args
                ]
                args = [getattr(a, "pk", a) for a in args]
                args[position] = pk
                url = reverse(row.name, args=args)
                before = snapshot()
                if row.method == "GET":
                    response = client.get(url)
                else:
                    response = client.post(
                        url, row.data(cast, business) if row.data else {}
                    )
                assert response.status_code == 404, f"{row.method} {url} as {role}"
                assert snapshot() == before
                probed += 1
    return probed


# --- forms naming a record ----------------------------------------------------------

FORM_ROWS = [
    index
    for index, row in enumerate(MATRIX)
    if row.method == "POST" and row.data and allowed_roles(row, 302)
]


def forms_on(response):
    """Every form in a page's context, each with the POST data of the
    formset it belongs to (as the browser would send it, existing rows
    included), or None for a form of its own."""
    values = [
        value
        for context in response.context or []
        for value in context.flatten().values()
    ]
    formsets = [value for value in values if isinstance(value, BaseFormSet)]
    # A template's loop over a formset puts its rows in the context too.
    rows = {id(form) for formset in formsets for form in formset.forms}
    found = []
    for formset in formsets:
        data = formset_as_sent(formset)
        found.extend((form, data) for form in formset.initial_forms)
    for value in values:
        # A formset's empty form is the template for rows added in the
        # browser ("__prefix__" stands for their index), never posted as is.
        if "__prefix__" in (getattr(value, "prefix", None) or ""):
            continue
        if isinstance(value, BaseForm) and id(value) not in rows:
            if all(value is not form for form, _ in found):
                found.append((value, None))
    return found


def formset_as_sent(formset):
    """The POST data a browser sends for `formset` unchanged: the
    management form and every existing row's values."""
    data = {}
    for form in [formset.management_form, *formset.initial_forms]:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    data[formset.add_prefix("TOTAL_FORMS")] = len(formset.initial_forms)
    return data


@pytest.mark.crawl
def test_no_form_accepts_another_councils_ids(
    cast, business, other_council, client_for
):
    probed = []
    for index in FORM_ROWS:
        probed += probe_row_forms(MATRIX[index], cast, business, client_for)
    # People, committees, meetings, reports, themes ... and the agenda's rows.
    assert len(probed) > 20
    assert "agenda_items-0-report" in probed


def probe_row_forms(row, cast, business, client_for):
    """Submit `row`'s form once for each id of council B that one of its
    choice fields could be given; return the fields probed."""
    probed = []
    role = allowed_roles(row, 302)[0]
    client = client_for(cast.user(role))
    url = url_for(row, cast, business)
    page = client.get(url)
    for form, formset_data in forms_on(page):
        for name, field in form.fields.items():
            if not isinstance(field, ModelChoiceField):
                continue
            ids = ids_in_other_council(field.queryset.model, cast)
            for pk in ids or []:
                data = {**row.data(cast, business), **(formset_data or {})}
                key = form.add_prefix(name)
                data[key] = [pk] if isinstance(field, ModelMultipleChoiceField) else pk
                before = snapshot()
                with transaction.atomic():
                    response = client.post(url, data)
                    changed = snapshot() != before
                    transaction.set_rollback(True)
                assert response.status_code in (200, 400, 403, 404, 409), (
                    f"POST {url} as {role} with {key}={pk} (council B's "
                    f"{field.queryset.model.__name__}): {response.status_code}"
                )
                assert not changed, f"POST {url} with {key}={pk} changed data"
                probed.append(key)
    return probed
