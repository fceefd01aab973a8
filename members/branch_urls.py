"""The ``branches`` namespace: the branch pages that show members (here) and the branches app's own."""

from django.urls import path

from branches.views import expiring_terms

from . import branch_views

app_name = "branches"

urlpatterns = [
    path("", branch_views.tree, name="tree"),
    path("<int:pk>/", branch_views.detail, name="detail"),
    path("terms/expiring/", expiring_terms, name="expiring_terms"),
]
