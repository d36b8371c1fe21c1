"""Each council's own report template: its implication headings (added,
renamed, reordered, retired), its extra sections, and whether an unfilled
implication is left out or printed "Not stated" — never "None" unless the
author wrote it."""

import pytest
from django.urls import reverse

from decisions import papers, report_template
from decisions.models import ReportHeading, ReportTemplate, ReportText
from governance.history import save_with_reason
from tests.base import make_organisation, write_under
from tests.paper_helpers import flat, paper_pdf, read

from ..base import with_version

STANDARD_NAMES = [
    "Financial",
    "Legal",
    "Risk",
    "Equality and diversity",
    "Crime and disorder",
    "Health and wellbeing",
    "Sustainability",
]


def template_url(cast):
    return reverse("decisions:report_template", args=[cast.council_a.slug])


def heading_url(name, cast, heading=None):
    args = [cast.council_a.slug] + ([heading.pk] if heading else [])
    return reverse(f"decisions:report_heading_{name}", args=args)


def implication_names(council):
    return list(
        ReportHeading.objects.for_organisation(council)
        .filter(kind="implication", retired=False)
        .order_by("position")
        .values_list("name", flat=True)
    )


def heading(council, name):
    return ReportHeading.objects.get(organisation=council, name=name)


def report_form_data(report, **changes):
    data = {
        "title": report.title,
        "report_of": report.report_of_id,
        "contact": report.contact_id,
        "purpose": report.purpose,
        "wards_affected": "All wards",
        "urgency_route": "",
        "version": report.version,
        "recommendations-TOTAL_FORMS": "0",
        "recommendations-INITIAL_FORMS": "0",
        "recommendations-MIN_NUM_FORMS": "0",
        "recommendations-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_a_new_council_starts_with_the_standard_headings_marked_not_stated(db):
    council = make_organisation("Carrow City Council", "carrow")

    assert implication_names(council) == STANDARD_NAMES
    assert not report_template.template_of(council).omits_unfilled
    assert ReportTemplate.objects.filter(organisation=council).exists()


def test_a_clerk_adds_renames_orders_and_retires_headings(cast, business, client_for):
    council = cast.council_a
    client = client_for(cast.clerk)

    added = client.post(
        heading_url("create", cast), {"kind": "implication", "name": "Efficiency"}
    )
    assert added.status_code == 302 and added["Location"] == template_url(cast)
    section = client.post(
        heading_url("create", cast),
        {"kind": "section", "name": "Consultation undertaken"},
    )
    assert section.status_code == 302
    equality = heading(council, "Equality and diversity")
    renamed = client.post(
        heading_url("update", cast, equality),
        {
            "kind": "implication",
            "name": "Diversity",
            "change_reason": "As our constitution",
            "version": client.get(heading_url("update", cast, equality))
            .context["form"]["version"]
            .value(),
        },
    )
    assert renamed.status_code == 302
    moved = client.post(
        heading_url("move", cast, heading(council, "Efficiency")), {"direction": "up"}
    )
    assert moved.status_code == 302
    health = heading_url("update", cast, heading(council, "Health and wellbeing"))
    retired = client.post(
        health,
        with_version(
            client,
            health,
            {
                "kind": "implication",
                "name": "Health and wellbeing",
                "retired": "on",
                "change_reason": "No longer asked for",
            },
        ),
    )
    assert retired.status_code == 302

    assert implication_names(council) == [
        "Financial",
        "Legal",
        "Risk",
        "Diversity",
        "Crime and disorder",
        "Efficiency",
        "Sustainability",
    ]
    # The report form asks in that order, the section first, and not for
    # the retired heading.
    form = client.get(reverse("decisions:report_update", args=[business.report.pk]))
    labels = [
        field.label
        for field in form.context["form"]
        if field.name.startswith("heading_")
    ]
    assert labels == [
        "Consultation undertaken",
        "Financial implications",
        "Legal implications",
        "Risk implications",
        "Diversity implications",
        "Crime and disorder implications",
        "Efficiency implications",
        "Sustainability implications",
    ]
    page = client.get(template_url(cast)).content.decode()
    assert "No longer used" in page and "Health and wellbeing" in page
    # The renamed heading keeps its history.
    assert equality.history.count() == 2


@pytest.mark.parametrize("name", ["Legal", " legal ", "LEGAL"])
def test_a_heading_with_a_name_already_used_is_refused(cast, client_for, name):
    before = ReportHeading.objects.count(), ReportHeading.history.count()

    response = client_for(cast.clerk).post(
        heading_url("create", cast), {"kind": "implication", "name": name}
    )

    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert "There is already a heading with this name" in response.content.decode()
    assert (ReportHeading.objects.count(), ReportHeading.history.count()) == before


def test_another_councils_heading_is_not_found(cast, client_for):
    theirs = ReportHeading.objects.get(organisation=cast.council_b, standard="legal")
    client = client_for(cast.clerk)
    slug = cast.council_a.slug

    edit = client.get(
        reverse("decisions:report_heading_update", args=[slug, theirs.pk])
    )
    move = client.post(
        reverse("decisions:report_heading_move", args=[slug, theirs.pk]),
        {"direction": "down"},
    )

    assert (edit.status_code, move.status_code) == (404, 404)
    assert theirs.history.count() == 1


def test_implications_round_trip_through_the_report_form(cast, business, client_for):
    report = business.report
    council = cast.council_a
    financial, legal = heading(council, "Financial"), heading(council, "Legal")
    client = client_for(cast.clerk)
    url = reverse("decisions:report_update", args=[report.pk])

    saved = client.post(
        url,
        with_version(
            client,
            url,
            report_form_data(
                report,
                **{
                    f"heading_{financial.pk}": "Within the capital budget of £1.2m.",
                    f"heading_{legal.pk}": "None.",
                },
            ),
        ),
    )
    assert saved.status_code == 302
    assert dict(report.texts.values_list("heading__name", "text")) == {
        "Financial": "Within the capital budget of £1.2m.",
        "Legal": "None.",
    }
    form = client.get(url).context["form"]
    assert (
        form[f"heading_{financial.pk}"].value() == "Within the capital budget of £1.2m."
    )

    # Emptied: the row goes (its history says so).
    report.refresh_from_db()
    client.post(
        url,
        with_version(
            client,
            url,
            report_form_data(
                report,
                **{f"heading_{financial.pk}": "Within the capital budget of £1.2m."},
            ),
        ),
    )
    assert list(report.texts.values_list("heading__name", flat=True)) == ["Financial"]
    assert ReportText.history.filter(history_type="-").count() == 1

    # Retired after the report was written: the report keeps and prints it.
    financial.retired = True
    save_with_reason(financial, user=cast.clerk, reason="Test")
    form = client.get(url).context["form"]
    assert "(no longer used by the council)" in form[f"heading_{financial.pk}"].label
    assert ("Financial", "Within the capital budget of £1.2m.") in report.implications()
    assert "Legal" not in dict(
        (name, text) for name, text in report.implications() if text != "Not stated"
    )


def test_unfilled_implications_print_not_stated_or_are_left_out(
    cast, business, client_for
):
    """On the report's page and its paper; "None" appears only where the
    author wrote it; a section prints under its own heading."""
    report = business.report
    council = cast.council_a
    write_under(report, "financial", "Met from the ICT capital programme.")
    write_under(report, "legal", "None")
    save_with_reason(
        ReportHeading(
            organisation=council,
            kind="section",
            name="Consultation undertaken",
            position=1,
        ),
        user=None,
        reason="Test set-up",
    )
    write_under(
        report, "Consultation undertaken", "Service managers and the portfolio holder."
    )
    client = client_for(cast.clerk)

    page = client.get(report.get_absolute_url()).content.decode()
    paper = flat(read(paper_pdf(papers.COMMITTEE_REPORT, report))[1])
    for text in (page, paper):
        assert "Met from the ICT capital programme." in text
        assert "Not stated" in text
        assert "Consultation undertaken" in text
        assert "Service managers and the portfolio holder." in text
    assert "Risk Not stated" in paper
    assert "Legal None" in paper  # the author wrote it
    assert "6. Consultation undertaken" in paper and "7. Implications" in paper
    assert "Report of Pat Director, Director of Resources" in paper
    assert "Contact officer Test Author Head of ICT test.author@example.gov.uk" in paper

    template = report_template.template_of(council)
    template.unfilled_implications = ReportTemplate.Unfilled.OMIT
    save_with_reason(template, user=cast.clerk, reason="Test")

    page = client.get(report.get_absolute_url()).content.decode()
    paper = flat(read(paper_pdf(papers.COMMITTEE_REPORT, report))[1])
    for text in (page, paper):
        implications = text.split("Implications", 1)[1].split("Contact")[0]
        assert "Not stated" not in implications
        assert "Risk" not in implications
        assert "Met from the ICT capital programme." in implications


def test_a_clerk_chooses_to_leave_unfilled_implications_out(cast, client_for):
    url = reverse("decisions:report_template_settings", args=[cast.council_a.slug])
    client = client_for(cast.clerk)

    bad = client.post(url, with_version(client, url, {"unfilled_implications": "none"}))
    assert bad.status_code == 200 and "govuk-error-summary" in bad.content.decode()
    assert not report_template.template_of(cast.council_a).omits_unfilled

    good = client.post(
        url, with_version(client, url, {"unfilled_implications": "omit"})
    )
    assert good.status_code == 302
    assert report_template.template_of(cast.council_a).omits_unfilled
