"""Ordered lists the GOV.UK "add another" way (governance/ordered_lists.py):
recommendations, resolutions, agenda items, risks and objectives.

Without JavaScript the list's own buttons post the form: the page comes back
with the change made, nothing saved and nothing typed lost. Numbers follow
the order and are never typed; the council chooses 1, 2, 3 or (a), (b), (c).
"""

from datetime import timedelta

from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from decisions.forms import ResolutionFormSet
from decisions.models import (
    AgendaItem,
    Committee,
    DecisionRecord,
    NumberingSettings,
    Recommendation,
)
from decisions.papers import decision_record_parts, report_parts
from governance.history import save_with_reason
from governance.papers import paper_html
from strategy.models import Objective

from ..base import make_decision, make_meeting, make_report, put_on_agenda, with_version

ERROR_SUMMARY = 'class="govuk-error-summary"'


def snapshot():
    """Row counts of every model of committee business and its history."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in ("decisions", "strategy")
    }


def management(prefix, total, initial):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def report_data(report, texts, **changes):
    """The report edit page as posted: its fields, and its recommendations
    as stored followed by new rows, each given its text."""
    rows = list(report.recommendations.all())
    data = {
        "title": report.title,
        "report_of": report.report_of_id,
        "contact": report.contact_id,
        "purpose": report.purpose,
        "urgency_route": "",
        "version": report.version,
        **management("recommendations", len(texts), len(rows)),
    }
    for index, text in enumerate(texts):
        if index < len(rows):
            data[f"recommendations-{index}-id"] = str(rows[index].pk)
        data[f"recommendations-{index}-ORDER"] = str(index + 1)
        data[f"recommendations-{index}-text"] = text
    data.update(changes)
    return data


def report_with(cast, *texts):
    report = make_report(cast.council_a, "Cloud hosting")
    report.recommendations.get().delete()
    for place, text in enumerate(texts, start=1):
        save_with_reason(
            Recommendation(report=report, position=place, text=text),
            user=None,
            reason="Test set-up",
        )
    return report


def stored(report):
    return list(report.recommendations.values_list("position", "text"))


def edit(client, report, data):
    return client.post(reverse("decisions:report_update", args=[report.pk]), data)


def test_a_new_list_has_one_blank_row_and_a_saved_one_none_and_no_delete_boxes(
    cast, client_for
):
    client = client_for(cast.clerk)
    new = client.get(reverse("decisions:report_create"))
    assert len(new.context["formset"].forms) == 1

    report = report_with(cast, "That Cabinet agrees.", "That it is reviewed.")
    page = client.get(reverse("decisions:report_update", args=[report.pk]))
    assert len(page.context["formset"].forms) == 2
    html = page.content.decode()
    assert 'type="checkbox" name="recommendations-0-DELETE"' not in html
    assert 'name="recommendations-0-position"' not in html
    assert "Add another recommendation" in html
    assert 'name="recommendations-REMOVE" value="1"' in html


def test_add_another_without_javascript_shows_one_more_row_and_saves_nothing(
    cast, client_for
):
    report = report_with(cast, "That Cabinet agrees.")
    before = snapshot()
    data = report_data(
        report,
        ["That Cabinet agrees, as amended."],
        title="Cloud hosting, half typed",
        purpose="",  # required: not an error until the report is saved
        **{"recommendations-ADD": "1"},
    )

    response = edit(client_for(cast.clerk), report, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert len(response.context["formset"].forms) == 2
    assert ERROR_SUMMARY not in html
    assert "That Cabinet agrees, as amended." in html
    assert "Cloud hosting, half typed" in html
    assert 'name="recommendations-1-text"' in html
    assert snapshot() == before


def test_remove_takes_a_row_off_the_page_and_saving_deletes_it_and_renumbers(
    cast, client_for
):
    report = report_with(cast, "First.", "Second.", "Third.")
    client = client_for(cast.clerk)
    before = snapshot()
    data = report_data(report, ["First.", "Second.", "Third."])

    shown = edit(client, report, {**data, "recommendations-REMOVE": "0"})

    assert shown.status_code == 200
    assert snapshot() == before
    rows = shown.context["formset"].rows
    assert [row.form["text"].value() for row in rows if not row.removed] == [
        "Second.",
        "Third.",
    ]
    assert "1 recommendation removed: deleted when you save." in shown.text

    saved = edit(client, report, {**data, "recommendations-0-DELETE": "on"})

    assert saved.status_code == 302
    assert stored(report) == [(1, "Second."), (2, "Third.")]


def test_moving_a_row_reorders_the_page_and_saving_numbers_from_the_order(
    cast, client_for
):
    report = report_with(cast, "First.", "Second.", "Third.")
    client = client_for(cast.clerk)
    data = report_data(report, ["First.", "Second.", "Third."])

    shown = edit(client, report, {**data, "recommendations-MOVE": "2-up"})

    rows = shown.context["formset"].rows
    assert [(row.label, row.form["text"].value()) for row in rows] == [
        ("1", "First."),
        ("2", "Third."),
        ("3", "Second."),
    ]
    posted = {
        **data,
        "recommendations-1-ORDER": "3",
        "recommendations-2-ORDER": "2",
        # A number typed by hand (an old form) is not a field: ignored.
        "recommendations-0-position": "7",
    }

    assert edit(client, report, posted).status_code == 302
    assert stored(report) == [(1, "First."), (2, "Third."), (3, "Second.")]


def test_a_blank_saved_row_is_refused_in_the_error_summary_and_nothing_is_saved(
    cast, client_for
):
    report = report_with(cast, "First.", "Second.")
    before = snapshot()
    data = report_data(report, ["First.", "", "A third."])

    response = edit(client_for(cast.clerk), report, data)

    assert response.status_code == 200
    summary = response.text.split(ERROR_SUMMARY)[1].split("</ul>")[0]
    assert "Enter the recommendation" in summary
    assert "recommendations-1-text" in summary
    assert snapshot() == before
    assert "A third." in response.text


def test_rows_given_as_initial_are_shown_and_saved_even_if_left_as_they_were(cast):
    initial = [
        {"text": "That the workplan is approved."},
        {"text": "That it is reviewed."},
    ]
    unbound = ResolutionFormSet(
        instance=DecisionRecord(), prefix="resolutions", initial=initial
    )
    assert [form["text"].value() for form in unbound.forms] == [
        row["text"] for row in initial
    ]
    data = management("resolutions", 2, 0)
    for index, row in enumerate(initial):
        data[f"resolutions-{index}-text"] = row["text"]
        data[f"resolutions-{index}-ORDER"] = str(index + 1)

    bound = ResolutionFormSet(
        data, instance=DecisionRecord(), prefix="resolutions", initial=initial
    )

    assert bound.is_valid()
    assert [form.cleaned_data["text"] for form in bound.ordered_rows()] == [
        row["text"] for row in initial
    ]


def test_the_agenda_is_numbered_by_its_order_with_flat_queries(
    cast, client_for, django_assert_max_num_queries
):
    cabinet = Committee.objects.get(organisation=cast.council_a, name="Cabinet")
    meeting = make_meeting(cabinet, timezone.now() + timedelta(days=40))
    client = client_for(cast.clerk)
    url = reverse("decisions:agenda_update", args=[meeting.pk])
    for place in range(1, 4):
        put_on_agenda(meeting, make_report(cast.council_a, f"Report {place}"), place)
    with django_assert_max_num_queries(40) as three:
        client.get(url)
    for place in range(4, 7):
        put_on_agenda(meeting, make_report(cast.council_a, f"Report {place}"), place)
    with django_assert_max_num_queries(len(three.captured_queries)):
        client.get(url)

    items = list(meeting.agenda_items.all())
    data = management("agenda_items", 7, 6)
    for index, item in enumerate(items):
        data |= {
            f"agenda_items-{index}-id": str(item.pk),
            f"agenda_items-{index}-title": item.title,
            f"agenda_items-{index}-report": str(item.report_id),
            # Last first: the list as the clerk reordered it.
            f"agenda_items-{index}-ORDER": str(6 - index),
        }
    data |= {"agenda_items-6-title": "Any other business", "agenda_items-6-ORDER": "7"}

    assert client.post(url, with_version(client, url, data)).status_code == 302
    assert list(meeting.agenda_items.values_list("position", "title")) == [
        (1, "Report 6"),
        (2, "Report 5"),
        (3, "Report 4"),
        (4, "Report 3"),
        (5, "Report 2"),
        (6, "Report 1"),
        (7, "Any other business"),
    ]
    assert AgendaItem.history.filter(meeting_id=meeting.pk).count() == 6 + 7


def test_a_council_that_letters_its_lists_gets_letters_on_pages_and_papers(
    cast, business, client_for
):
    report = report_with(cast, "Approve the strategy.", "Note the budget.")
    decision = make_decision(business.meeting)
    client = client_for(cast.clerk)
    settings_url = reverse("decisions:numbering_settings", args=[cast.council_a.slug])
    assert "Numbered 1, 2, 3" in client.get(cast.council_a.get_absolute_url()).text
    before = snapshot()

    refused = client.post(
        settings_url, with_version(client, settings_url, {"recommendations": "roman"})
    )

    assert refused.status_code == 200 and ERROR_SUMMARY in refused.text
    assert snapshot() == before

    changed = client.post(
        settings_url,
        with_version(
            client,
            settings_url,
            {"recommendations": "letters", "change_reason": "Constitution"},
        ),
    )

    assert changed.status_code == 302
    assert NumberingSettings.objects.get(organisation=cast.council_a).history.count()
    number = '<span class="app-numbered-list__number">{}</span>'
    page = client.get(report.get_absolute_url()).text
    assert number.format("(a)") + "Approve the strategy." in page
    assert number.format("(b)") + "Note the budget." in page
    decision_page = client.get(decision.get_absolute_url()).text
    assert number.format("(a)") in decision_page
    paper = paper_html("Paper", cast.council_a, report_parts(report))
    assert '<span class="number">(b)</span><span class="text">Note the budget.' in (
        paper
    )
    record = paper_html("Record", cast.council_a, decision_record_parts(decision))
    assert '<span class="number">(a)</span>' in record
    form = client.get(reverse("decisions:report_update", args=[report.pk])).text
    assert 'Recommendation <span class="app-add-another__number">(b)</span>' in form


def test_a_theme_is_saved_with_its_objectives_numbered_in_order(
    cast, business, client_for
):
    strategy = business.draft_strategy
    data = {
        "title": "Secure by design",
        **management("objectives", 2, 0),
        "objectives-0-text": "Pass the PSN health check.",
        "objectives-0-ORDER": "2",
        "objectives-1-text": "Train every member of staff.",
        "objectives-1-ORDER": "1",
    }
    client = client_for(cast.officer)
    url = reverse("strategy:theme_create", args=[strategy.pk])

    added = client.post(url, with_version(client, url, {**data, "objectives-ADD": "1"}))
    assert added.status_code == 200
    assert len(added.context["formset"].forms) == 3
    assert not strategy.themes.filter(title="Secure by design").exists()

    assert client.post(url, with_version(client, url, data)).status_code == 302
    theme = strategy.themes.get(title="Secure by design")
    assert list(
        Objective.objects.filter(theme=theme).values_list("position", "text")
    ) == [(1, "Train every member of staff."), (2, "Pass the PSN health check.")]


def test_risks_keep_the_order_the_officer_gives_them(cast, business, client_for):
    strategy = business.draft_strategy
    (first,) = strategy.risks.all()
    client = client_for(cast.officer)
    url = reverse("strategy:risks_update", args=[strategy.pk])
    fields = ("description", "likelihood", "impact", "mitigation", "owner")
    data = {
        **management("risks", 2, 1),
        "risks-0-id": str(first.pk),
        **{f"risks-0-{name}": getattr(first, name) for name in fields},
        "risks-0-review_frequency": first.review_frequency,
        "risks-0-ORDER": "1",
        "risks-1-description": "Supplier fails",
        "risks-1-likelihood": "low",
        "risks-1-impact": "high",
        "risks-1-review_frequency": "quarterly",
        "risks-1-ORDER": "2",
    }
    data = with_version(client, url, data)

    shown = client.post(url, {**data, "risks-MOVE": "1-up"})
    assert [
        row.form["description"].value() for row in shown.context["formset"].rows
    ] == [
        "Supplier fails",
        "Skills shortage",
    ]
    assert 'value="1-up"' in shown.content.decode()  # rows can be moved

    saved = client.post(url, {**data, "risks-0-ORDER": "2", "risks-1-ORDER": "1"})
    assert saved.status_code == 302
    assert list(strategy.risks.values_list("position", "description")) == [
        (1, "Supplier fails"),
        (2, "Skills shortage"),
    ]
    page = client.get(strategy.get_absolute_url()).content.decode()
    assert page.index("Supplier fails") < page.index("Skills shortage")
