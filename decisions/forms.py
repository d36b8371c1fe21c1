"""Forms for committee business: meetings, agendas, reports, decisions, rules."""

from datetime import datetime

from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.choices import PostKind
from governance.forms import (
    ChangeReasonMixin,
    CommentForm,
    CouncilRecordForm,
    VersionedFormMixin,
)
from governance.models import Post

from . import decidable, report_subjects, report_template
from .call_in import LONDON, CallInRuleError
from .choices import CallInOutcome, CommitteeKind, MeetingStatus, UrgencyRoute
from .models import (
    KEY_DECISION_NOTICE_DAYS,
    AgendaItem,
    CallInRule,
    ClosureDay,
    Committee,
    DecisionRecord,
    Meeting,
    Recommendation,
    Report,
    ReportHeading,
    ReportTemplate,
    Resolution,
    clear_days_notice,
)

DATE_HELP = _("For example, 27 3 2026 – or pick the date.")


def combine_local(day, moment):
    """A date and a wall-clock time in Europe/London as an aware datetime."""
    return datetime.combine(day, moment, tzinfo=LONDON)


class DateAndTimeMixin(forms.Form):
    """Split a moment into the date and time fields people type."""

    def split_initial(self, value, date_field, time_field):
        if value is not None:
            local = timezone.localtime(value, LONDON)
            self.initial.setdefault(date_field, local.date())
            self.initial.setdefault(time_field, local.time().replace(second=0))


class MeetingForm(DateAndTimeMixin, forms.ModelForm):
    date = forms.DateField(label=_("Date"), help_text=DATE_HELP)
    time = forms.TimeField(
        label=_("Start time"),
        help_text=_("For example, 18:30"),
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
    )

    class Meta:
        model = Meeting
        fields = ["committee", "venue", "status", "agenda_published"]
        widgets = {"status": forms.RadioSelect}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = Committee.objects.for_organisation(
            organisation
        )
        self.fields["committee"].empty_label = None
        self.order_fields(["committee", "date", "time", "venue", "status"])
        self.split_initial(self.instance.starts_at, "date", "time")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date") and cleaned.get("time"):
            self.instance.starts_at = combine_local(cleaned["date"], cleaned["time"])
        return cleaned


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["position", "title", "report"]
        widgets = {
            "position": forms.NumberInput(attrs={"class": "govuk-input--width-2"})
        }


class BaseAgendaFormSet(forms.BaseInlineFormSet):
    """Numbers are unique; a key decision needs 28 clear days' notice or an
    urgency route recorded on its report."""

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        for form in self.forms:
            form.fields["report"].queryset = Report.objects.for_organisation(
                organisation
            )
            form.fields["report"].required = False

    def clean(self):
        super().clean()
        positions = []
        meeting_day = timezone.localtime(self.instance.starts_at, LONDON).date()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            positions.append(form.cleaned_data.get("position"))
            report = form.cleaned_data.get("report")
            if report is None or not report.key_decision:
                continue
            notice = report.forward_plan_notice_on
            short = (
                notice is None
                or clear_days_notice(notice, meeting_day) < KEY_DECISION_NOTICE_DAYS
            )
            if short and report.urgency_route == UrgencyRoute.NONE:
                form.add_error(
                    "report",
                    _(
                        "“%(title)s” is a key decision with fewer than 28 clear "
                        "days' notice before this meeting: record the urgency "
                        "route (general exception or special urgency) on the "
                        "report first."
                    )
                    % {"title": report.title},
                )
        if len(positions) != len(set(positions)):
            raise forms.ValidationError(_("Give each agenda item its own number."))


AgendaFormSet = inlineformset_factory(
    Meeting,
    AgendaItem,
    form=AgendaItemForm,
    formset=BaseAgendaFormSet,
    extra=2,
    can_delete=True,
)


class ReportForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Report
        fields = [
            "title",
            "report_of",
            "contact",
            "purpose",
            "summary",
            "reasons",
            "other_options",
            "wards_affected",
            "groups_affected",
            "budget_and_policy_framework",
            "key_decision",
            "urgent_decision",
            "forward_plan_notice_on",
            "urgency_route",
            "urgency_reason",
            "background_papers",
            "annexes",
            "exempt",
            "exempt_reason",
        ]
        widgets = {
            "urgency_route": forms.RadioSelect,
            "purpose": forms.Textarea(attrs={"rows": 3}),
        }

    subject = forms.ChoiceField(
        label=_("What the report presents"),
        required=False,
        help_text=_(
            "The strategy, workplan or review this report puts to the committee: "
            "its paper carries that record as annexes."
        ),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["version"]
        current = None
        if self.instance.subject_content_type_id:
            current = (
                self.instance.subject_content_type_id,
                self.instance.subject_object_id,
            )
            self.initial.setdefault("subject", "{}:{}".format(*current))
        self.fields["subject"].choices = [
            ("", _("Nothing: the report stands alone")),
            *report_subjects.choices_for(organisation, current),
        ]
        self.choose_posts(organisation)
        self.add_heading_fields(organisation)

    #: Who a report may be "of", and who may be its contact (`Post` kinds).
    REPORT_OF_KINDS = [PostKind.DIRECTOR, PostKind.HEAD_OF_SERVICE]
    CONTACT_KINDS = [
        PostKind.REPORT_CONTACT,
        PostKind.HEAD_OF_SERVICE,
        PostKind.DIRECTOR,
    ]

    def choose_posts(self, organisation):
        """The council's posts of the right kinds (and those already named)."""
        posts = Post.objects.for_organisation(organisation)
        for name, kinds in (
            ("report_of", self.REPORT_OF_KINDS),
            ("contact", self.CONTACT_KINDS),
        ):
            field = self.fields[name]
            field.queryset = posts.to_name_on(self.instance, name, kinds)
            field.required = True
            field.help_text = _(
                "%(help)s The council's clerks keep its list of posts."
            ) % {"help": field.help_text}

    def add_heading_fields(self, organisation):
        """One box per heading of the council's report template, in its
        order: its sections after the options considered, then its
        implications."""
        texts = report_template.texts_of(self.instance)
        self.headings = report_template.headings_for(self.instance, organisation)
        names = []
        for heading in self.headings:
            name = f"heading_{heading.pk}"
            label = heading.name
            if heading.is_implication and "implication" not in label.lower():
                label = _("%(heading)s implications") % {"heading": heading.name}
            if heading.retired:
                label += " " + _("(no longer used by the council)")
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                help_text=heading.guidance,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.initial.setdefault(name, texts.get(heading.pk, ""))
            names.append(name)
        order = list(self.fields)
        for name in names:
            order.remove(name)
        at = order.index("other_options") + 1
        self.order_fields(order[:at] + names + order[at:])

    def clean(self):
        cleaned = super().clean()
        subject = cleaned.get("subject")
        if subject:
            content_type, object_id = (int(part) for part in subject.split(":"))
            self.instance.subject_content_type_id = content_type
            self.instance.subject_object_id = object_id
        elif "subject" in cleaned:
            self.instance.subject_content_type_id = None
            self.instance.subject_object_id = None
        # What the author wrote under each heading, kept with the report
        # (`report_template.save_texts`).
        self.instance.heading_texts = {
            heading: cleaned.get(f"heading_{heading.pk}", "")
            for heading in self.headings
        }
        if cleaned.get("exempt") and not cleaned.get("exempt_reason", "").strip():
            self.add_error(
                "exempt_reason", _("Give the paragraph of Schedule 12A that applies.")
            )
        if (
            cleaned.get("urgency_route")
            and not cleaned.get("urgency_reason", "").strip()
        ):
            self.add_error("urgency_reason", _("Give the reason for urgency."))
        return cleaned


class NumberedRowForm(forms.ModelForm):
    """A numbered recommendation or resolution, edited in place."""

    class Meta:
        fields = ["position", "text"]
        widgets = {
            "position": forms.NumberInput(attrs={"class": "govuk-input--width-2"}),
            "text": forms.Textarea(attrs={"rows": 3}),
        }


class BaseNumberedFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        positions = [
            form.cleaned_data.get("position")
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if len(positions) != len(set(positions)):
            raise forms.ValidationError(_("Give each one its own number."))


RecommendationFormSet = inlineformset_factory(
    Report,
    Recommendation,
    form=NumberedRowForm,
    formset=BaseNumberedFormSet,
    fields=["position", "text"],
    extra=2,
    can_delete=True,
)
ResolutionFormSet = inlineformset_factory(
    DecisionRecord,
    Resolution,
    form=NumberedRowForm,
    formset=BaseNumberedFormSet,
    fields=["position", "text"],
    extra=2,
    can_delete=True,
)


class DecisionForm(VersionedFormMixin, forms.ModelForm):
    decides = forms.MultipleChoiceField(
        label=_("Records this decision decides"),
        help_text=_("For example, the strategy or workplan it approves."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = DecisionRecord
        fields = [
            "meeting",
            "report",
            "decision_date",
            "title",
            "record",
            "reasons",
            "alternatives_rejected",
            "conflicts_of_interest",
            "dispensations",
            "key_decision",
            "urgent",
            "urgency_reason",
        ]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.fields["meeting"].queryset = Meeting.objects.for_organisation(
            organisation
        ).select_related("committee")
        self.fields["report"].queryset = Report.objects.for_organisation(organisation)
        self.fields["decision_date"].required = False
        self.fields["decision_date"].help_text = _(
            "The date of the meeting that took it: leave blank to use it."
        )
        if self.instance.pk is None:
            del self.fields["version"]
        named = set()
        if self.instance.pk is not None:
            named = set(
                self.instance.decided_records.values_list(
                    "content_type_id", "object_id"
                )
            )
            self.initial.setdefault("decides", [f"{ct}:{pk}" for ct, pk in named])
        self.fields["decides"].choices = decidable.choices_for(organisation, named)
        if not self.fields["decides"].choices:
            del self.fields["decides"]

    def decided_keys(self):
        """The (content type id, object id) pairs ticked in `decides`."""
        return {
            tuple(int(part) for part in value.split(":"))
            for value in self.cleaned_data.get("decides", [])
        }

    def clean(self):
        cleaned = super().clean()
        decided = cleaned.get("decision_date")
        meeting = cleaned.get("meeting")
        if decided is None and meeting is not None:
            decided = cleaned["decision_date"] = timezone.localtime(
                meeting.starts_at, LONDON
            ).date()
        elif decided is None and "meeting" not in self.errors:
            self.add_error("decision_date", _("Enter the date of the decision."))
        if decided and self.instance.published_at:
            published = timezone.localtime(self.instance.published_at, LONDON).date()
            if decided > published:
                self.add_error(
                    "decision_date",
                    _("The date of decision cannot be after its publication."),
                )
        if self.instance.is_published and (
            cleaned.get("urgent") != self.instance.urgent
        ):
            self.add_error(
                "urgent",
                _(
                    "Urgency cannot be changed after publication: it decided "
                    "the call-in."
                ),
            )
        return cleaned


class DecisionCorrectionForm(ChangeReasonMixin, DecisionForm):
    """Editing a published record is a correction: the reason is shown on it."""

    change_reason = forms.CharField(
        label=_("Reason for the correction"),
        help_text=_("Shown on the published record with your name and the date."),
        max_length=500,
    )


class PublishForm(DateAndTimeMixin, CommentForm):
    published_on = forms.DateField(
        label=_("Date of publication"),
        required=False,
        help_text=_("Leave blank to publish now."),
    )
    published_time = forms.TimeField(
        label=_("Time of publication"),
        required=False,
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
    )

    def __init__(self, *args, record, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record
        self.order_fields(["published_on", "published_time", "comment"])

    def clean(self):
        cleaned = super().clean()
        day, moment = cleaned.get("published_on"), cleaned.get("published_time")
        if day and not moment:
            self.add_error("published_time", _("Enter the time of publication."))
        elif moment and not day:
            self.add_error("published_on", _("Enter the date of publication."))
        cleaned["published_at"] = combine_local(day, moment) if day and moment else None
        published_at = cleaned["published_at"]
        if published_at and published_at > timezone.now():
            self.add_error(
                "published_on", _("The publication time cannot be in the future.")
            )
        if (
            published_at
            and timezone.localtime(published_at, LONDON).date()
            < self.record.decision_date
        ):
            self.add_error(
                "published_on",
                _("A decision cannot be published before the date it was taken."),
            )
        cleaned.pop("published_on", None)
        cleaned.pop("published_time", None)
        return cleaned


class CallInForm(CommentForm):
    called_in_by = forms.CharField(
        label=_("Called in by"),
        help_text=_("The councillors who called the decision in."),
        max_length=500,
    )
    called_in_on = forms.DateField(label=_("Date the call-in was received"))
    called_in_time = forms.TimeField(
        label=_("Time received"),
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
    )

    def __init__(self, *args, record, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["called_in_by", "called_in_on", "called_in_time", "comment"])

    def clean(self):
        cleaned = super().clean()
        day, moment = (
            cleaned.pop("called_in_on", None),
            cleaned.pop("called_in_time", None),
        )
        if day and moment:
            cleaned["called_in_at"] = combine_local(day, moment)
        return cleaned


class OutcomeForm(CommentForm):
    meeting = forms.ModelChoiceField(
        label=_("Meeting that heard the call-in"),
        help_text=_("The scrutiny committee meeting: its date is the outcome's."),
        queryset=Meeting.objects.none(),
        error_messages={"required": _("Select the meeting that heard the call-in")},
    )
    outcome = forms.ChoiceField(
        label=_("What did the scrutiny committee decide?"),
        choices=CallInOutcome,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select what the committee decided")},
    )

    def __init__(self, *args, record, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = (
            Meeting.objects.for_organisation(record.organisation)
            .filter(committee__kind=CommitteeKind.SCRUTINY)
            .exclude(status=MeetingStatus.CANCELLED)
            .select_related("committee")
            .order_by("-starts_at")
        )
        self.order_fields(["meeting", "outcome", "comment"])


class CallInRuleForm(forms.ModelForm):
    class Meta:
        model = CallInRule
        fields = [
            "applies_from",
            "days",
            "day_kind",
            "counted_from",
            "first_day_counts",
            "cut_off",
            "takes_effect",
        ]
        widgets = {
            "day_kind": forms.RadioSelect,
            "counted_from": forms.RadioSelect,
            "takes_effect": forms.RadioSelect,
            "days": forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
            "cut_off": forms.TimeInput(
                format="%H:%M", attrs={"class": "govuk-input--width-5"}
            ),
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.fields["applies_from"].help_text = DATE_HELP

    def clean_days(self):
        days = self.cleaned_data["days"]
        if days is not None and not 1 <= days <= 60:
            raise forms.ValidationError(
                _("Enter a call-in period between 1 and 60 days.")
            )
        return days

    def _post_clean(self):
        # Only now does the instance hold the typed values: check that they
        # make a rule the call-in calculation accepts (e.g. a cut-off of
        # 00:00 is "midnight": leave it blank).
        super()._post_clean()
        if not self.errors:
            try:
                self.instance.as_rule()
            except CallInRuleError as error:
                self.add_error(None, str(error))

    def clean(self):
        cleaned = super().clean()
        applies_from = cleaned.get("applies_from")
        if (
            applies_from
            and CallInRule.objects.filter(
                organisation=self.instance.organisation, applies_from=applies_from
            ).exists()
        ):
            self.add_error(
                "applies_from", _("A rule already starts on this date: choose another.")
            )
        return cleaned


class ClosureDayForm(forms.ModelForm):
    class Meta:
        model = ClosureDay
        fields = ["date", "description"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation

    def clean_date(self):
        day = self.cleaned_data["date"]
        if ClosureDay.objects.filter(
            organisation=self.instance.organisation, date=day
        ).exists():
            raise forms.ValidationError(_("This day is already a closure day."))
        return day


class CommitteeForm(CouncilRecordForm):
    unique_name_message = _("The council already has a committee with this name.")

    class Meta:
        model = Committee
        fields = ["name", "kind", "decisions_subject_to_call_in"]
        widgets = {"kind": forms.RadioSelect}
        help_texts = {
            "kind": _(
                "Approval needs a decision of Cabinet or a decision-making "
                "committee; scrutiny committees endorse or refer back."
            )
        }
        error_messages = {
            "name": {"required": _("Enter the committee's name")},
            "kind": {"required": _("Select what kind of committee it is")},
        }


# --- the council's report template -------------------------------------------------


class ReportHeadingForm(CouncilRecordForm):
    """A heading of the council's report template: an implication or a
    section, added at the end of its list; renamed or retired later."""

    unique_name_message = _(
        "There is already a heading with this name: change that one, or "
        "bring it back if it is no longer used."
    )

    class Meta:
        model = ReportHeading
        fields = ["kind", "name", "guidance", "retired"]
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, organisation=organisation, **kwargs)
        self.was_kind = self.instance.kind if self.instance.pk else None
        self.fields["name"].error_messages["required"] = _("Enter the heading")
        if self.instance.pk is None:
            del self.fields["retired"]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind and kind != self.was_kind:
            # Added, or moved to the other list: at the end of it.
            self.instance.position = report_template.next_position(
                self.instance.organisation, kind
            )
        return cleaned


class ReportTemplateForm(forms.ModelForm):
    class Meta:
        model = ReportTemplate
        fields = ["unfilled_implications"]
        widgets = {"unfilled_implications": forms.RadioSelect}
