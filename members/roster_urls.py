"""Roster pages, included by members/urls.py under ``roster/`` (names resolve as ``members:roster-…``)."""

from django.urls import path

from . import roster_views as views

urlpatterns = [
    path("import/", views.roster_import, name="roster-import"),
    path("import/<int:pk>/", views.roster_import_status, name="roster-import-status"),
    path("import/<int:pk>/progress/", views.roster_import_progress, name="roster-import-progress"),
    path("import/<int:pk>/confirm/", views.roster_import_confirm, name="roster-import-confirm"),
    path("import/<int:pk>/retry/", views.roster_import_retry, name="roster-import-retry"),
    path("import/<int:pk>/report.xlsx", views.roster_import_report, name="roster-import-report"),
    path("export/", views.roster_export, name="roster-export"),
    path("template.xlsx", views.roster_template, name="roster-template"),
]
