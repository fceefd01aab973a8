from django.urls import path

from . import views, views_quarter

app_name = "assessment"

urlpatterns = [
    path("", views_quarter.dashboard, name="dashboard"),
    path("inspections/", views.inspection_list, name="inspections"),
    path("inspections/new/", views.inspection_new, name="inspection-new"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection-detail"),
    path("rectifications/", views.rectification_list, name="rectifications"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification-detail"),
    path("rectifications/<int:pk>/act/", views.rectification_act, name="rectification-act"),
    path("scores/", views_quarter.scores, name="scores"),
    path("scores/compute/", views_quarter.scores_compute, name="scores-compute"),
    path("scores/external/", views_quarter.external_scores, name="external-scores"),
    path("catch-up/<int:pk>/", views_quarter.catch_up, name="catch-up"),
    path("points/", views.points, name="points"),
    path("points/new/", views.point_add, name="point-add"),
    path("appraisals/", views.appraisals, name="appraisals"),
    path("briefings/", views_quarter.briefings, name="briefings"),
    path("briefings/<int:pk>/", views_quarter.briefing_detail, name="briefing"),
    path("briefings/<int:pk>/progress/", views_quarter.briefing_progress, name="briefing-progress"),
    path("briefings/<int:pk>/download/", views_quarter.briefing_download, name="briefing-download"),
    path("briefings/<int:pk>/publish/", views_quarter.briefing_publish, name="briefing-publish"),
]
