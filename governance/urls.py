from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path(
        "council/choose/",
        views.ChooseOrganisationView.as_view(),
        name="choose_organisation",
    ),
    path(
        "papers/<uuid:pk>/",
        views.PaperJobView.as_view(),
        name="paper_job",
    ),
    path(
        "council/<slug:slug>/",
        views.OrganisationDetailView.as_view(),
        name="organisation_detail",
    ),
    path(
        "council/<slug:slug>/settings/",
        views.OrganisationSettingsView.as_view(),
        name="organisation_settings",
    ),
    path(
        "council/<slug:slug>/routes/<slug:record_type>/",
        views.RouteUpdateView.as_view(),
        name="route_update",
    ),
    path(
        "council/<slug:slug>/people/",
        views.PeopleListView.as_view(),
        name="people",
    ),
    path(
        "council/<slug:slug>/people/invite/",
        views.InviteView.as_view(),
        name="person_invite",
    ),
    path(
        "council/<slug:slug>/people/<int:pk>/",
        views.MembershipUpdateView.as_view(),
        name="membership_update",
    ),
    path(
        "council/<slug:slug>/people/<int:pk>/end/",
        views.MembershipEndView.as_view(),
        name="membership_end",
    ),
    path(
        "council/<slug:slug>/people/<int:pk>/password-reset/",
        views.PasswordResetLinkView.as_view(),
        name="membership_password_reset",
    ),
    path(
        "council/<slug:slug>/people/<int:pk>/authenticator-reset/",
        views.SecondFactorResetView.as_view(),
        name="membership_second_factor_reset",
    ),
    path("council/<slug:slug>/posts/", views.PostListView.as_view(), name="posts"),
    path(
        "council/<slug:slug>/posts/add/",
        views.PostCreateView.as_view(),
        name="post_create",
    ),
    path(
        "council/<slug:slug>/posts/<int:pk>/edit/",
        views.PostUpdateView.as_view(),
        name="post_update",
    ),
    path(
        "council/<slug:slug>/invitations/<int:pk>/cancel/",
        views.InvitationCancelView.as_view(),
        name="invitation_cancel",
    ),
    path(
        "invitations/<str:token>/",
        views.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
]
