"""Forms for organisations and the council a person works in."""

import copy
import math
from datetime import timedelta

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    BaseUserCreationForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .choices import Role
from .date_input import (  # noqa: F401 (every app's forms take them from here)
    DATE_EXAMPLE,
    GovukDateField,
    GovukDateInput,
)
from .error_messages import GovukMessagesMixin
from .hosts import normalise_host
from .models import Membership, Organisation, Post
from .routes import Route
from .time_of_day import TimeOfDayField


class GovukForm(GovukMessagesMixin, forms.Form):
    """The base of every plain form: GOV.UK error messages
    (`governance.error_messages`)."""


class GovukModelForm(GovukMessagesMixin, forms.ModelForm):
    """The base of every model form: GOV.UK error messages
    (`governance.error_messages`)."""


class ChangeReasonMixin(GovukForm):
    """Adds the "why" every change to the record must carry."""

    change_reason = forms.CharField(
        label=_("Reason for the change"),
        help_text=_("Recorded in the history with your name."),
        max_length=200,
    )


class OrganisationSettingsForm(ChangeReasonMixin, GovukModelForm):
    error_nouns = {
        "public_host": _("your public site’s host name"),
        "takes_effect_without_call_in": _(
            "when a decision not subject to call-in takes effect"
        ),
        "democratic_settings_managed_by": _(
            "who may change committees, call-in rules and closure days"
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_publication_time"].error_name = _(
            "the time decisions are usually published"
        )

    class Meta:
        model = Organisation
        fields = [
            "bank_holiday_region",
            "nation",
            "decisions_subject_to_call_in",
            "takes_effect_without_call_in",
            "default_publication_time",
            "democratic_settings_managed_by",
            "second_factor_required_for_all",
            "publishes_strategies",
            "public_host",
        ]
        field_classes = {"default_publication_time": TimeOfDayField}
        widgets = {
            "bank_holiday_region": forms.RadioSelect,
            "nation": forms.RadioSelect,
            "takes_effect_without_call_in": forms.RadioSelect,
            "democratic_settings_managed_by": forms.RadioSelect,
        }
        labels = {
            "second_factor_required_for_all": _(
                "Everyone must use an authenticator app to sign in"
            ),
            "publishes_strategies": _(
                "Show the public our approved strategies, workplans and "
                "progress reports"
            ),
            "public_host": _("Your public site’s own host name"),
        }
        error_messages = {
            "public_host": {
                "unique": _("Another council already uses this host name"),
            }
        }

    def clean_public_host(self):
        return normalise_host(self.cleaned_data.get("public_host"))


class ChooseOrganisationForm(GovukForm):
    error_nouns = {"organisation": _("the council you are working in")}

    organisation = forms.ModelChoiceField(
        label=_("Which council are you working in?"),
        queryset=Organisation.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Select the council you are working in.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.visible_to(user)


class SignInForm(GovukMessagesMixin, AuthenticationForm):
    """Django's sign-in form with the wording of the GOV.UK pattern."""

    error_messages = {
        "invalid_login": _(
            "The username or password you entered is not correct. Check them "
            "and try again."
        ),
        "inactive": _(
            "This account has been switched off. Contact your administrator."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = _("Enter your username")
        self.fields["password"].error_messages["required"] = _("Enter your password")
        self.fields["username"].widget.attrs.pop("autofocus", None)
        # Django sets the username's max_length after making the field, so
        # nothing checks it: a very long one would reach the sign-in
        # throttle's log, whose column it does not fit.
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))
        username.error_messages["max_length"] = _(
            "Username must be %(limit_value)d characters or fewer"
        )


class VersionedFormMixin(GovukForm):
    """Carries the version of the record the form was loaded at.

    `VersionedUpdateMixin` refuses to save over a newer version.
    """

    #: 0 for a record not yet made (a first progress update, a council's
    #: settings never saved).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class VersionOnlyForm(VersionedFormMixin):
    """The form of a page that edits a list of rows (risks, milestones, an
    agenda): it carries the version of the rows' parent, which guards them.
    Takes (and ignores) the `instance` an update view passes."""

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, **kwargs)


class CommentForm(GovukForm):
    """The comment every transition may carry, recorded on its event."""

    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


# --- a council's people ---------------------------------------------------------


class InviteForm(GovukForm):
    """Invite someone to take a role in the council."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        error_messages={"required": _("Enter their first name")},
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        error_messages={"required": _("Enter their last name")},
    )
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("The invitation is sent here. It can be used once, for 7 days."),
        error_messages={
            "required": _("Enter their email address"),
            "invalid": _(
                "Enter an email address in the correct format, like name@example.gov.uk"
            ),
        },
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select their role")},
    )
    job_title = forms.CharField(
        label=_("Job title or office"), max_length=200, required=False
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["role"].help_text = ROLE_HELP

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if (
            Membership.objects.current()
            .filter(organisation=self.organisation, user__email__iexact=email)
            .exists()
        ):
            raise forms.ValidationError(
                _(
                    "Someone with this email address already has a role in "
                    "%(council)s. Change their role instead."
                )
                % {"council": self.organisation}
            )
        return email


ROLE_HELP = _(
    "Members read what has been approved and published. Officers write "
    "strategies and workplans. Clerks run committee business. Administrators "
    "manage people and the council's settings."
)


class MembershipForm(ChangeReasonMixin, GovukModelForm):
    """Change a person's role or job title in the council."""

    class Meta:
        model = Membership
        fields = ["role", "job_title"]
        widgets = {"role": forms.RadioSelect}
        labels = {"job_title": _("Job title or office")}
        error_messages = {"role": {"required": _("Select their role")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].help_text = ROLE_HELP
        self.fields["change_reason"].error_messages["required"] = _(
            "Enter the reason for the change"
        )


class EndMembershipForm(GovukForm):
    error_nouns = {
        "reason": _("the reason their role is ending"),
    }

    reason = forms.CharField(
        label=_("Why is their role ending?"),
        help_text=_("For example, “Left the council in March 2027”."),
        max_length=200,
        error_messages={"required": _("Enter why their role is ending")},
    )


class ConfirmationForm(GovukForm):
    """Nothing to fill in: the page's one button is the decision (accept an
    invitation, send a link, cancel an invitation)."""


class NewAccountForm(GovukMessagesMixin, BaseUserCreationForm):
    """Django's account creation form, for someone accepting an invitation
    who has no account yet: they choose their username and password."""

    class Meta(BaseUserCreationForm.Meta):
        fields = ("first_name", "last_name", "username")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        messages = {
            "first_name": _("Enter your first name"),
            "last_name": _("Enter your last name"),
            "username": _("Enter a username"),
            "password1": _("Enter a password"),
            "password2": _("Enter the password again"),
        }
        for name, message in messages.items():
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = message
        self.fields["username"].widget.attrs.pop("autofocus", None)


class ForgottenPasswordForm(GovukMessagesMixin, PasswordResetForm):
    """Ask for a link to choose a new password. The page says the same
    whether or not the address has an account (nothing is revealed)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages.update(
            {
                "required": _("Enter your email address"),
                "invalid": _(
                    "Enter an email address in the correct format, like "
                    "name@example.gov.uk"
                ),
            }
        )


class NewPasswordForm(GovukMessagesMixin, SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].error_messages["required"] = _(
            "Enter a new password"
        )
        self.fields["new_password2"].error_messages["required"] = _(
            "Enter the new password again"
        )


class CouncilRecordForm(GovukModelForm):
    """A named record on one of the council's own lists (a committee, a
    department): the council is the page's, never a field, and the name is
    unique within it. Changing one asks why (it goes in the history)."""

    unique_name_message = _("There is already one with this name.")

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        if self.instance.pk:
            reason = copy.deepcopy(ChangeReasonMixin.base_fields["change_reason"])
            reason.error_messages["required"] = _("Enter the reason for the change")
            self.fields["change_reason"] = reason

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = type(self.instance).objects.filter(
            organisation=self.instance.organisation, name__iexact=name
        )
        if others.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(self.unique_name_message)
        return name


class PostForm(CouncilRecordForm):
    """A post the council names on its papers, and who holds it."""

    error_nouns = {
        "holder": _("their account"),
    }

    unique_name_message = _("There is already a post with this title.")

    class Meta:
        model = Post
        fields = ["kind", "name", "holder_name", "holder", "contact", "in_use"]
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, organisation=organisation, **kwargs)
        self.fields["holder"].queryset = (
            Membership.objects.for_organisation(organisation)
            .to_name_on(self.instance, "holder")
            .select_related("user")
        )
        self.fields["holder"].label_from_instance = person_label
        self.fields["holder"].empty_label = _("No account")
        self.fields["name"].error_messages["required"] = _(
            "Enter the title of the post"
        )
        self.fields["kind"].error_messages["required"] = _("Select the kind of post")
        if self.instance.pk is None:
            del self.fields["in_use"]

    def clean(self):
        cleaned = super().clean()
        holder = cleaned.get("holder")
        if holder is not None and not cleaned.get("holder_name", "").strip():
            # Named from the account when the name is left blank.
            cleaned["holder_name"] = person_label(holder, job_title=False)
        return cleaned


def person_label(membership, *, job_title=True):
    """ "Helen Marsh, Cabinet Member for Resources": a person with a role."""
    user = membership.user
    name = user.get_full_name() or user.username
    if job_title and membership.job_title:
        return f"{name}, {membership.job_title}"
    return name


# --- the second factor -----------------------------------------------------------

CODE_REQUIRED = _("Enter the 6-digit code from your authenticator app")
CODE_WRONG = _("The code is not correct")
#: A wait this long after a wrong code is worth saying (the sixth in a row).
LONG_WAIT = timedelta(seconds=30)


def wait_text(wait):
    """How long `wait` (a timedelta) is, rounded up, in words."""
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 120:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours = math.ceil(minutes / 60)
    return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}


class CodeField(forms.CharField):
    """A one-time code, typed: no spell checking, capitals or autofill."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("error_messages", {"required": CODE_REQUIRED})
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "class": "govuk-input--width-10",
            }
        )


