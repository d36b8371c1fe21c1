from django.contrib import admin
from django.urls import include, path

from api.views import ApiTokenView
from governance.auth_views import (
    AccountSecurityView,
    ChooseNewPasswordView,
    FeedAddressesView,
    ForgottenPasswordSentView,
    ForgottenPasswordView,
    NewPasswordSavedView,
    RecoveryCodesView,
    SecondFactorView,
    SetUpAuthenticatorView,
    SignInView,
    SignOutView,
)
from governance.notification_views import (
    FollowView,
    NotificationsView,
    UnsubscribeView,
)
from governance.views import healthz

urlpatterns = [
    path("", include("governance.urls")),
    path("", include("decisions.urls")),
    path("", include("strategy.urls")),
    path("", include("workplan.urls")),
    path("", include("search.urls")),
    path("api/", include("api.urls")),
    path("public/", include("public.urls")),
    path("sign-in/", SignInView.as_view(), name="login"),
    path("sign-out/", SignOutView.as_view(), name="logout"),
    path("sign-in/code/", SecondFactorView.as_view(), name="sign_in_code"),
    path("account/", AccountSecurityView.as_view(), name="account_security"),
    path(
        "account/feed-addresses/",
        FeedAddressesView.as_view(),
        name="feed_addresses",
    ),
    path("account/api-token/", ApiTokenView.as_view(), name="api_token"),
    path(
        "account/notifications/",
        NotificationsView.as_view(),
        name="notifications",
    ),
    path("follow/", FollowView.as_view(), name="follow"),
    path(
        "unsubscribe/<str:token>/",
        UnsubscribeView.as_view(),
        name="unsubscribe",
    ),
    path(
        "account/authenticator-app/",
        SetUpAuthenticatorView.as_view(),
        name="second_factor_set_up",
    ),
    path(
        "account/recovery-codes/",
        RecoveryCodesView.as_view(),
        name="recovery_codes",
    ),
    path(
        "sign-in/forgotten-password/",
        ForgottenPasswordView.as_view(),
        name="password_reset",
    ),
    path(
        "sign-in/forgotten-password/sent/",
        ForgottenPasswordSentView.as_view(),
        name="password_reset_done",
    ),
    path(
        "sign-in/new-password/<uidb64>/<token>/",
        ChooseNewPasswordView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "sign-in/new-password/saved/",
        NewPasswordSavedView.as_view(),
        name="password_reset_complete",
    ),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

handler500 = "governance.errors.server_error"
