"""The public site: `/public/<council>/…` (docs/public-site.md)."""

from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("<slug:slug>/", views.HomeView.as_view(), name="home"),
    path("<slug:slug>/meetings/", views.MeetingListView.as_view(), name="meeting_list"),
    path(
        "<slug:slug>/meetings/<int:pk>/",
        views.MeetingDetailView.as_view(),
        name="meeting_detail",
    ),
    path(
        "<slug:slug>/meetings/<int:pk>/agenda-pack.pdf",
        views.agenda_pack,
        name="agenda_pack",
    ),
    path(
        "<slug:slug>/meetings/calendar.ics",
        views.meeting_calendar,
        name="meeting_calendar",
    ),
    path(
        "<slug:slug>/reports/<int:pk>/",
        views.ReportDetailView.as_view(),
        name="report_detail",
    ),
    path(
        "<slug:slug>/reports/<int:pk>/paper.pdf",
        views.report_paper,
        name="report_paper",
    ),
    path(
        "<slug:slug>/decisions/", views.DecisionListView.as_view(), name="decision_list"
    ),
    path(
        "<slug:slug>/decisions/<int:pk>/",
        views.DecisionDetailView.as_view(),
        name="decision_detail",
    ),
    path(
        "<slug:slug>/decisions/<int:pk>/record.pdf",
        views.decision_paper,
        name="decision_paper",
    ),
    path("<slug:slug>/decisions/feed.atom", views.decision_feed, name="decision_feed"),
    path(
        "<slug:slug>/forward-plan/",
        views.ForwardPlanView.as_view(),
        name="forward_plan",
    ),
    path(
        "<slug:slug>/committees/",
        views.CommitteeListView.as_view(),
        name="committee_list",
    ),
    path(
        "<slug:slug>/strategies/",
        views.StrategyListView.as_view(),
        name="strategy_list",
    ),
    path(
        "<slug:slug>/strategies/<int:pk>/",
        views.StrategyDetailView.as_view(),
        name="strategy_detail",
    ),
    path(
        "<slug:slug>/workplans/<int:pk>/",
        views.WorkplanDetailView.as_view(),
        name="workplan_detail",
    ),
    path(
        "<slug:slug>/progress-reports/<int:pk>/",
        views.ReviewDetailView.as_view(),
        name="review_detail",
    ),
    path(
        "<slug:slug>/accessibility/",
        views.AccessibilityView.as_view(),
        name="accessibility",
    ),
    path("<slug:slug>/sitemap.xml", views.SitemapView.as_view(), name="sitemap"),
]
