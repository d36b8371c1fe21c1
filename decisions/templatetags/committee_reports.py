"""`{% write_report_button record %}`: "Write a report to committee" on the
page of a strategy, workplan or review, for those who write reports."""

from django import template
from django.urls import reverse

from decisions import report_subjects
from governance.permissions import can

register = template.Library()


@register.inclusion_tag("decisions/_write_report.html", takes_context=True)
def write_report_button(context, record):
    request = context["request"]
    if not can(request.user, "write_report", record):
        return {"url": None}
    value = report_subjects.value_of(record)
    return {"url": f"{reverse('decisions:report_create')}?subject={value}"}
