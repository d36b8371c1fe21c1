"""Input forms for the shared lifecycle's transitions (governance/lifecycle.py).

They choose committee business (a scrutiny meeting, an approving decision),
which is why they live here; every record type binds the lifecycle to them.
Each takes the record the transition is for.
"""

from django import forms
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.forms import (
    CommentForm,
    GovukDateField,
    GovukForm,
)
from governance.lifecycle import ScrutinyOutcome
from governance.routes import route_for

from .choices import CommitteeKind, DecisionStatus, MeetingStatus
from .models import DecisionRecord, Meeting


class RecordFormMixin:
    def __init__(self, *args, record, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record


class HappenedOnMixin(GovukForm):
    """The date a step happened, for steps no meeting or decision dates:
    blank is today; a clerk catching up gives the real date."""

    happened_on = GovukDateField(
        label=_("Date it happened"),
        required=False,
        help_text=_("Leave blank for today."),
    )

    def clean_happened_on(self):
        day = self.cleaned_data.get("happened_on")
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


class SubmitToScrutinyForm(RecordFormMixin, CommentForm):
    meeting = forms.ModelChoiceField(
        label=_("Scrutiny committee meeting"),
        help_text=_(
            "Coming meetings first, then past ones (for business recorded "
            "after the event)."
        ),
        queryset=Meeting.objects.none(),
        empty_label=None,
        error_messages={"required": _("Select the meeting that will consider it.")},
    )
    sent_on = GovukDateField(
        label=_("Date it was sent to the committee"),
        required=False,
        help_text=_(
            "Leave blank for today, or for the meeting's date if the meeting "
            "has already been held."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = (
            Meeting.objects.for_organisation(self.record.organisation)
            .filter(committee__kind=CommitteeKind.SCRUTINY)
            .exclude(status=MeetingStatus.CANCELLED)
            .select_related("committee")
            .annotate(
                past=Case(
                    When(starts_at__lt=timezone.now(), then=Value(1)),
                    default=Value(0),
                )
            )
            .order_by("past", Case(When(past=0, then="starts_at")), "-starts_at")
        )
        self.order_fields(["meeting", "sent_on", "comment"])


class ScrutinyOutcomeForm(RecordFormMixin, CommentForm):
    error_nouns = {"outcome": _("what the committee decided")}

    outcome = forms.ChoiceField(
        label=_("What did the committee decide?"),
        choices=ScrutinyOutcome,
        widget=forms.RadioSelect,
    )
    committee_comments = forms.CharField(
        label=_("The committee's comments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["outcome", "committee_comments", "comment"])

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("outcome")
            in (
                ScrutinyOutcome.ENDORSED_WITH_COMMENTS,
                ScrutinyOutcome.REFERRED_BACK,
            )
            and not cleaned.get("committee_comments", "").strip()
        ):
            self.add_error("committee_comments", _("Enter the committee's comments."))
        return cleaned


def decisions_for(record):
    """Published decisions of the record's council taken by a body that may
    approve it (its council's route: `governance/routes.py`)."""
    return (
        DecisionRecord.objects.for_organisation(record.organisation)
        .exclude(status=DecisionStatus.DRAFT)
        .filter(
            meeting__committee__kind__in=[
                CommitteeKind.EXECUTIVE,
                CommitteeKind.DECISION_MAKING,
            ],
            meeting__committee__in=route_for(record).approvers(),
        )
        .select_related("meeting__committee")
        .order_by("-decision_date")
    )


class ApproveForm(RecordFormMixin, CommentForm):
    decision = forms.ModelChoiceField(
        label=_("The decision that approves it"),
        help_text=_("A published decision record that names it."),
        queryset=DecisionRecord.objects.none(),
        empty_label=None,
        error_messages={"required": _("Select the decision that approves it.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = decisions_for(self.record)
        self.order_fields(["decision", "comment"])


class ReasonRequiredForm(RecordFormMixin, HappenedOnMixin, CommentForm):
    """For transitions that must say why (reject, close)."""

    error_nouns = {
        "comment": _("the reason"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = True
        self.fields["comment"].label = _("Why")
        self.fields["comment"].error_messages["required"] = _("Say why.")
        self.order_fields(["happened_on", "comment"])


class SendForDecisionForm(RecordFormMixin, HappenedOnMixin, CommentForm):
    """Sending a draft straight to the decision maker: the date it was sent
    (blank for today)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["happened_on"].label = _("Date it was sent for decision")
        self.order_fields(["happened_on", "comment"])


class OpenReviewForm(RecordFormMixin, HappenedOnMixin, CommentForm):
    """Opening a review: the date it started (blank for today)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["happened_on"].label = _("Date the review started")
        self.order_fields(["happened_on", "comment"])


class CloseReviewForm(RecordFormMixin, CommentForm):
    error_nouns = {
        "decision": _("the decision that noted it"),
    }

    meeting = forms.ModelChoiceField(
        label=_("Meeting it was reported to"),
        queryset=Meeting.objects.none(),
        required=False,
    )
    decision = forms.ModelChoiceField(
        label=_("Or the decision that noted it"),
        queryset=DecisionRecord.objects.none(),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = (
            Meeting.objects.for_organisation(self.record.organisation)
            .filter(starts_at__lte=timezone.now())
            .select_related("committee")
            .order_by("-starts_at")
        )
        self.fields["decision"].queryset = decisions_for(self.record)
        self.order_fields(["meeting", "decision", "comment"])

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("meeting") or cleaned.get("decision")):
            self.add_error(
                "meeting",
                _(
                    "Select the meeting the review was reported to, or the "
                    "decision that noted it"
                ),
            )
        return cleaned


LIFECYCLE_FORMS = {
    "submit": SubmitToScrutinyForm,
    "send_for_decision": SendForDecisionForm,
    "record_scrutiny": ScrutinyOutcomeForm,
    "approve": ApproveForm,
    "reject": ReasonRequiredForm,
    "open_review": OpenReviewForm,
    "close_review": CloseReviewForm,
    "close": ReasonRequiredForm,
}
