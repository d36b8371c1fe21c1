from django.urls import path

from . import views

app_name = "strategy"

urlpatterns = [
    path("strategies/", views.StrategyListView.as_view(), name="strategy_list"),
    path("strategies/add/", views.StrategyCreateView.as_view(), name="strategy_create"),
    path(
        "strategies/<int:pk>/",
        views.StrategyDetailView.as_view(),
        name="strategy_detail",
    ),
    path(
        "strategies/<int:pk>/strategy.pdf",
        views.StrategyPaperView.as_view(),
        name="strategy_paper",
    ),
    path(
        "strategies/<int:pk>/on-a-page.pdf",
        views.StrategyOnAPagePaperView.as_view(),
        name="strategy_on_a_page_paper",
    ),
    path(
        "strategies/<int:pk>/edit/",
        views.StrategyUpdateView.as_view(),
        name="strategy_update",
    ),
    path(
        "strategies/<int:pk>/amend/",
        views.StrategyAmendView.as_view(),
        name="strategy_amend",
    ),
    path(
        "strategies/<int:pk>/history/",
        views.StrategyHistoryView.as_view(),
        name="strategy_history",
    ),
    path(
        "strategies/<int:pk>/as-approved/",
        views.StrategyAsApprovedView.as_view(),
        name="strategy_as_approved",
    ),
    path(
        "strategies/<int:pk>/versions/",
        views.StrategyVersionsView.as_view(),
        name="strategy_versions",
    ),
    path(
        "strategies/<int:pk>/replace/",
        views.PrepareReplacementView.as_view(),
        name="strategy_replace",
    ),
    path(
        "strategies/<int:pk>/risks/",
        views.RisksUpdateView.as_view(),
        name="risks_update",
    ),
    path(
        "strategies/<int:strategy_pk>/themes/add/",
        views.ThemeCreateView.as_view(),
        name="theme_create",
    ),
    path(
        "strategies/<int:strategy_pk>/themes/<int:pk>/edit/",
        views.ThemeUpdateView.as_view(),
        name="theme_update",
    ),
    path(
        "strategies/<int:strategy_pk>/themes/<int:pk>/move/",
        views.ThemeMoveView.as_view(),
        name="theme_move",
    ),
    path(
        "strategies/<int:strategy_pk>/themes/<int:pk>/remove/",
        views.ThemeRemoveView.as_view(),
        name="theme_remove",
    ),
    path(
        "strategies/<int:strategy_pk>/themes/<int:theme_pk>/objectives/add/",
        views.ObjectiveCreateView.as_view(),
        name="objective_create",
    ),
    path(
        "strategies/<int:strategy_pk>/themes/<int:theme_pk>/objectives/<int:pk>/move/",
        views.ObjectiveMoveView.as_view(),
        name="objective_move",
    ),
    path(
        "strategies/<int:strategy_pk>/themes/<int:theme_pk>/objectives/<int:pk>/remove/",
        views.ObjectiveRemoveView.as_view(),
        name="objective_remove",
    ),
    # Last: any other word after a strategy is a lifecycle transition.
    path(
        "strategies/<int:pk>/<slug:transition>/",
        views.StrategyTransitionView.as_view(),
        name="strategy_transition",
    ),
]
