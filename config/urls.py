from django.contrib import admin
from django.urls import include, path

from governance.auth_views import SignInView, SignOutView
from governance.views import healthz

urlpatterns = [
    path("", include("governance.urls")),
    path("", include("decisions.urls")),
    path("", include("strategy.urls")),
    path("", include("workplan.urls")),
    path("sign-in/", SignInView.as_view(), name="login"),
    path("sign-out/", SignOutView.as_view(), name="logout"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

handler500 = "governance.errors.server_error"
