from django.urls import path

from . import key_task_views, summary_views, views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/drop/", views.project_drop, name="drop"),
    path("<int:pk>/milestones/", views.milestone_add, name="milestone-add"),
    path("<int:pk>/photos/", views.photo_add, name="photo-add"),
    path("<int:pk>/report/", views.report_edit, name="report"),
    path("<int:pk>/publish/", views.project_publish, name="publish"),
    path("milestones/<int:pk>/", views.milestone_edit, name="milestone-edit"),
    path("milestones/<int:pk>/done/", views.milestone_done, name="milestone-done"),
    path("photos/<int:pk>/delete/", views.photo_delete, name="photo-delete"),
    path("summary/<int:pk>/", summary_views.yearly_summary_view, name="yearly-summary"),
    path("key-tasks/", key_task_views.wall_chart_view, name="wall-chart"),
    path("key-tasks/new/", key_task_views.key_task_create, name="key-task-create"),
    path("key-tasks/<int:pk>/", key_task_views.key_task_detail, name="key-task-detail"),
    path("key-tasks/<int:pk>/edit/", key_task_views.key_task_edit, name="key-task-edit"),
    path("key-task-months/<int:pk>/", key_task_views.key_task_month_check, name="key-task-month"),
]
