from django.urls import path

from . import exempt_views, feeds, views

app_name = "decisions"

urlpatterns = [
    # Meetings and their agendas
    path("meetings/", views.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/add/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path("meetings/calendar.ics", feeds.meeting_calendar, name="meeting_calendar"),
    path(
        "meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"
    ),
    path(
        "meetings/<int:pk>/edit/",
        views.MeetingUpdateView.as_view(),
        name="meeting_update",
    ),
    path(
        "meetings/<int:pk>/agenda/",
        views.AgendaUpdateView.as_view(),
        name="agenda_update",
    ),
    # Reports (committee papers)
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path("reports/add/", views.ReportCreateView.as_view(), name="report_create"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path(
        "reports/<int:pk>/edit/", views.ReportUpdateView.as_view(), name="report_update"
    ),
    path(
        "reports/<int:pk>/exempt-review/",
        exempt_views.ReportExemptReviewView.as_view(),
        name="report_exempt_review",
    ),
    path(
        "reports/<int:pk>/record-decision/",
        views.DecisionFromReportView.as_view(),
        name="decision_from_report",
    ),
    # Decision records
    path("decisions/", views.DecisionListView.as_view(), name="decision_list"),
    path("decisions/feed/", feeds.DecisionFeed(), name="decision_feed"),
    path(
        "feeds/<str:key>/decisions.atom",
        feeds.personal_decision_feed,
        name="personal_decision_feed",
    ),
    path(
        "feeds/<str:key>/calendar.ics",
        feeds.personal_calendar,
        name="personal_calendar",
    ),
    path(
        "decisions/forward-plan/",
        views.ForwardPlanView.as_view(),
        name="forward_plan",
    ),
    path("decisions/add/", views.DecisionCreateView.as_view(), name="decision_create"),
    path(
        "decisions/<int:pk>/",
        views.DecisionDetailView.as_view(),
        name="decision_detail",
    ),
    path(
        "reports/<int:pk>/paper.pdf",
        views.ReportPaperView.as_view(),
        name="report_paper",
    ),
    path(
        "meetings/<int:pk>/agenda-pack.pdf",
        views.MeetingPackView.as_view(),
        name="meeting_pack",
    ),
    path(
        "meetings/<int:pk>/agenda-pack-public.pdf",
        views.MeetingPublicPackView.as_view(),
        name="meeting_public_pack",
    ),
    path(
        "meetings/papers/<int:pk>.pdf",
        views.ConsideredPaperView.as_view(),
        name="considered_paper",
    ),
    path(
        "decisions/<int:pk>/paper.pdf",
        views.DecisionPaperView.as_view(),
        name="decision_paper",
    ),
    path(
        "decisions/<int:pk>/exempt-review/",
        exempt_views.DecisionExemptReviewView.as_view(),
        name="decision_exempt_review",
    ),
    path(
        "decisions/<int:pk>/edit/",
        views.DecisionUpdateView.as_view(),
        name="decision_update",
    ),
    path(
        "decisions/<int:pk>/<slug:transition>/",
        views.DecisionTransitionView.as_view(),
        name="decision_transition",
    ),
    # The council's call-in rules and closure days
    path(
        "council/<slug:slug>/call-in-rules/add/",
        views.CallInRuleCreateView.as_view(),
        name="call_in_rule_create",
    ),
    path(
        "council/<slug:slug>/call-in-rules/<int:pk>/edit/",
        views.CallInRuleUpdateView.as_view(),
        name="call_in_rule_update",
    ),
    path(
        "council/<slug:slug>/working-bank-holidays/add/",
        views.BankHolidayWorkedCreateView.as_view(),
        name="bank_holiday_worked_create",
    ),
    path(
        "council/<slug:slug>/working-bank-holidays/<int:pk>/delete/",
        views.BankHolidayWorkedDeleteView.as_view(),
        name="bank_holiday_worked_delete",
    ),
    path(
        "council/<slug:slug>/closure-days/add/",
        views.ClosureDayCreateView.as_view(),
        name="closure_day_create",
    ),
    path(
        "council/<slug:slug>/closure-days/<int:pk>/delete/",
        views.ClosureDayDeleteView.as_view(),
        name="closure_day_delete",
    ),
    path(
        "council/<slug:slug>/committees/",
        views.CommitteeListView.as_view(),
        name="committee_list",
    ),
    path(
        "council/<slug:slug>/committees/<int:pk>/",
        views.CommitteeDetailView.as_view(),
        name="committee_detail",
    ),
    path(
        "council/<slug:slug>/exempt-register/",
        exempt_views.ExemptRegisterView.as_view(),
        name="exempt_register",
    ),
    path(
        "council/<slug:slug>/numbering/",
        views.NumberingSettingsView.as_view(),
        name="numbering_settings",
    ),
    path(
        "council/<slug:slug>/committees/add/",
        views.CommitteeCreateView.as_view(),
        name="committee_create",
    ),
    path(
        "council/<slug:slug>/committees/<int:pk>/edit/",
        views.CommitteeUpdateView.as_view(),
        name="committee_update",
    ),
    # The council's report template
    path(
        "council/<slug:slug>/report-template/",
        views.ReportTemplateView.as_view(),
        name="report_template",
    ),
    path(
        "council/<slug:slug>/report-template/unfilled-implications/",
        views.ReportTemplateSettingsView.as_view(),
        name="report_template_settings",
    ),
    path(
        "council/<slug:slug>/report-template/add/",
        views.ReportHeadingCreateView.as_view(),
        name="report_heading_create",
    ),
    path(
        "council/<slug:slug>/report-template/<int:pk>/edit/",
        views.ReportHeadingUpdateView.as_view(),
        name="report_heading_update",
    ),
    path(
        "council/<slug:slug>/report-template/<int:pk>/move/",
        views.ReportHeadingMoveView.as_view(),
        name="report_heading_move",
    ),
]