class SecondFactorForm(GovukForm):
    """The code asked for after the password: from the authenticator app, or
    a recovery code. Checking it counts a wrong one against the device's
    throttle (like `AuthenticationForm`, whose check counts a failed sign-in);
    a recovery code that works is used up. `device` is the one that took it."""

    code = CodeField(
        label=_("Code"),
        help_text=_(
            "The 6-digit code your authenticator app shows now. If you cannot "
            "use the app, enter one of your recovery codes instead."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_code(self):
        from .second_factor import check_code

        check = check_code(self.user, self.cleaned_data["code"])
        if check.device is not None:
            self.device = check.device
            return self.cleaned_data["code"]
        wait = {"wait": wait_text(check.wait)}
        if check.wait >= LONG_WAIT:
            if check.refused:
                message = _(
                    "You have entered a wrong code too many times. Wait "
                    "%(wait)s, then try again"
                )
            else:
                message = _(
                    "The code is not correct. You have entered a wrong code too "
                    "many times: wait %(wait)s, then try again"
                )
        elif check.refused:
            message = _(
                "You entered a code too soon after a wrong one. Wait %(wait)s, "
                "then try again"
            )
        else:
            message = CODE_WRONG
        raise forms.ValidationError(message, params=wait)


class SetUpAuthenticatorForm(GovukForm):
    """The code that shows the new authenticator app holds the key."""

    code = CodeField(
        label=_("Code from your authenticator app"),
        help_text=_("The 6-digit code the app shows for this service."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs["inputmode"] = "numeric"


class RouteForm(ChangeReasonMixin, GovukModelForm):
    """A council's route for one type of record (`routes.py`)."""

    error_nouns = {
        "scrutiny": _("whether scrutiny considers drafts first"),
        "approving_committees": _("the bodies whose decisions may approve them"),
    }

    class Meta:
        model = Route
        fields = ["scrutiny", "approving_committees"]
        widgets = {
            "scrutiny": forms.RadioSelect,
            "approving_committees": forms.CheckboxSelectMultiple,
        }
        labels = {
            "scrutiny": _(
                "Does an overview and scrutiny committee consider drafts first?"
            ),
            "approving_committees": _("Whose decisions may approve them?"),
        }
        help_texts = {
            "approving_committees": _(
                "As the council's constitution says: Cabinet, or a "
                "decision-making committee such as a Finance Committee."
            )
        }
        error_messages = {
            "approving_committees": {
                "required": _(
                    "Select at least one body whose decisions may approve them"
                )
            }
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        deciding = Route(organisation=organisation).approvers()
        self.fields["approving_committees"].queryset = deciding
        if self.instance.pk is None and not self.is_bound:
            self.initial["approving_committees"] = list(deciding)
