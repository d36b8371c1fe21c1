"""Clerks' pages for exempt information: the review of one exempt report or
decision record's exempt part (release it, or keep it with a new review
date), and the council's Part II register (docs/exempt-information.md)."""

from datetime import date

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, TemplateView

from governance.history import save_with_reason
from governance.mixins import CouncilPageMixin, OrganisationScopedMixin

from .forms import ExemptReviewForm
from .models import DecisionRecord, Report

#: Clerks and administrators look after exempt information.
MANAGE = "manage_committee_business"
REFUSED = gettext_lazy("Only the council's clerks and administrators can do this.")


class ExemptReviewView(OrganisationScopedMixin, DetailView):
    """Release exempt information, or keep it with a new review date and
    reason. Only for what is (or was) exempt: anything else is a 404. A
    released record shows when and by whom; it cannot be withheld again."""

    permission_action = MANAGE
    permission_denied_message = REFUSED
    template_name = "decisions/exempt_review.html"
    context_object_name = "record"

    def get_queryset(self):
        return super().get_queryset().filter(exempt=True).select_related("organisation")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ExemptReviewForm())
        context["kind"] = (
            _("report")
            if isinstance(context["record"], Report)
            else _("decision record")
        )
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = ExemptReviewForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        with transaction.atomic():
            record = (
                type(self.object)
                .objects.select_for_update(no_key=True, of=("self",))
                .get(pk=self.object.pk)
            )
            if not record.withheld:
                # Released meanwhile (or twice sent): released stays released.
                response = self.render_to_response(
                    self.get_context_data(form=form, record=record)
                )
                response.status_code = 409
                return response
            today = timezone.localdate()
            if form.cleaned_data["outcome"] == ExemptReviewForm.RELEASE:
                record.exempt_released_on = today
                record.exempt_released_by = request.user
                reason = _("Exempt information released")
                done = _("Released: the public can now read it.")
            else:
                record.exempt_review_on = form.cleaned_data["review_on"]
                record.exempt_reason = form.cleaned_data["reason"].strip()
                reason = _("Kept exempt until the review on %(date)s") % {
                    "date": form.cleaned_data["review_on"].strftime("%-d %B %Y")
                }
                done = _("Kept exempt.")
            save_with_reason(record, user=request.user, reason=reason)
        messages.success(request, done)
        return redirect(record)


class ReportExemptReviewView(ExemptReviewView):
    model = Report


class DecisionExemptReviewView(ExemptReviewView):
    model = DecisionRecord


def register_rows(organisation, today=None):
    """Every withheld report and decision record's exempt part of the
    council, overdue for review first (no review date counts as overdue),
    then by review date."""
    today = today or timezone.localdate()
    rows = []
    for model, kind in ((Report, _("Report")), (DecisionRecord, _("Decision"))):
        queryset = (
            model.objects.for_organisation(organisation)
            .filter(model.withheld_q())
            .select_related("organisation")
        )
        for record in queryset:
            rows.append(
                {
                    "record": record,
                    "kind": kind,
                    "overdue": record.exempt_review_on is None
                    or record.exempt_review_on <= today,
                }
            )
    rows.sort(
        key=lambda row: (
            not row["overdue"],
            row["record"].exempt_review_on or date.min,
            row["kind"],
            row["record"].pk,
        )
    )
    return rows


class ExemptRegisterView(CouncilPageMixin, TemplateView):
    """The council's Part II register: everything withheld, with its
    paragraph and review date, overdue first."""

    permission_action = MANAGE
    permission_denied_message = REFUSED
    template_name = "decisions/exempt_register.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = register_rows(self.organisation)
        return context
