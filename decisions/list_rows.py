"""The decisions list's rows, written out in Python.

The list is the page members open most. Through the template language
each of a page's 25 rows was some fifteen lookups, a date filter, a
status tag and a `reverse()`: about a fifth of the page's time. Here each
row is one `format_html` (as the workplan's rows are,
`workplan/item_rows.py`), every value escaped by it, the fixed markup
ours; the bytes are those the template's loop printed
(`tests/decisions/test_list_rows.py` compares them).
"""

from django.utils import timezone
from django.utils.html import format_html, format_html_join

from governance.links import pk_url
from governance.templatetags.govuk import day, status_tag

ROW = (
    '\n        <tr class="govuk-table__row">\n'
    '          <td data-label="Decision" class="govuk-table__cell">'
    '<a class="govuk-link" href="{}">{}</a><br><span class="govuk-body-s">{}{}'
    "</span></td>\n"
    '          <td data-label="Decided" class="govuk-table__cell">{}</td>\n'
    '          <td data-label="Status" class="govuk-table__cell">{}{}</td>\n'
    "        </tr>\n        "
)
CALL_IN = '<br><span class="govuk-body-s">Call-in {}</span>'


def decision_rows(decisions):
    """The rows of `decisions` (read with their meeting's committee)."""
    url = pk_url("decisions:decision_detail")
    now = timezone.now()
    return format_html_join(
        "",
        ROW,
        (
            (
                url(decision.pk),
                decision.title,
                decision.meeting.committee.name,
                " · key decision" if decision.key_decision else "",
                day(decision.decision_date, "j M Y"),
                status_tag(decision.current_status(now)),
                format_html(CALL_IN, decision.deadline_text)
                if decision.call_in_open(now)
                else "",
            )
            for decision in decisions
        ),
    )
