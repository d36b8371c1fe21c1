"""The workplan's own title, and the council's choice of listing future works
in their own section at the end of the workplan page and its appendix."""

from django.apps import apps
from django.urls import reverse

from governance.history import save_with_reason
from governance.papers import paper_html
from strategy.models import Theme
from workplan.models import Workplan, WorkplanSettings
from workplan.papers import workplan_appendix_part, workplan_appendix_title

from ..base import approve_workplan, make_item, with_version

ERROR_SUMMARY = 'class="govuk-error-summary"'


def snapshot():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label == "workplan"
    }


def edit_data(workplan, **changes):
    return {
        "title": workplan.title,
        "financial_year": str(workplan.financial_year),
        "review_months": str(workplan.review_months),
        "version": str(workplan.version),
        **changes,
    }


def test_a_workplan_is_called_by_its_year_until_given_its_own_title(
    cast, business, client_for
):
    workplan = business.workplan
    assert str(workplan) == "ICT workplan 2023–24"
    client = client_for(cast.officer)
    url = reverse("workplan:workplan_update", args=[workplan.pk])
    before = snapshot()

    refused = client.post(url, edit_data(workplan, title="x" * 201))

    assert refused.status_code == 200 and ERROR_SUMMARY in refused.text
    assert snapshot() == before

    title = "ICT Strategy Annual Workplan 2023–2024"
    assert client.post(url, edit_data(workplan, title=title)).status_code == 302

    workplan = Workplan.objects.get(pk=workplan.pk)
    assert str(workplan) == title
    assert workplan.history.first().history_change_reason == "Draft changed"
    page = client.get(workplan.get_absolute_url()).text
    assert f'<h1 class="govuk-heading-l">{title}</h1>' in page
    assert workplan_appendix_title(workplan).endswith(f"– {title}")
    paper = paper_html("Paper", cast.council_a, [workplan_appendix_part(workplan)])
    assert title in paper


def test_an_approved_workplan_keeps_its_title(cast, business, client_for):
    workplan = approve_workplan(cast, business, business.workplan)
    before = snapshot()

    response = client_for(cast.officer).post(
        reverse("workplan:workplan_update", args=[workplan.pk]),
        edit_data(workplan, title="Renamed after approval"),
    )

    assert response.status_code == 409
    assert snapshot() == before


def test_future_works_are_their_own_last_section_where_the_council_says_so(
    cast, business, client_for
):
    workplan = business.workplan
    first = workplan.strategy.themes.order_by("position").first()
    second = save_with_reason(
        Theme(strategy=workplan.strategy, position=first.position + 1, title="Data"),
        user=None,
        reason="Test set-up",
    )
    make_item(cast, workplan, "WP02", title="Replace the telephony", theme=second)
    make_item(cast, workplan, "WP03", title="Smart bins", category="FW", theme=first)
    client = client_for(cast.clerk)

    def captions(page):
        return [
            part.split("</caption>")[0].rsplit(">", 1)[-1]
            for part in page.split(
                '<table class="govuk-table app-items app-table-stack">'
            )[1:]
        ]

    def groups():
        part = workplan_appendix_part(workplan)
        return [(group["theme"], len(group["rows"])) for group in part.data["groups"]]

    before = captions(client.get(workplan.get_absolute_url()).text)
    assert before == [first.title, second.title]
    assert groups() == [(first.title, 2), (second.title, 1)]
    assert (
        "Listed under their themes"
        in client.get(cast.council_a.get_absolute_url()).text
    )

    response = client.post(
        reverse("workplan:workplan_settings", args=[cast.council_a.slug]),
        with_version(
            client,
            reverse("workplan:workplan_settings", args=[cast.council_a.slug]),
            {"future_works_last": "on", "change_reason": "As our papers always have"},
        ),
    )

    assert response.status_code == 302
    assert WorkplanSettings.objects.get(organisation=cast.council_a).future_works_last
    page = client.get(workplan.get_absolute_url()).text
    assert captions(page) == [first.title, second.title, "Future works"]
    assert page.index("Smart bins") > page.index("Replace the telephony")
    assert groups() == [(first.title, 1), (second.title, 1), ("Future works", 1)]
    paper = paper_html("Paper", cast.council_a, [workplan_appendix_part(workplan)])
    assert paper.index("<h2>Future works</h2>") > paper.index("Replace the telephony")
