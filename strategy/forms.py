"""Forms for writing a strategy: its text, themes, objectives and risks."""

from django import forms
from django.contrib.auth import get_user_model
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.choices import PostKind, Role
from governance.forms import (
    ChangeReasonMixin,
    GovukDateField,
    GovukForm,
    GovukModelForm,
    VersionedFormMixin,
)
from governance.models import Membership, Post
from governance.ordered_lists import AddAnotherFormSet

from .models import Objective, Risk, Strategy, Theme


class StrategyForm(VersionedFormMixin, GovukModelForm):
    error_nouns = {
        "review_months": _("the number of months between reviews"),
    }

    class Meta:
        model = Strategy
        fields = [
            "title",
            "period_start_year",
            "period_end_year",
            "vision",
            "summary",
            "body",
            "budget",
            "budget_implications",
            "consultation",
            "cabinet_member",
            "director",
            "lead_officer",
            "review_months",
        ]
        widgets = {
            "period_start_year": forms.NumberInput(
                attrs={"class": "govuk-input--width-4"}
            ),
            "period_end_year": forms.NumberInput(
                attrs={"class": "govuk-input--width-4"}
            ),
            "budget": forms.NumberInput(attrs={"class": "govuk-input--width-10"}),
            "review_months": forms.NumberInput(attrs={"class": "govuk-input--width-2"}),
            "body": forms.Textarea(attrs={"rows": 12}),
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        people = (
            Membership.objects.for_organisation(organisation)
            .to_name_on(self.instance, "lead_officer")
            .select_related("user")
        )
        self.fields["lead_officer"].queryset = people.filter(role=Role.OFFICER)
        self.fields["lead_officer"].label_from_instance = membership_label
        # Named posts, not accounts: a cabinet portfolio and a director.
        posts = Post.objects.for_organisation(organisation)
        self.fields["cabinet_member"].queryset = posts.to_name_on(
            self.instance, "cabinet_member", [PostKind.CABINET_PORTFOLIO]
        )
        self.fields["director"].queryset = posts.to_name_on(
            self.instance, "director", [PostKind.DIRECTOR]
        )
        if self.instance.pk is None:
            del self.fields["version"]

    def clean_period_start_year(self):
        return check_year(self.cleaned_data["period_start_year"])

    def clean_period_end_year(self):
        return check_year(self.cleaned_data["period_end_year"])

    def clean_review_months(self):
        months = self.cleaned_data["review_months"]
        if months is not None and not 1 <= months <= 24:
            raise forms.ValidationError(_("Enter a review period of 1 to 24 months."))
        return months

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start_year"), cleaned.get("period_end_year")
        if start and end and end < start:
            self.add_error(
                "period_end_year", _("The last year must not be before the first year.")
            )
        return cleaned


def check_year(year):
    if year is not None and not 2000 <= year <= 2100:
        raise forms.ValidationError(_("Enter a year between 2000 and 2100."))
    return year


def membership_label(membership):
    user = membership.user
    name = user.get_full_name() or user.username
    return f"{name}, {membership.job_title}" if membership.job_title else name


class AmendmentForm(ChangeReasonMixin, StrategyForm):
    """A minor amendment of approved text under delegated powers."""

    change_reason = forms.CharField(
        label=_("Reason for the minor amendment"),
        help_text=_("Shown to members with the name of the authorising officer."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    made_on = GovukDateField(
        label=_("Date the amendment was authorised"),
        required=False,
        help_text=_("Leave blank for today."),
    )
    authorised_by = forms.ModelChoiceField(
        label=_("Authorising officer"),
        help_text=_("The officer whose delegated powers cover this change."),
        queryset=get_user_model().objects.none(),
        error_messages={"required": _("Select the authorising officer.")},
    )

    class Meta(StrategyForm.Meta):
        fields = [
            name
            for name in StrategyForm.Meta.fields
            if name not in ("period_start_year", "period_end_year", "title")
        ]

    def __init__(self, *args, organisation, user, **kwargs):
        super().__init__(*args, organisation=organisation, **kwargs)
        self.fields["authorised_by"].queryset = (
            get_user_model()
            .objects.filter(
                memberships__organisation=organisation,
                memberships__role__in=[Role.OFFICER, Role.ADMINISTRATOR],
            )
            .exclude(pk=user.pk)
            .order_by("last_name", "first_name")
        )
        self.fields["authorised_by"].label_from_instance = lambda person: (
            person.get_full_name() or person.username
        )

    def clean_made_on(self):
        made_on = self.cleaned_data.get("made_on") or timezone.localdate()
        if made_on > timezone.localdate():
            raise forms.ValidationError(
                _("The date of the amendment cannot be in the future.")
            )
        approved_on = self.instance.approved_on
        if approved_on and made_on < approved_on:
            raise forms.ValidationError(
                _("The date of the amendment cannot be before the approval (%s).")
                % f"{approved_on.day} {approved_on:%B %Y}"
            )
        return made_on

    def clean(self):
        cleaned = super().clean()
        if not self.has_changed_content():
            raise forms.ValidationError(
                _("Nothing has been changed: there is nothing to amend.")
            )
        return cleaned

    def has_changed_content(self):
        return bool(self.changed_content())

    def changed_content(self):
        ignore = {"version", "change_reason", "authorised_by", "made_on"}
        return [name for name in self.changed_data if name not in ignore]


class ThemeForm(GovukModelForm):
    class Meta:
        model = Theme
        fields = ["title", "description", "corporate_priority"]


class ThemeUpdateForm(VersionedFormMixin, ThemeForm):
    """A theme changed: carries the version it was loaded at."""


class ObjectiveForm(GovukModelForm):
    class Meta:
        model = Objective
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class BaseObjectiveFormSet(AddAnotherFormSet):
    """A theme's objectives, numbered in the order they are listed."""

    noun = _("objective")


ObjectiveFormSet = inlineformset_factory(
    Theme,
    Objective,
    form=ObjectiveForm,
    formset=BaseObjectiveFormSet,
    extra=0,
    can_delete=True,
    can_order=True,
)


class RiskForm(GovukModelForm):
    error_nouns = {
        "review_frequency": _("how often it is reviewed"),
    }

    class Meta:
        model = Risk
        fields = [
            "description",
            "likelihood",
            "impact",
            "mitigation",
            "owner",
            "review_frequency",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "mitigation": forms.Textarea(attrs={"rows": 2}),
        }


class BaseRiskFormSet(AddAnotherFormSet):
    """The strategy's risks, in the order the officer puts them."""

    noun = _("risk")


RiskFormSet = inlineformset_factory(
    Strategy,
    Risk,
    form=RiskForm,
    formset=BaseRiskFormSet,
    extra=0,
    can_delete=True,
    can_order=True,
)


class ReplacementForm(GovukForm):
    """The title of the new version a replacement starts as."""

    title = forms.CharField(
        label=_("Title of the new version"),
        help_text=_(
            "Keep the title or give the new version its own. You can change "
            "it while the new version is a draft."
        ),
        max_length=200,
        error_messages={
            "required": _("Enter a title for the new version"),
            "max_length": _("The title must be 200 characters or fewer"),
        },
    )


class CompareVersionsForm(GovukForm):
    """Two versions of a strategy's line, chosen by number (in the query
    string, so a comparison can be bookmarked)."""

    compare = forms.TypedChoiceField(
        label=_("Compare version"),
        coerce=int,
        error_messages={
            "required": _("Select the first version to compare"),
            "invalid_choice": _("Select a version from the list"),
        },
    )
    against = forms.TypedChoiceField(
        label=_("With version"),
        coerce=int,
        error_messages={
            "required": _("Select the version to compare it with"),
            "invalid_choice": _("Select a version from the list"),
        },
    )

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.versions = {version.number: version for version in versions}
        choices = [(version.number, version.choice_label) for version in versions]
        for name in ("compare", "against"):
            self.fields[name].choices = choices

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("compare"), cleaned.get("against")
        if first is not None and first == second:
            self.add_error("against", _("Select a different version to compare with"))
        return cleaned

    def chosen(self):
        """The two versions chosen, the earlier first."""
        first, second = sorted(
            (self.cleaned_data["compare"], self.cleaned_data["against"])
        )
        return self.versions[first], self.versions[second]
