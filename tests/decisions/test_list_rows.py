"""The decisions list's rows written in Python (`decisions/list_rows.py`)
give byte for byte what the template's loop printed, hostile text escaped
the same way, and the page shows them."""

from datetime import timedelta

from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from decisions.list_rows import decision_rows
from decisions.models import DecisionRecord
from tests.base import make_committee, make_decision, make_meeting, publish

#: The loop `templates/decisions/decision_list.html` had before.
TEMPLATE_LOOP = """{% load govuk %}        {% for decision in decisionrecord_list %}
        <tr class="govuk-table__row">
          <td data-label="Decision" class="govuk-table__cell"><a class="govuk-link" href="{{ decision.get_absolute_url }}">{{ decision.title }}</a><br><span class="govuk-body-s">{{ decision.meeting.committee.name }}{% if decision.key_decision %} · key decision{% endif %}</span></td>
          <td data-label="Decided" class="govuk-table__cell">{{ decision.decision_date|date:"j M Y" }}</td>
          <td data-label="Status" class="govuk-table__cell">{% status_tag decision.status_now %}{% if decision.call_in_open %}<br><span class="govuk-body-s">Call-in {{ decision.deadline_text }}</span>{% endif %}</td>
        </tr>
        {% endfor %}"""  # noqa: E501 - the template's own lines


def test_the_rows_are_what_the_template_printed(cast, business):
    hostile = make_committee(cast.council_a, '<b>"Board" & co</b>', "executive")
    meeting = make_meeting(hostile, timezone.now() - timedelta(days=3))
    key = make_decision(
        meeting, '<script>alert("x")</script> & <i>more</i>', key_decision=True
    )
    publish(key, cast.clerk)
    make_decision(meeting, "Old & effective")
    decisions = list(
        DecisionRecord.objects.filter(organisation=cast.council_a)
        .select_related("meeting__committee")
        .order_by("-decision_date", "-pk")
    )
    assert len(decisions) >= 4
    assert any(d.call_in_open() for d in decisions)
    assert any(d.key_decision for d in decisions)
    expected = Template(TEMPLATE_LOOP).render(
        Context({"decisionrecord_list": decisions})
    )
    assert "        " + decision_rows(decisions) == expected
    assert "&lt;script&gt;" in expected


def test_the_list_page_shows_the_rows(cast, business, client_for):
    response = client_for(cast.clerk).get(reverse("decisions:decision_list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert business.published_decision.get_absolute_url() in page
    assert "Published decision" in page
    assert 'data-label="Status"' in page
    assert "Call-in not later than" in page
