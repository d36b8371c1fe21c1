"""Forms for workplans and their items."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from decisions.lifecycle_forms import ApproveForm, RecordFormMixin
from governance.choices import Role
from governance.error_messages import GovukFormSetMixin
from governance.forms import (
    ChangeReasonMixin,
    CommentForm,
    CouncilRecordForm,
    GovukDateField,
    GovukForm,
    GovukModelForm,
    VersionedFormMixin,
)
from governance.models import Membership
from governance.ordered_lists import GoneRowsFormSet
from strategy.forms import membership_label
from strategy.models import Strategy

from . import import_mapping, variations
from .choices import Confidence, DeliveryStatus, Rag, WorkType
from .import_values import norm
from .models import (
    Department,
    Milestone,
    ProgressUpdate,
    VariationSettings,
    Workplan,
    WorkplanItem,
    WorkplanSettings,
)


class WorkplanForm(GovukModelForm):
    error_nouns = {
        "financial_year": _("the year the financial year starts"),
        "review_months": _("the number of months between reviews"),
    }

    class Meta:
        model = Workplan
        fields = ["strategy", "financial_year", "title", "review_months"]
        help_texts = {
            "title": _(
                "As the council's papers call it, for example “ICT Strategy "
                "Annual Workplan 2022–2023”. Leave blank to call it “ICT "
                "workplan” and its year, for example “ICT workplan 2022–23”."
            )
        }
        widgets = {
            "financial_year": forms.NumberInput(
                attrs={"class": "govuk-input--width-4"}
            ),
            "review_months": forms.NumberInput(attrs={"class": "govuk-input--width-2"}),
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        if "strategy" in self.fields:
            self.fields["strategy"].queryset = Strategy.objects.for_organisation(
                organisation
            ).exclude(status__in=["superseded", "closed"])
            self.fields["strategy"].empty_label = None

    def clean_financial_year(self):
        year = self.cleaned_data["financial_year"]
        if year is not None and not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Enter a year between 2000 and 2100."))
        return year

    def clean(self):
        cleaned = super().clean()
        strategy, year = cleaned.get("strategy"), cleaned.get("financial_year")
        if "strategy" not in self.fields:
            strategy = self.instance.strategy
        if (
            strategy
            and year
            and not (strategy.period_start_year <= year <= strategy.period_end_year)
        ):
            self.add_error(
                "financial_year",
                _("The year must fall within the strategy's period (%(period)s).")
                % {"period": strategy.period},
            )
        if (
            strategy
            and year
            and Workplan.objects.filter(strategy=strategy, financial_year=year)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error(
                "financial_year",
                _("This strategy already has a workplan for that year."),
            )
        return cleaned


class ProgressFieldsMixin:
    """Percent, RAG and its reason: the rules every progress form shares."""

    error_nouns = {
        "percent_complete": _("the percentage complete"),
        "as_at": _("the date of the position"),
    }

    def clean_percent_complete(self):
        percent = self.cleaned_data.get("percent_complete")
        if percent is not None and not 0 <= percent <= 100:
            raise forms.ValidationError(_("Enter a percentage from 0 to 100."))
        return percent

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("rag") == Rag.RED and not cleaned.get("rag_reason", "").strip():
            self.add_error("rag_reason", _("Say why the item is red."))
        return cleaned


class ItemForm(ProgressFieldsMixin, VersionedFormMixin, GovukModelForm):
    class Meta:
        model = WorkplanItem
        fields = [
            "reference",
            "title",
            "description",
            "theme",
            "category",
            "work_type",
            "departments",
            "lead_officer",
            "lead_name",
            "sponsor",
            "start_date",
            "target_date",
            "budget",
            "delivery_status",
            "status_as_reported",
            "rag",
            "rag_reason",
            "percent_complete",
        ]
        field_classes = {
            "start_date": GovukDateField,
            "target_date": GovukDateField,
        }
        labels = {"lead_name": _("Lead without an account here")}
        help_texts = {
            "lead_name": _("Their name, if the lead is not one of the officers."),
            "status_as_reported": _("The status in your own words, as reported."),
        }
        widgets = {
            "reference": forms.TextInput(attrs={"class": "govuk-input--width-5"}),
            "status_as_reported": forms.Textarea(attrs={"rows": 2}),
            "category": forms.RadioSelect,
            "work_type": forms.RadioSelect,
            "departments": forms.CheckboxSelectMultiple,
            "rag": forms.RadioSelect,
            "budget": forms.NumberInput(attrs={"class": "govuk-input--width-10"}),
            "percent_complete": forms.NumberInput(
                attrs={"class": "govuk-input--width-3"}
            ),
            "description": forms.Textarea(attrs={"rows": 4}),
            "rag_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, workplan, **kwargs):
        super().__init__(*args, **kwargs)
        self.workplan = workplan
        self.instance.workplan = workplan
        self.instance.organisation = workplan.organisation
        self.fields["theme"].queryset = workplan.strategy.themes.all()
        self.fields["departments"].queryset = Department.objects.for_organisation(
            workplan.organisation
        )
        self.fields["lead_officer"].queryset = (
            Membership.objects.for_organisation(workplan.organisation)
            .to_name_on(self.instance, "lead_officer")
            .filter(role=Role.OFFICER)
            .select_related("user")
        )
        self.fields["lead_officer"].label_from_instance = membership_label
        self.fields["rag"].choices = [("", _("Not yet rated"))] + list(Rag.choices)
        # Chosen for every item made here; "not stated" is what an imported
        # spreadsheet left out, kept until someone states it.
        for name, choices in (("category", Confidence), ("work_type", WorkType)):
            field = self.fields[name]
            field.required = not getattr(self.instance, name)
            field.choices = list(choices.choices)
            if not field.required:
                field.choices.append(("", _("Not stated")))
        self.fields["percent_complete"].help_text = _("Leave empty if it is not known.")
        if self.instance.delivery_status != DeliveryStatus.NOT_STATED:
            self.fields["delivery_status"].choices = without_not_stated()
        if self.instance.pk is None:
            del self.fields["version"]

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        clash = WorkplanItem.objects.filter(
            workplan=self.workplan, reference__iexact=reference
        ).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                _("Another item of this workplan has the reference %(ref)s.")
                % {"ref": reference}
            )
        return reference

    def clean(self):
        cleaned = super().clean()
        start, target = cleaned.get("start_date"), cleaned.get("target_date")
        if start and target and target < start:
            self.add_error(
                "target_date", _("The target date must not be before the start date.")
            )
        # A date typed here replaces a period an import kept as written.
        if "start_date" in self.changed_data:
            self.instance.start_as_written = ""
        if "target_date" in self.changed_data:
            self.instance.target_as_written = ""
        if cleaned.get("lead_officer"):
            cleaned["lead_name"] = ""
        return cleaned


class ProgressForm(ProgressFieldsMixin, VersionedFormMixin, GovukModelForm):
    """The quick update of an item's progress, from the list."""

    class Meta:
        model = WorkplanItem
        fields = [
            "delivery_status",
            "status_as_reported",
            "rag",
            "rag_reason",
            "percent_complete",
        ]
        help_texts = {
            "status_as_reported": _("The status in your own words, as reported.")
        }
        widgets = {
            "status_as_reported": forms.Textarea(attrs={"rows": 2}),
            "rag": forms.RadioSelect,
            "percent_complete": forms.NumberInput(
                attrs={"class": "govuk-input--width-3"}
            ),
            "rag_reason": forms.Textarea(attrs={"rows": 2}),
        }

    note = forms.CharField(
        label=_("Progress note"),
        help_text=_(
            "What has happened since the last note: kept on the item, dated today."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rag"].choices = [("", _("Not yet rated"))] + list(Rag.choices)
        if self.instance.delivery_status != DeliveryStatus.NOT_STATED:
            self.fields["delivery_status"].choices = without_not_stated()


def without_not_stated():
    """The delivery statuses a person chooses from ("not stated" is only
    what an import could not read)."""
    return [
        choice
        for choice in DeliveryStatus.choices
        if choice[0] != DeliveryStatus.NOT_STATED
    ]


class ImportForm(GovukForm):
    file = forms.FileField(
        label=_("Spreadsheet of items"),
        help_text=_(
            "CSV or Excel (XLSX), at most 5 MB, in the layout of the template."
        ),
        error_messages={"required": _("Select the spreadsheet to import.")},
    )

    @classmethod
    def choose_again(cls, message):
        """The form with `message` against the file and no other error: the
        upload being confirmed was refused, so the person chooses it again.
        (Bound to empty data, so the only error it finds is the missing
        file, which `message` replaces.)"""
        form = cls(data={}, files={})
        form.errors["file"].clear()
        form.add_error("file", message)
        return form


class ProgressUpdateForm(ProgressFieldsMixin, GovukModelForm):
    """An item's update for a review round."""

    class Meta:
        model = ProgressUpdate
        fields = [
            "delivery_status",
            "rag",
            "rag_reason",
            "percent_complete",
            "commentary",
            "revised_start_date",
            "revised_target_date",
            "as_at",
        ]
        help_texts = {"as_at": _("The date of this position. Leave blank for today.")}
        field_classes = {
            "revised_start_date": GovukDateField,
            "revised_target_date": GovukDateField,
            "as_at": GovukDateField,
        }
        widgets = {
            "rag": forms.RadioSelect,
            "percent_complete": forms.NumberInput(
                attrs={"class": "govuk-input--width-3"}
            ),
            "rag_reason": forms.Textarea(attrs={"rows": 2}),
            "commentary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review
        self.fields["as_at"].required = False
        self.fields["delivery_status"].choices = without_not_stated()

    def clean_as_at(self):
        as_at = self.cleaned_data.get("as_at") or timezone.localdate()
        if as_at > timezone.localdate():
            raise forms.ValidationError(
                _("The position cannot be as at a future date.")
            )
        return as_at

    def clean(self):
        cleaned = super().clean()
        start = cleaned.get("revised_start_date")
        target = cleaned.get("revised_target_date")
        if start and target and target < start:
            self.add_error(
                "revised_target_date",
                _("The revised target date must not be before the start date."),
            )
        return cleaned


class VariationReasonMixin(GovukForm):
    variation_reason = forms.CharField(
        label=_("Reason for the variation"),
        help_text=_("Reported to members at the next review."),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the plan is changing.")},
    )


class VariationFieldsMixin(VariationReasonMixin):
    """What every variation of an approved workplan must record: why, with
    whom and when it was agreed (the day it happened, not the day it is
    typed in). The form sets `self.workplan`."""

    agreed_with = forms.CharField(
        label=_("Agreed with"),
        help_text=_("For example, the Digital Programme Board or the sponsor."),
        max_length=200,
        error_messages={"required": _("Say with whom the change was agreed.")},
    )
    agreed_on = GovukDateField(
        label=_("Date agreed"),
        error_name=_("the date the change was agreed"),
    )

    def clean_agreed_on(self):
        day = self.cleaned_data["agreed_on"]
        problem = variations.agreed_date_problem(day, self.workplan)
        if problem:
            raise forms.ValidationError(problem)
        return day


class ItemVariationForm(VariationFieldsMixin, ItemForm):
    """Changing an item of an approved workplan: a recorded variation."""

    def clean(self):
        cleaned = super().clean()
        if not self.content_changes():
            raise forms.ValidationError(
                _("Nothing has been changed: there is no variation to record.")
            )
        return cleaned

    def content_changes(self):
        ignore = {"version", "variation_reason", "agreed_with", "agreed_on"}
        return [name for name in self.changed_data if name not in ignore]


class ItemAdditionForm(VariationReasonMixin, ItemForm):
    """Adding an item to an approved workplan: a variation, agreed afterwards
    as the council says variations are agreed (the item enters the plan
    then)."""


class ImportAdditionForm(VariationReasonMixin):
    """Importing new items into an approved workplan: additions, agreed
    afterwards as the council says variations are agreed."""

    def __init__(self, *args, workplan, **kwargs):
        super().__init__(*args, **kwargs)
        self.workplan = workplan


class ImportVariationForm(VariationFieldsMixin):
    """Importing changes of scope or dates to an approved workplan's items:
    variations, recorded with why, with whom and when they were agreed."""

    def __init__(self, *args, workplan, **kwargs):
        super().__init__(*args, **kwargs)
        self.workplan = workplan


class RemovalForm(VariationFieldsMixin):
    """Removing an item from an approved workplan (it is cancelled, not deleted)."""

    def __init__(self, *args, workplan, **kwargs):
        super().__init__(*args, **kwargs)
        self.workplan = workplan


# --- agreeing an item's addition (steps of the item's lifecycle) -----------------


class DelegatedAgreementForm(RecordFormMixin, CommentForm):
    """The agreement, under delegated powers, of the variation adding an item."""

    agreed_on = GovukDateField(
        label=_("Date agreed"),
        help_text=_("The day you agreed it, which may be before today."),
        error_name=_("the date the variation was agreed"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["agreed_on", "comment"])

    def clean_agreed_on(self):
        day = self.cleaned_data["agreed_on"]
        problem = variations.agreed_date_problem(day, self.record.workplan)
        if problem:
            raise forms.ValidationError(problem)
        return day


class VariationDecisionForm(ApproveForm):
    """The published decision agreeing the variation that adds an item."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].label = _("The decision that agrees the variation")
        self.fields["decision"].help_text = _(
            "A published decision record that names the variation."
        )
        self.fields["decision"].error_messages["required"] = _(
            "Select the decision that agrees the variation."
        )


class VariationSettingsForm(ChangeReasonMixin, GovukModelForm):
    """Who may agree variations under delegated powers."""

    error_nouns = {"delegates": _("who may agree variations under delegated powers")}

    class Meta:
        model = VariationSettings
        fields = ["delegates"]
        widgets = {"delegates": forms.CheckboxSelectMultiple}
        labels = {"delegates": _("Who may agree variations under delegated powers?")}
        help_texts = {
            "delegates": _(
                "As the council's scheme of delegation says, for example the "
                "head of service. Select nobody if only a decision of Cabinet "
                "or a decision-making committee may agree a variation."
            )
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegates"].queryset = (
            Membership.objects.for_organisation(organisation)
            .current()
            .filter(role__in=[Role.OFFICER, Role.CLERK, Role.ADMINISTRATOR])
            .select_related("user")
            .order_by("user__last_name", "user__first_name", "pk")
        )
        self.fields["delegates"].label_from_instance = membership_label
        self.fields["delegates"].required = False


class WorkplanUpdateForm(VersionedFormMixin, WorkplanForm):
    """A draft workplan's title, year and review period (its strategy stays:
    its items are aligned to that strategy's themes)."""

    class Meta(WorkplanForm.Meta):
        fields = ["title", "financial_year", "review_months"]


class WorkplanSettingsForm(ChangeReasonMixin, GovukModelForm):
    """How the council lays out its workplans."""

    class Meta:
        model = WorkplanSettings
        fields = ["future_works_last"]


class MilestoneForm(GovukModelForm):
    error_nouns = {
        "due": _("the due date"),
    }

    class Meta:
        model = Milestone
        fields = ["title", "due", "done"]
        field_classes = {"due": GovukDateField}


class BaseMilestoneFormSet(GovukFormSetMixin, GoneRowsFormSet):
    pass


MilestoneFormSet = forms.inlineformset_factory(
    WorkplanItem,
    Milestone,
    form=MilestoneForm,
    formset=BaseMilestoneFormSet,
    extra=2,
    can_delete=True,
)


class DepartmentForm(CouncilRecordForm):
    unique_name_message = _("The council already has a department with this name.")

    class Meta:
        model = Department
        fields = ["name"]
        error_messages = {"name": {"required": _("Enter the department's name")}}


class ImportColumnsForm(GovukForm):
    """What each of a spreadsheet's columns holds: a field, a note on the
    item, or nothing to import. Every column must be answered; a field can
    come from one column only; the title must come from one."""

    def __init__(self, *args, columns, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = columns
        choices = [
            ("", _("Choose what this column holds")),
            *import_mapping.field_choices(),
            (import_mapping.NOTE, _("Keep as a note on the item")),
            (import_mapping.IGNORE, _("Ignore this column")),
        ]
        for column in columns:
            samples = "; ".join(f"“{sample}”" for sample in column.samples)
            hint = _("Column %(letter)s.") % {"letter": column.letter}
            if samples:
                hint += " " + _("For example: %(samples)s") % {"samples": samples}
            else:
                hint += " " + _("It has no values.")
            self.fields[f"column-{column.index}"] = forms.ChoiceField(
                label=column.name,
                choices=choices,
                initial=column.choice,
                help_text=hint,
                error_messages=dict.fromkeys(
                    ["required", "invalid_choice"],
                    _("Select what the column “%(name)s” holds")
                    % {"name": column.name},
                ),
            )
        self.fields["remember"] = forms.BooleanField(
            label=_(
                "Remember these choices for the next spreadsheet with the same columns"
            ),
            required=False,
            initial=True,
        )

    def clean(self):
        cleaned = super().clean()
        seen = {}
        for column in self.columns:
            name = f"column-{column.index}"
            choice = cleaned.get(name)
            if not choice or choice in (import_mapping.NOTE, import_mapping.IGNORE):
                continue
            if choice in seen:
                self.add_error(
                    name,
                    _(
                        "“%(field)s” is already chosen for the column “%(other)s”: "
                        "choose it for one column only"
                    )
                    % {
                        "field": import_mapping.choice_label(choice),
                        "other": seen[choice].name,
                    },
                )
            else:
                seen[choice] = column
        if not self.errors and "title" not in seen and self.columns:
            self.add_error(
                f"column-{self.columns[0].index}",
                _("Select the column that holds each item's title"),
            )
        return cleaned

    def choices(self):
        return {
            str(column.index): self.cleaned_data[f"column-{column.index}"]
            for column in self.columns
        }


class ImportValuesForm(GovukForm):
    """What the values the importer could not read mean, one question per
    distinct value, and whether to add the departments the council does
    not have yet."""

    def __init__(self, *args, values, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.values = values
        self.departments = departments
        for value in values:
            rows = ", ".join(str(number) for number in value.rows[:8])
            if len(value.rows) > 8:
                rows += "…"
            label = _("“%(written)s” in the column “%(column)s”") % {
                "written": value.written,
                "column": value.column,
            }
            choices = list(value.options)
            if value.required:
                choices = [("-", _("Choose what it means"))] + choices
            self.fields[value.field_name] = forms.ChoiceField(
                label=label,
                choices=choices,
                initial=value.choice if value.choice is not None else None,
                required=True,
                help_text=ngettext(
                    "On row %(rows)s.", "On rows %(rows)s.", len(value.rows)
                )
                % {"rows": rows},
                error_messages=dict.fromkeys(
                    ["required", "invalid_choice"],
                    _("Select what “%(written)s” means") % {"written": value.written},
                ),
            )
        if departments:
            self.fields["create_departments"] = forms.BooleanField(
                label=_("Add these departments to the council: %(names)s")
                % {"names": ", ".join(departments)},
                required=False,
                help_text=_(
                    "Without them, the rows that name them cannot be imported."
                ),
            )

    def clean(self):
        cleaned = super().clean()
        for value in self.values:
            if cleaned.get(value.field_name) == "-":
                self.add_error(
                    value.field_name,
                    _("Select what “%(written)s” means") % {"written": value.written},
                )
        return cleaned

    def choices(self):
        chosen = {}
        for value in self.values:
            answer = self.cleaned_data.get(value.field_name)
            if answer is not None and answer != "-":
                chosen.setdefault(value.key, {})[norm(value.written)] = answer
        return chosen
