"""The data dictionary describes every field the API sends and every value a
status or category may take, because it is read from the serializers."""

import html

from django.urls import reverse

from api.dictionary import records
from decisions.choices import DecisionStatus, MeetingStatus
from governance.lifecycle import LifecycleStatus
from workplan.choices import Confidence, DeliveryStatus, Rag, WorkType


def keys_of(value, prefix=""):
    """The dotted names of every field in a JSON record, as the page names them."""
    names = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            names.add(f"{prefix}{key}")
            names |= keys_of(inner, f"{prefix}{key}.")
    elif isinstance(value, list):
        for entry in value:
            names |= keys_of(entry, f"{prefix[:-1]}[].")
    return names


def test_the_page_is_public_and_names_every_status_value(client):
    response = client.get(reverse("api:data_dictionary"))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("public")
    page = html.unescape(response.content.decode())
    for choices in (
        DecisionStatus,
        MeetingStatus,
        LifecycleStatus,
        DeliveryStatus,
        Rag,
        Confidence,
        WorkType,
    ):
        for value, label in choices.choices:
            assert f"{value}</code>: {label}" in page, (value, label)
    assert "Open Government Licence v3.0" in page


def test_every_field_the_api_sends_is_in_the_dictionary(world, business, api):
    described = {record.title: {f.name for f in record.fields} for record in records()}
    samples = {
        "Decision record": ("decision-detail", business.published_decision.pk),
        "Meeting": ("meeting-detail", business.meeting.pk),
        "Report": ("report-detail", business.report.pk),
        "Committee": ("committee-detail", business.cabinet.pk),
        "Strategy": ("strategy-detail", business.approved_strategy.pk),
        "Theme": ("theme-detail", business.approved_strategy.themes.first().pk),
        "Workplan": ("workplan-detail", world.approved_workplan.pk),
        "Workplan item": ("item-detail", world.approved_item.pk),
        "Review": ("review-detail", world.closed_review.pk),
    }
    for title, (name, pk) in samples.items():
        record = api.get(reverse(f"api:{name}", args=["ashdown", pk])).json()
        sent = keys_of(record)
        assert sent <= described[title], (title, sent - described[title])
    council = api.get(reverse("api:council-detail", args=["ashdown"])).json()
    assert keys_of(council) <= described["Council"]
