from django.urls import path

from . import report_views, views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_create, name="create"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/submit/", views.meeting_submit, name="submit"),
    path("<int:pk>/confirm/", views.meeting_confirm, name="confirm"),
    path("<int:pk>/decisions/", views.decision_add, name="decision-add"),
    path("photos/<int:pk>/", views.photo_file, name="photo"),
    path("photos/<int:pk>/publish/", views.photo_publish, name="photo-publish"),
    path("attachments/<int:pk>/", views.attachment_file, name="attachment"),
    path("compliance/", report_views.compliance, name="compliance"),
    path("compliance.xlsx", report_views.compliance_xlsx, name="compliance-xlsx"),
    path("branch/<int:pk>/", report_views.branch_calendar, name="branch"),
    path("branch/<int:pk>/attendance/", report_views.attendance_report, name="attendance"),
    path("branch/<int:pk>/attendance.xlsx", report_views.attendance_xlsx, name="attendance-xlsx"),
    path("branch/<int:pk>/plan/", report_views.plan, name="plan"),
    path("branch/<int:pk>/plan/publish/", report_views.plan_publish_view, name="plan-publish"),
    path("mine/", report_views.mine, name="mine"),
]
