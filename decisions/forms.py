"""Forms for committee business: meetings, agendas, reports, decisions, rules."""

import copy
from datetime import date, datetime, time

from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from governance.choices import PostKind, Role
from governance.forms import (
    DATE_EXAMPLE,
    ChangeReasonMixin,
    CommentForm,
    CouncilRecordForm,
    GovukDateField,
    GovukForm,
    GovukModelForm,
    VersionedFormMixin,
)
from governance.models import Membership, Post
from governance.ordered_lists import AddAnotherFormSet
from governance.time_of_day import TimeOfDayField

from . import decidable, exempt, report_subjects, report_template
from .call_in import LONDON, CallInRuleError, format_date
from .choices import (
    CallInOutcome,
    CommitteeKind,
    ExemptScope,
    MeetingStatus,
    UrgencyRoute,
)
from .models import (
    KEY_DECISION_NOTICE_DAYS,
    AgendaItem,
    BankHolidayWorked,
    CallInRule,
    ClosureDay,
    Committee,
    CommitteeMember,
    DecisionRecord,
    Meeting,
    NumberingSettings,
    Recommendation,
    Report,
    ReportHeading,
    ReportTemplate,
    Resolution,
    clear_days_notice,
)


def combine_local(day, moment):
    """A date and a wall-clock time in Europe/London as an aware datetime."""
    return datetime.combine(day, moment, tzinfo=LONDON)


class DateAndTimeMixin(GovukForm):
    """Split a moment into the date and time fields people type."""

    def split_initial(self, value, date_field, time_field):
        if value is not None:
            local = timezone.localtime(value, LONDON)
            self.initial.setdefault(date_field, local.date())
            self.initial.setdefault(time_field, local.time().replace(second=0))


