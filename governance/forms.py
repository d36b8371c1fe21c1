"""Forms for organisations and the council a person works in."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import Organisation


class ChangeReasonMixin(forms.Form):
    """Adds the "why" every change to the record must carry."""

    change_reason = forms.CharField(
        label=_("Reason for the change"),
        help_text=_("Recorded in the history with your name."),
        max_length=200,
    )


class OrganisationSettingsForm(ChangeReasonMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["bank_holiday_region"]
        widgets = {"bank_holiday_region": forms.RadioSelect}


class ChooseOrganisationForm(forms.Form):
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


class SignInForm(AuthenticationForm):
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


class VersionedFormMixin(forms.Form):
    """Carries the version of the record the form was loaded at.

    `VersionedUpdateMixin` refuses to save over a newer version.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CommentForm(forms.Form):
    """The comment every transition may carry, recorded on its event."""

    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
