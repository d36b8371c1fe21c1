"""The lists' filter forms kept per state (`governance/filter_panel.py`):
the bytes of a fresh render, never stale, one entry per state the form
prints (not per query string)."""

import re

from django.urls import reverse

from governance import filter_panel
from governance.choices import Role
from governance.data_mark import data_mark
from governance.history import save_with_reason
from tests.base import make_person
from workplan.models import Department
from workplan.reviews import record_update

FILTER = re.compile(r'<form method="get"[^>]*class="app-filter".*?</form>', re.S)


def filter_html(response):
    assert response.status_code == 200
    return FILTER.search(response.content.decode()).group(0)


def workplan_page(business, query=""):
    path = reverse("workplan:workplan_detail", args=[business.workplan.pk])
    return f"{path}?{query}" if query else path


def test_a_kept_filter_form_is_the_form_drawn_afresh(
    cast, business, client_for, settings
):
    officer = client_for(cast.officer)
    # A theme it cannot use and a date that is no date: errors on the fields.
    path = workplan_page(
        business, "rag=red&q=%3Cb%3E&theme=999999&due_after_0=31&due_after_1=2"
    )
    filter_panel.forget()
    drawn = filter_html(officer.get(path))
    kept = filter_html(officer.get(path))
    settings.DEBUG = True  # nothing kept: drawn afresh
    afresh = filter_html(officer.get(path))

    assert kept == drawn == afresh
    assert len(filter_panel._kept) == 1
    assert 'value="red" selected' in kept
    assert "&lt;b&gt;" in kept and "<b>" not in kept
    assert "govuk-form-group--error" in kept


def test_a_renamed_theme_or_new_department_shows_at_once(cast, business, client_for):
    officer = client_for(cast.officer)
    path = workplan_page(business)
    theme = business.approved_strategy.themes.get()
    before = filter_html(officer.get(path))
    theme.title = "Renamed theme"
    save_with_reason(theme, user=cast.officer, reason="Test")
    save_with_reason(
        Department(organisation=cast.council_a, name="New department"),
        user=None,
        reason="Test set-up",
    )

    after = filter_html(officer.get(path))

    assert "Renamed theme" not in before and "New department" not in before
    assert "Renamed theme" in after and "New department" in after


def test_an_officer_renamed_or_given_the_role_shows_at_once(cast, business, client_for):
    officer = client_for(cast.officer)
    path = workplan_page(business)
    before = filter_html(officer.get(path))
    cast.officer.first_name = "Renamed"
    cast.officer.save()
    make_person("newly_appointed", cast.council_a, Role.OFFICER)

    after = filter_html(officer.get(path))

    assert "Renamed" not in before and "Newly Appointed" not in before
    # By name, as the item form names them (not by account name).
    assert "Renamed Tester" in after and "Newly Appointed Tester" in after
    assert "newly_appointed" not in after


def test_a_progress_update_leaves_the_kept_form_where_it_was(
    cast, business, client_for
):
    """Progress moves the council's data mark but none of the choices: the
    form is found again, not drawn afresh (a new key would be a new entry)."""
    officer = client_for(cast.officer)
    path = workplan_page(business)
    filter_panel.forget()
    before = filter_html(officer.get(path))
    mark = data_mark(cast.council_a)
    record_update(
        business.review,
        business.item,
        cast.officer,
        {
            "delivery_status": "in-progress",
            "rag": "amber",
            "rag_reason": "The supplier is late.",
            "percent_complete": 40,
            "commentary": "Waiting for the supplier.",
            "revised_start_date": None,
            "revised_target_date": None,
        },
    )

    assert data_mark(cast.council_a) != mark
    assert filter_html(officer.get(path)) == before
    assert len(filter_panel._kept) == 1


def test_parameters_the_form_does_not_read_make_no_new_entries(
    cast, business, client_for
):
    officer = client_for(cast.officer)
    filter_panel.forget()
    officer.get(workplan_page(business, "rag=red"))
    for n in range(5):
        officer.get(workplan_page(business, f"rag=red&junk={n}&page=1"))
    assert len(filter_panel._kept) == 1

    green = filter_html(officer.get(workplan_page(business, "rag=green")))

    assert len(filter_panel._kept) == 2
    assert 'value="green" selected' in green and 'value="red" selected' not in green


def test_the_other_lists_filters_are_kept_too(cast, business, client_for):
    clerk = client_for(cast.clerk)
    filter_panel.forget()
    pages = [
        reverse("decisions:decision_list") + "?key_decision=yes",
        reverse("decisions:meeting_list") + "?when=past",
        reverse("strategy:strategy_list"),
    ]
    first = [filter_html(clerk.get(path)) for path in pages]
    again = [filter_html(clerk.get(path)) for path in pages]

    assert again == first
    assert len(filter_panel._kept) == len(pages)
    assert 'value="yes" selected' in first[0] and 'value="past" selected' in first[1]


def test_a_field_built_from_the_class_filters_never_reaches_a_page(
    cast, business, client_for
):
    """A filter keeps the field it first builds. Built from the class's
    filters (no request: no choices), it must not reach a request's form."""
    from decisions.filtersets import ReportFilterSet
    from workplan.filtersets import ItemFilterSet

    built_without_a_request = [
        ItemFilterSet.base_filters["theme"],
        ReportFilterSet.base_filters["committee"],
    ]
    try:
        for filter_ in built_without_a_request:
            assert not filter_.field.choices or filter_.field.queryset is not None
        officer = client_for(cast.officer)
        html = filter_html(officer.get(workplan_page(business)))
        assert business.approved_strategy.themes.get().title in html
        reports = officer.get(
            reverse("decisions:report_list"), {"committee": business.cabinet.pk}
        )
        assert reports.status_code == 200
        assert not reports.context["filter"].form.errors
        assert business.report in reports.context["report_list"]
    finally:
        for filter_ in built_without_a_request:
            filter_.__dict__.pop("_field", None)