class MeetingForm(DateAndTimeMixin, GovukModelForm):
    error_nouns = {
        "date": _("the date of the meeting"),
    }

    date = GovukDateField(label=_("Date"), error_name=_("the date of the meeting"))
    time = TimeOfDayField(
        label=_("Start time"),
        help_text=_("For example, 6.30pm or 18:30"),
        error_name=_("the start time"),
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


class AgendaItemForm(GovukModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "report"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An item naming a report takes the report's title unless changed.
        self.fields["title"].required = False
        self.fields["title"].help_text = _(
            "Leave blank to use the title of the report."
        )

    def clean(self):
        cleaned = super().clean()
        report = cleaned.get("report")
        if not cleaned.get("title", "").strip() and "title" not in self.errors:
            if report is not None:
                cleaned["title"] = report.title
            elif "report" not in self.errors:
                self.add_error(
                    "title", _("Enter the title of the item, or select its report")
                )
        return cleaned


class BaseAgendaFormSet(AddAnotherFormSet):
    """The agenda, numbered in the order the items are listed. A key
    decision needs 28 clear days' notice or an urgency route recorded on
    its report."""

    noun = _("item")

    def __init__(self, *args, organisation, **kwargs):
        self.organisation = organisation
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        field = form.fields["report"]
        field.queryset = Report.objects.for_organisation(self.organisation)
        field.required = False
        # One query for every row's list of reports, however long the agenda.
        field.choices = self.report_choices

    @cached_property
    def report_choices(self):
        reports = Report.objects.for_organisation(self.organisation)
        return [("", "---------"), *((report.pk, str(report)) for report in reports)]

    def clean(self):
        super().clean()
        meeting_day = timezone.localtime(self.instance.starts_at, LONDON).date()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
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


AgendaFormSet = inlineformset_factory(
    Meeting,
    AgendaItem,
    form=AgendaItemForm,
    formset=BaseAgendaFormSet,
    extra=0,
    can_delete=True,
    can_order=True,
)


#: The exempt-information fields of a report or decision record
#: (`exempt.py`), after `exempt` (or the decision's `exempt_part`).
EXEMPT_FIELDS = ["exempt_paragraph", "exempt_reason", "exempt_review_on"]


class ExemptFieldsMixin:
    """The paragraph (from the council's schedule), the reason and the
    review date of exempt information, required when it is exempt. Once
    released, the fields are gone from the form: a release is for good, and
    a review date posted afterwards is ignored."""

    exempt_trigger = "exempt"

    def setup_exempt_fields(self, organisation):
        schedule = exempt.schedule_for(organisation)
        if self.instance.released:
            for name in [self.exempt_trigger, *self.exempt_only_fields()]:
                self.fields.pop(name, None)
            return
        current = self.instance.exempt_paragraph
        choices = exempt.paragraph_choices(organisation)
        self.fields["exempt_paragraph"] = forms.ChoiceField(
            label=_("Exempt under paragraph"),
            required=False,
            choices=choices,
            widget=forms.RadioSelect,
            help_text=_("Of %(schedule)s.") % {"schedule": schedule.name},
        )
        if current and current not in dict(choices):
            self.initial["exempt_paragraph"] = ""
        if "exempt_scope" in self.fields:
            # Asked only of exempt reports: the whole report unless said.
            self.fields["exempt_scope"].required = False
        self.fields["exempt_reason"].label = (
            _("Why the public interest in keeping it exempt outweighs disclosing it")
            if schedule.public_interest_test
            else _("Why it is exempt")
        )
        self.fields["exempt_reason"].widget = forms.Textarea(attrs={"rows": 3})
        self.fields["exempt_review_on"].help_text = format_lazy(
            "{} {}",
            _("When a clerk should next consider releasing it."),
            DATE_EXAMPLE,
        )
        self.fields["exempt_review_on"].error_name = _("the review date")

    def exempt_only_fields(self):
        return [
            name
            for name in (*EXEMPT_FIELDS, "exempt_scope", "exempt_title_publishable")
            if name in self.fields
        ]

    def exempt_claimed(self, cleaned):
        return bool(cleaned.get(self.exempt_trigger))

    def clean_exempt_fields(self, cleaned):
        if self.instance.released:
            return
        if not self.exempt_claimed(cleaned):
            # Not exempt: nothing of a paragraph or review is kept.
            cleaned["exempt_paragraph"] = ""
            cleaned["exempt_reason"] = ""
            cleaned["exempt_review_on"] = None
            if "exempt_scope" in self.fields:
                cleaned["exempt_scope"] = ExemptScope.REPORT
                cleaned["exempt_title_publishable"] = False
            return
        if "exempt_scope" in self.fields and not cleaned.get("exempt_scope"):
            cleaned["exempt_scope"] = ExemptScope.REPORT
        if not cleaned.get("exempt_paragraph") and "exempt_paragraph" not in (
            self.errors
        ):
            self.add_error(
                "exempt_paragraph", _("Select the paragraph under which it is exempt")
            )
        if not cleaned.get("exempt_reason", "").strip():
            self.add_error(
                "exempt_reason",
                _(
                    "Enter why the public interest in keeping it exempt "
                    "outweighs disclosing it"
                )
                if exempt.schedule_for(self.organisation).public_interest_test
                else _("Enter why it is exempt"),
            )
        if not cleaned.get("exempt_review_on") and "exempt_review_on" not in (
            self.errors
        ):
            self.add_error("exempt_review_on", _("Enter the review date"))


class ReportForm(ExemptFieldsMixin, VersionedFormMixin, GovukModelForm):
    error_nouns = {
        "report_of": _("whose report it is"),
        "subject": _("what the report presents"),
        "exempt_paragraph": _("the paragraph under which it is exempt"),
        "exempt_scope": _("what is exempt"),
    }

    class Meta:
        model = Report
        field_classes = {
            "forward_plan_notice_on": GovukDateField,
            "exempt_review_on": GovukDateField,
        }
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
            "exempt_scope",
            "exempt_paragraph",
            "exempt_reason",
            "exempt_review_on",
            "exempt_title_publishable",
        ]
        widgets = {
            "urgency_route": forms.RadioSelect,
            "exempt_scope": forms.RadioSelect,
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
        self.organisation = organisation
        self.choose_posts(organisation)
        self.add_heading_fields(organisation)
        self.setup_exempt_fields(organisation)

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
        self.clean_exempt_fields(cleaned)
        if (
            cleaned.get("urgency_route")
            and not cleaned.get("urgency_reason", "").strip()
        ):
            self.add_error("urgency_reason", _("Give the reason for urgency."))
        return cleaned


def prefilled(formset_class, rows, **kwargs):
    """An unbound formset whose new rows start as `rows` (dicts of initial
    values, e.g. a decision's resolutions from its report's
    recommendations); the "add another" formset shows one row for each
    (`AddAnotherFormSet`), or one blank row when there are none."""
    rows = list(rows)
    return formset_class(initial=rows or None, **kwargs)


class NumberedRowForm(GovukModelForm):
    """A recommendation or resolution: its number is its place in the list."""

    class Meta:
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class BaseRecommendationFormSet(AddAnotherFormSet):
    noun = _("recommendation")


class BaseResolutionFormSet(AddAnotherFormSet):
    noun = _("resolution")


RecommendationFormSet = inlineformset_factory(
    Report,
    Recommendation,
    form=NumberedRowForm,
    formset=BaseRecommendationFormSet,
    fields=["text"],
    extra=0,
    can_delete=True,
    can_order=True,
)
ResolutionFormSet = inlineformset_factory(
    DecisionRecord,
    Resolution,
    form=NumberedRowForm,
    formset=BaseResolutionFormSet,
    fields=["text"],
    extra=0,
    can_delete=True,
    can_order=True,
)


class DecisionForm(ExemptFieldsMixin, VersionedFormMixin, GovukModelForm):
    error_nouns = {
        "meeting": _("the meeting that made the decision"),
        "exempt_paragraph": _("the paragraph under which it is exempt"),
    }
    #: A decision has an exempt part when its text is given.
    exempt_trigger = "exempt_part"

    decides = forms.MultipleChoiceField(
        label=_("Records this decision decides"),
        help_text=_("For example, the strategy or workplan it approves."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = DecisionRecord
        field_classes = {
            "decision_date": GovukDateField,
            "exempt_review_on": GovukDateField,
        }
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
            "exempt_part",
            *EXEMPT_FIELDS,
        ]
        widgets = {"exempt_part": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.organisation = organisation
        self.setup_exempt_fields(organisation)
        self.fields["meeting"].queryset = Meeting.objects.for_organisation(
            organisation
        ).select_related("committee")
        self.fields["report"].queryset = Report.objects.for_organisation(organisation)
        self.fields["decision_date"].required = False
        self.fields["decision_date"].error_name = _("the date of the decision")
        self.fields["decision_date"].help_text = format_lazy(
            "{} {}",
            _("The date of the meeting that took it: leave blank to use it."),
            DATE_EXAMPLE,
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
        else:
            # Started from a report: the record it presents is offered (and
            # ticked) even if it is no longer awaiting a decision.
            named = {
                tuple(int(part) for part in value.split(":"))
                for value in self.initial.get("decides", [])
            }
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
            self.add_error("decision_date", _("Enter the date of the decision"))
        if decided and self.instance.published_at:
            published = timezone.localtime(self.instance.published_at, LONDON).date()
            if decided > published:
                self.add_error(
                    "decision_date",
                    _("The date of decision cannot be after its publication."),
                )
        self.clean_exempt_fields(cleaned)
        if not self.instance.released:
            self.instance.exempt = self.exempt_claimed(cleaned)
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
    """Publish now, or record a publication that happened earlier: its date,
    and its time if known. A date without a time is stored at the council's
    `default_publication_time` (or now, if that is later today) and marked
    so that pages and papers print the date only."""

    published_on = GovukDateField(
        label=_("Date of publication"),
        required=False,
        help_text=_("Leave blank to publish now."),
        error_name=_("the date of publication"),
    )
    published_time = TimeOfDayField(
        label=_("Time of publication"),
        required=False,
        help_text=_("For example, 4pm or 16:30. Leave blank if it is not known."),
        error_name=_("the time of publication"),
    )

    def __init__(self, *args, record, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record
        self.order_fields(["published_on", "published_time", "comment"])

    def clean(self):
        cleaned = super().clean()
        day, moment = cleaned.get("published_on"), cleaned.get("published_time")
        cleaned["published_time_known"] = moment is not None
        if moment and not day and "published_on" not in self.errors:
            self.add_error("published_on", _("Enter the date of publication"))
        published_at = None
        if day and moment:
            published_at = combine_local(day, moment)
        elif day:
            published_at = min(
                combine_local(day, self.record.organisation.default_publication_time),
                max(combine_local(day, time(0)), timezone.now()),
            )
        cleaned["published_at"] = published_at
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
    error_nouns = {
        "called_in_by": _("the names of the councillors who called it in"),
    }

    called_in_by = forms.CharField(
        label=_("Called in by"),
        help_text=_("The councillors who called the decision in."),
        max_length=500,
    )
    called_in_on = GovukDateField(
        label=_("Date the call-in was received"),
        error_name=_("the date the call-in was received"),
    )
    called_in_time = TimeOfDayField(
        label=_("Time received"),
        required=False,
        help_text=_(
            "For example, 4pm or 16:30. Needed only if it was received on the "
            "last day for call-in."
        ),
        error_name=_("the time the call-in was received"),
    )

    def __init__(self, *args, record, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record
        self.order_fields(["called_in_by", "called_in_on", "called_in_time", "comment"])

    def clean(self):
        """A day without a time is stored as the start of that day (or the
        publication, if later that day) and marked, so that pages print the
        date only; the path refuses it when the day is the last one, where
        the time decides whether the call-in was in time."""
        cleaned = super().clean()
        day, moment = (
            cleaned.pop("called_in_on", None),
            cleaned.pop("called_in_time", None),
        )
        cleaned["called_in_time_known"] = moment is not None
        if (
            day
            and moment is None
            and "called_in_time" not in self.errors
            and self.record.deadline_falls_on(day)
        ):
            self.add_error(
                "called_in_time",
                _(
                    "Enter the time the call-in was received: it arrived on the "
                    "last day for call-in, and the deadline is %(deadline)s"
                )
                % {"deadline": self.record.deadline_text},
            )
        if day and moment:
            cleaned["called_in_at"] = combine_local(day, moment)
        elif day:
            published = self.record.published_at
            published_on_that_day = (
                published is not None
                and timezone.localtime(published, LONDON).date() == day
            )
            cleaned["called_in_at"] = (
                published if published_on_that_day else combine_local(day, time(0))
            )
        return cleaned


class OutcomeForm(CommentForm):
    error_nouns = {"outcome": _("what the scrutiny committee decided")}

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


class CutOffField(TimeOfDayField):
    """A cut-off time; blank is the end of the day (midnight)."""

    default_error_messages = {
        "invalid": _(
            "Enter the cut-off as a time of day, for example 4pm, 4.30pm or "
            "16:00 – or leave it blank for midnight"
        )
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class CallInRuleForm(GovukModelForm):
    """A council's call-in rule, from a date. New rules start from the most
    common convention; a rule no published decision was judged by can be
    corrected (with a reason); none may be dated before published decisions
    another rule gave their deadline."""

    error_nouns = {
        "applies_from": _("the date the rule applies from"),
        "days": _("the number of days in the call-in period"),
        "day_kind": _("which days are counted"),
        "counted_from": _("where the count starts"),
        "takes_effect": _("when the decision takes effect"),
    }

    cut_off = CutOffField(
        label=_("Cut-off time on the last day"),
        help_text=_(
            "For example, 4pm or 16:00. Most councils have none: leave it "
            "blank for the end of the day (midnight)."
        ),
    )

    class Meta:
        model = CallInRule
        field_classes = {"applies_from": GovukDateField}
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
        }
        labels = {
            "first_day_counts": _(
                "The day of publication (or of the decision) counts as day one"
            ),
        }
        help_texts = {
            "days": _("Most councils allow 5 working days."),
            "first_day_counts": _(
                "Most councils do not count it: day one is the next working "
                "day. Tick this only if your constitution says the day of "
                "publication is day one."
            ),
            "takes_effect": _(
                "Most councils: the next day. Salford's constitution, for "
                "example: at the cut-off on the last day."
            ),
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        if self.instance.pk:
            self.fields["change_reason"] = copy.deepcopy(
                ChangeReasonMixin.base_fields["change_reason"]
            )

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
        # 00:00 is "midnight": leave it blank), and that it alters no
        # published decision's deadline.
        super()._post_clean()
        if self.errors:
            return
        try:
            self.instance.as_rule()
        except CallInRuleError as error:
            self.add_error(None, str(error))
            return
        altered = list(self.instance.decisions_it_would_alter()[:1])
        if altered:
            decision = altered[0]
            last = self.instance.decisions_it_would_alter().last()
            self.add_error(
                "applies_from",
                _(
                    "Decisions published on or after this date already have "
                    "the deadline another rule gave them, such as “%(title)s”, "
                    "published on %(published)s: date the rule after "
                    "%(last)s, the last of them"
                )
                % {
                    "title": decision.title,
                    "published": format_date(_local_day(decision.published_at)),
                    "last": format_date(_local_day(last.published_at)),
                },
            )

    def clean(self):
        cleaned = super().clean()
        applies_from = cleaned.get("applies_from")
        if (
            applies_from
            and CallInRule.objects.filter(
                organisation=self.instance.organisation, applies_from=applies_from
            )
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error(
                "applies_from", _("A rule already starts on this date: choose another.")
            )
        return cleaned


def _local_day(moment):
    return timezone.localtime(moment, LONDON).date()


#: The longest closure period entered in one go (a long shutdown is rare;
#: the limit stops a mistyped year adding hundreds of days).
LONGEST_CLOSURE = 31


class ClosurePeriodForm(GovukForm):
    """Days the council is closed, entered as a date range in one go."""

    first_day = GovukDateField(
        label=_("First day closed"),
        error_name=_("the first day closed"),
        error_messages={"required": _("Enter the first day the council is closed")},
    )
    last_day = GovukDateField(
        label=_("Last day closed"),
        error_name=_("the last day closed"),
        required=False,
        help_text=_("Leave blank for a single day."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        help_text=_("For example, Christmas shutdown."),
        error_messages={
            "required": _("Enter a description, such as Christmas shutdown")
        },
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean(self):
        cleaned = super().clean()
        first = cleaned.get("first_day")
        if first is None:
            return cleaned
        last = cleaned.get("last_day") or first
        if "last_day" in self.errors:
            return cleaned
        if last < first:
            self.add_error(
                "last_day",
                _("The last day closed must be the same as or after the first day"),
            )
            return cleaned
        if (last - first).days >= LONGEST_CLOSURE:
            self.add_error(
                "last_day",
                _("Enter a closure of %(days)s days or fewer")
                % {"days": LONGEST_CLOSURE},
            )
            return cleaned
        cleaned["days"] = ClosureDay.days_to_add(self.organisation, first, last)
        if not cleaned["days"]:
            self.add_error(
                "first_day",
                _("Every one of these days is already a closure day"),
            )
        return cleaned


class BankHolidayWorkedForm(GovukForm):
    """A bank holiday the council works, chosen from its region's coming ones."""

    error_nouns = {"date": _("the bank holiday the council works")}

    date = forms.TypedChoiceField(
        label=_("Which bank holiday does the council work?"),
        coerce=date.fromisoformat,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the bank holiday the council works")},
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["date"].choices = [
            (day.isoformat(), f"{name}, {format_date(day)}")
            for day, name in BankHolidayWorked.could_be_worked(
                organisation, timezone.localdate()
            )
        ]


class DeadlineOverrideForm(CommentForm):
    """A clerk sets one published decision's call-in deadline, with a reason
    (the comment, shown on the record and its paper)."""

    error_nouns = {
        "comment": _("the reason the deadline is being changed"),
    }

    last_day = GovukDateField(
        label=_("New last day for call-in"),
        error_name=_("the new last day for call-in"),
        error_messages={"required": _("Enter the new last day for call-in")},
    )
    cut_off = CutOffField(
        label=_("Time on that day"),
        help_text=_("For example, 4pm or 16:00. Leave blank for midnight."),
    )

    def __init__(self, *args, record, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record
        comment = self.fields["comment"]
        comment.required = True
        comment.label = _("Why is the deadline being changed?")
        comment.help_text = _("Shown on the decision record and its paper.")
        comment.error_messages["required"] = _(
            "Enter why the deadline is being changed"
        )
        if record.call_in_last_day:
            self.initial.setdefault("last_day", record.call_in_last_day)
        self.order_fields(["last_day", "cut_off", "comment"])


class CommitteeForm(CouncilRecordForm):
    error_nouns = {
        "kind": _("the kind of committee"),
    }

    unique_name_message = _("The council already has a committee with this name.")

    class Meta:
        model = Committee
        fields = [
            "name",
            "kind",
            "purpose",
            "decisions_subject_to_call_in",
            "contact_officer",
        ]
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


class CommitteeMemberForm(GovukModelForm):
    error_nouns = {
        "membership": _("their account"),
    }

    class Meta:
        model = CommitteeMember
        fields = ["name", "role", "membership"]
        labels = {"name": _("Councillor's name")}
        help_texts = {"name": _("For example, Councillor Jo Smith.")}


class BaseCommitteeMemberFormSet(AddAnotherFormSet):
    """The committee's councillors, an "add another" list kept in the order
    they were added. Only the council's members may be linked; one Chair at
    most; a decision-making committee needs members."""

    noun = _("councillor")
    ordered = False

    def __init__(self, *args, organisation, **kwargs):
        self.councillors = (
            Membership.objects.for_organisation(organisation)
            .current()
            .filter(role=Role.MEMBER)
            .select_related("user")
        )
        super().__init__(*args, **kwargs)

    @cached_property
    def councillor_choices(self):
        """The councillors to link, read once for every row (each row's
        select would otherwise run the query again: one per councillor)."""
        return [("", _("No account"))] + [
            (m.pk, m.user.get_full_name() or str(m.user)) for m in self.councillors
        ]

    def add_fields(self, form, index):
        super().add_fields(form, index)
        field = form.fields["membership"]
        field.queryset = self.councillors
        field.required = False
        field.empty_label = _("No account")
        field.choices = self.councillor_choices

    def clean(self):
        super().clean()
        rows = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        names = [row.get("name", "").strip().lower() for row in rows]
        if len(names) != len(set(names)):
            raise forms.ValidationError(_("List each councillor once."))
        if sum(row.get("role") == CommitteeMember.Role.CHAIR for row in rows) > 1:
            raise forms.ValidationError(_("A committee has one Chair: choose one."))
        problem = self.instance.members_problem(len(rows))
        if problem:
            raise forms.ValidationError(problem)


CommitteeMemberFormSet = inlineformset_factory(
    Committee,
    CommitteeMember,
    form=CommitteeMemberForm,
    formset=BaseCommitteeMemberFormSet,
    extra=0,
    can_delete=True,
)


class NumberingSettingsForm(ChangeReasonMixin, GovukModelForm):
    """How the council numbers recommendations and resolutions."""

    error_nouns = {
        "recommendations": _("how the council numbers recommendations and resolutions")
    }

    class Meta:
        model = NumberingSettings
        fields = ["recommendations"]
        widgets = {"recommendations": forms.RadioSelect}
        labels = {
            "recommendations": _(
                "How does the council number recommendations and resolutions?"
            )
        }
        help_texts = {
            "recommendations": _(
                "Used on report and decision pages and papers. Numbers always "
                "follow the order of the list."
            )
        }


# --- the council's report template -------------------------------------------------


class ReportHeadingForm(CouncilRecordForm):
    """A heading of the council's report template: an implication or a
    section, added at the end of its list; renamed or retired later."""

    error_nouns = {
        "kind": _("what the heading is"),
    }

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


class ReportTemplateForm(GovukModelForm):
    class Meta:
        model = ReportTemplate
        fields = ["unfilled_implications"]
        widgets = {"unfilled_implications": forms.RadioSelect}


class ExemptReviewForm(GovukForm):
    """A clerk's review of exempt information on (or after) its review date:
    release it, or keep it exempt with a new review date and reason."""

    RELEASE = "release"
    KEEP = "keep"

    error_nouns = {"outcome": _("whether to release it or keep it exempt")}

    outcome = forms.ChoiceField(
        label=_("What do you want to do?"),
        choices=[
            (RELEASE, _("Release it: the public can read it from today")),
            (KEEP, _("Keep it exempt until a new review date")),
        ],
        widget=forms.RadioSelect,
    )
    review_on = GovukDateField(
        label=_("New review date"),
        required=False,
        error_name=_("the new review date"),
        help_text=format_lazy("{} {}", _("If you keep it exempt."), DATE_EXAMPLE),
    )
    reason = forms.CharField(
        label=_("Why it stays exempt"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "If you keep it exempt: why the public interest in keeping it "
            "exempt still outweighs disclosing it."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") != self.KEEP:
            return cleaned
        review_on = cleaned.get("review_on")
        if review_on is None and "review_on" not in self.errors:
            self.add_error("review_on", _("Enter the new review date"))
        elif review_on is not None and review_on <= timezone.localdate():
            self.add_error("review_on", _("The new review date must be in the future"))
        if not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Enter why it stays exempt"))
        return cleaned
