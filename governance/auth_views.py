"""Sign-in and sign-out on the council's GOV.UK layout.

Failed sign-ins are throttled by django-axes (see settings: AXES_*); a
locked-out username and address get `registration/locked_out.html`.
"""

from django.contrib.auth import views as auth_views
from django.utils.translation import gettext_lazy as _

from .forms import SignInForm


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True
    extra_context = {"title": _("Sign in")}


class SignOutView(auth_views.LogoutView):
    template_name = "registration/logged_out.html"
