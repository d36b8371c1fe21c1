"""The open data API, version 1 (docs/open-data-api.md)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import views

app_name = "api"

LIST = {"get": "list"}
DETAIL = {"get": "retrieve"}
COUNCIL = "v1/councils/<slug:council>/"


def collection(plural, singular, viewset):
    """The list and detail routes of one record type."""
    return [
        path(f"{COUNCIL}{plural}/", viewset.as_view(LIST), name=f"{singular}-list"),
        path(
            f"{COUNCIL}{plural}/<int:pk>/",
            viewset.as_view(DETAIL),
            name=f"{singular}-detail",
        ),
    ]


urlpatterns = [
    path(
        "v1/schema/",
        login_not_required(SpectacularAPIView.as_view()),
        name="schema",
    ),
    path(
        "v1/data-dictionary/",
        views.DataDictionaryView.as_view(),
        name="data_dictionary",
    ),
    path("v1/councils/", views.CouncilListView.as_view(), name="council-list"),
    path(COUNCIL, views.CouncilDetailView.as_view(), name="council-detail"),
    *collection("decisions", "decision", views.DecisionViewSet),
    *collection("meetings", "meeting", views.MeetingViewSet),
    *collection("reports", "report", views.ReportViewSet),
    *collection("committees", "committee", views.CommitteeViewSet),
    path(
        f"{COUNCIL}forward-plan/",
        views.ForwardPlanView.as_view(),
        name="forward-plan",
    ),
    *collection("strategies", "strategy", views.StrategyViewSet),
    *collection("themes", "theme", views.ThemeViewSet),
    *collection("workplans", "workplan", views.WorkplanViewSet),
    path(
        f"{COUNCIL}workplans/<int:pk>/items/",
        views.WorkplanItemsView.as_view(),
        name="workplan-items",
    ),
    path(
        f"{COUNCIL}items/<int:pk>/",
        views.ItemViewSet.as_view(DETAIL),
        name="item-detail",
    ),
    *collection("reviews", "review", views.ReviewViewSet),
]
