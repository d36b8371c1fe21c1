from django.urls import path

from . import history_views, views

app_name = "workplan"

urlpatterns = [
    path("workplans/", views.WorkplanListView.as_view(), name="workplan_list"),
    path("workplans/add/", views.WorkplanCreateView.as_view(), name="workplan_create"),
    path(
        "workplans/<int:pk>/",
        views.WorkplanDetailView.as_view(),
        name="workplan_detail",
    ),
    path(
        "workplans/<int:pk>/export.csv",
        views.WorkplanExportView.as_view(),
        {"format": "csv"},
        name="workplan_export_csv",
    ),
    path(
        "workplans/<int:pk>/export.xlsx",
        views.WorkplanExportView.as_view(),
        {"format": "xlsx"},
        name="workplan_export_xlsx",
    ),
    path(
        "workplans/<int:pk>/appendix.pdf",
        views.WorkplanPaperView.as_view(),
        name="workplan_paper",
    ),
    path(
        "workplans/reviews/<int:pk>/progress-report.pdf",
        views.ReviewPaperView.as_view(),
        name="review_paper",
    ),
    path(
        "workplans/<int:pk>/history/",
        history_views.WorkplanHistoryView.as_view(),
        name="workplan_history",
    ),
    path(
        "workplans/items/<int:pk>/history/",
        history_views.ItemHistoryView.as_view(),
        name="item_history",
    ),
    path(
        "workplans/<int:pk>/edit/",
        views.WorkplanUpdateView.as_view(),
        name="workplan_update",
    ),
    path("workplans/<int:pk>/import/", views.ImportView.as_view(), name="import"),
    path(
        "workplans/<int:pk>/import/<str:token>/columns/",
        views.ImportColumnsView.as_view(),
        name="import_columns",
    ),
    path(
        "workplans/<int:pk>/import/<str:token>/values/",
        views.ImportValuesView.as_view(),
        name="import_values",
    ),
    path(
        "workplans/<int:pk>/import/<str:token>/check/",
        views.ImportCheckView.as_view(),
        name="import_check",
    ),
    path(
        "workplans/<int:pk>/import/template.csv",
        views.ImportTemplateView.as_view(),
        {"format": "csv"},
        name="import_template_csv",
    ),
    path(
        "workplans/<int:pk>/import/template.xlsx",
        views.ImportTemplateView.as_view(),
        {"format": "xlsx"},
        name="import_template_xlsx",
    ),
    path(
        "workplans/<int:pk>/items/add/",
        views.ItemCreateView.as_view(),
        name="item_create",
    ),
    path(
        "workplans/items/<int:pk>/", views.ItemDetailView.as_view(), name="item_detail"
    ),
    path(
        "workplans/reviews/<int:pk>/",
        views.ReviewDetailView.as_view(),
        name="review_detail",
    ),
    path(
        "workplans/reviews/<int:pk>/items/<int:item_pk>/",
        views.ProgressUpdateView.as_view(),
        name="progress_update",
    ),
    path(
        "workplans/items/<int:pk>/edit/",
        views.ItemUpdateView.as_view(),
        name="item_update",
    ),
    path(
        "workplans/items/<int:pk>/milestones/",
        views.MilestonesUpdateView.as_view(),
        name="milestones_update",
    ),
    path(
        "workplans/items/<int:pk>/remove/",
        views.ItemRemoveView.as_view(),
        name="item_remove",
    ),
    path(
        "workplans/items/<int:pk>/progress/",
        views.ItemProgressView.as_view(),
        name="item_progress",
    ),
    path(
        "workplans/items/<int:pk>/move/", views.ItemMoveView.as_view(), name="item_move"
    ),
    path(
        "workplans/items/<int:pk>/<slug:transition>/",
        views.ItemTransitionView.as_view(),
        name="item_transition",
    ),
    # Last: any other word after a workplan is a lifecycle transition.
    path(
        "workplans/<int:pk>/<slug:transition>/",
        views.WorkplanTransitionView.as_view(),
        name="workplan_transition",
    ),
    path(
        "council/<slug:slug>/workplan-layout/",
        views.WorkplanSettingsView.as_view(),
        name="workplan_settings",
    ),
    path(
        "council/<slug:slug>/variations/",
        views.VariationSettingsView.as_view(),
        name="variation_settings",
    ),
    path(
        "council/<slug:slug>/departments/add/",
        views.DepartmentCreateView.as_view(),
        name="department_create",
    ),
    path(
        "council/<slug:slug>/departments/<int:pk>/edit/",
        views.DepartmentUpdateView.as_view(),
        name="department_update",
    ),
]
