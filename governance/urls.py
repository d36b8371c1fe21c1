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
]
