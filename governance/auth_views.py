"""Sign-in, the second factor and sign-out on the council's GOV.UK layout.

Failed sign-ins are throttled by django-axes (`governance/sign_in_throttle.py`
and settings AXES_*); a locked-out username or address gets
`registration/locked_out.html`. After the password, the second factor
(`governance/second_factor.py`): a code from the authenticator app or a
recovery code, or setting the app up; `SecondFactorMiddleware` keeps people
on those pages until they are done.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View
from django_otp.plugins.otp_static.models import StaticDevice

from . import feed_keys, second_factor
from .forms import (
    CODE_WRONG,
    ForgottenPasswordForm,
    NewPasswordForm,
    SecondFactorForm,
    SetUpAuthenticatorForm,
    SignInForm,
)


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True
    extra_context = {"title": _("Sign in")}


class SignOutView(auth_views.LogoutView):
    template_name = "registration/logged_out.html"


# --- forgotten passwords ----------------------------------------------------------
# Django's own reset views and tokens (a link to the person's e-mail address,
# valid for `PASSWORD_RESET_TIMEOUT`, dead once used), on our layout. An
# administrator can send the same link from the council's people pages.


class ForgottenPasswordView(auth_views.PasswordResetView):
    form_class = ForgottenPasswordForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"


class ForgottenPasswordSentView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class ChooseNewPasswordView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "registration/password_reset_confirm.html"


class NewPasswordSavedView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


# --- the second factor ------------------------------------------------------------

#: The secret of an authenticator app being set up, until it is confirmed.
PENDING_KEY = "second_factor_pending_key"
#: New recovery codes, until the page that shows them once.
NEW_RECOVERY_CODES = "second_factor_new_recovery_codes"


class NextMixin(auth_views.RedirectURLMixin):
    """Carries a safe `next` address through the second factor's pages."""

    def get_context_data(self, **kwargs):
        kwargs.setdefault(self.redirect_field_name, self.get_redirect_url())
        return super().get_context_data(**kwargs)

    def redirect_keeping_next(self, url_name):
        """A redirect to `url_name` that carries this page's `next`, if any."""
        target = reverse(url_name)
        next_url = self.get_redirect_url()
        if next_url:
            target += "?" + urlencode({self.redirect_field_name: next_url})
        return redirect(target)


class SecondFactorView(NextMixin, FormView):
    """After the password: a code from the authenticator app or a recovery
    code. Someone who owes no code is sent straight on."""

    form_class = SecondFactorForm
    template_name = "registration/second_factor.html"
    next_page = "governance:home"
    extra_context = {"title": _("Enter the code from your authenticator app")}

    def dispatch(self, request, *args, **kwargs):
        if request.second_factor_step != second_factor.Step.VERIFY:
            return redirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        second_factor.pass_second_factor(self.request, form.device)
        if isinstance(form.device, StaticDevice):
            messages.warning(
                self.request,
                _(
                    "You used a recovery code: it will not work again. You have "
                    "%(left)d left. You can get new ones from Account."
                )
                % {"left": second_factor.recovery_codes_left(self.request.user)},
            )
        return redirect(self.get_success_url())


class SetUpAuthenticatorView(NextMixin, FormView):
    """Set up an authenticator app, or replace the one set up before: a new
    secret shown as a QR code and as text, kept in the session until a code
    from the app confirms it. Then new recovery codes, shown once."""

    form_class = SetUpAuthenticatorForm
    template_name = "registration/second_factor_set_up.html"
    next_page = "account_security"

    def pending_key(self):
        key = self.request.session.get(PENDING_KEY)
        if not key:
            key = self.request.session[PENDING_KEY] = second_factor.new_key()
        return key

    def get_context_data(self, **kwargs):
        user, key = self.request.user, self.pending_key()
        replacing = second_factor.authenticator_of(user) is not None
        return super().get_context_data(
            **kwargs,
            title=_("Replace your authenticator app")
            if replacing
            else _("Set up an authenticator app"),
            replacing=replacing,
            required=second_factor.second_factor_required(user),
            key_text=second_factor.key_as_text(key),
            # segno draws the SVG from the secret and the username alone.
            qr_code=mark_safe(second_factor.qr_code_svg(user, key)),  # noqa: S308
        )

    def form_valid(self, form):
        done = second_factor.set_up_authenticator(
            self.request.user, self.pending_key(), form.cleaned_data["code"]
        )
        if done is None:
            form.add_error("code", CODE_WRONG)
            return self.form_invalid(form)
        device, codes = done
        second_factor.pass_second_factor(self.request, device)
        del self.request.session[PENDING_KEY]
        self.request.session[NEW_RECOVERY_CODES] = codes
        messages.success(self.request, _("Your authenticator app is set up"))
        return self.redirect_keeping_next("recovery_codes")


class RecoveryCodesView(NextMixin, View):
    """GET shows new recovery codes once (they leave the session as they are
    shown); POST replaces someone's recovery codes with new ones."""

    next_page = "account_security"

    def get(self, request):
        codes = request.session.pop(NEW_RECOVERY_CODES, None)
        if not codes:
            return redirect("account_security")
        return render(
            request,
            "registration/recovery_codes.html",
            {"codes": codes, "continue_url": self.get_success_url()},
        )

    def post(self, request):
        if second_factor.authenticator_of(request.user) is None:
            messages.info(
                request,
                _("Set up an authenticator app first: recovery codes go with it."),
            )
            return redirect("account_security")
        codes = second_factor.issue_recovery_codes(request.user)
        request.session[NEW_RECOVERY_CODES] = codes
        return redirect("recovery_codes")


class AccountSecurityView(TemplateView):
    """Someone's own sign-in security: their authenticator app and recovery
    codes, and whether they must have them."""

    template_name = "registration/account_security.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        organisation = getattr(self.request, "organisation", None)
        key = feed_keys.live_key(user, organisation)
        feed_addresses = None
        if key is not None:
            feed_addresses = {
                "calendar": self.request.build_absolute_uri(
                    reverse("decisions:personal_calendar", args=[key.token])
                ),
                "decisions": self.request.build_absolute_uri(
                    reverse("decisions:personal_decision_feed", args=[key.token])
                ),
            }
        return super().get_context_data(
            **kwargs,
            authenticator=second_factor.authenticator_of(user),
            recovery_codes_left=second_factor.recovery_codes_left(user),
            required=second_factor.second_factor_required(user),
            organisation=organisation,
            feed_key=key,
            feed_addresses=feed_addresses,
        )


class FeedAddressesView(View):
    """Make (or make new) private feed addresses for the council the person
    works in, or stop them. Only by POST; answers with the account page."""

    http_method_names = ["post"]

    def post(self, request):
        organisation = getattr(request, "organisation", None)
        if organisation is None:
            raise PermissionDenied(_("Choose the council you work in first."))
        if request.POST.get("action") == "stop":
            feed_keys.revoke(request.user, organisation)
            messages.success(request, _("Your private feed addresses no longer work."))
        else:
            feed_keys.issue(request.user, organisation)
            messages.success(
                request,
                _(
                    "Your private feed addresses are ready. Any addresses you "
                    "had before no longer work."
                ),
            )
        return redirect("account_security")
