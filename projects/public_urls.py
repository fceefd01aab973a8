from django.urls import path

from . import public_views

app_name = "projects_public"

urlpatterns = [
    path("<int:pk>/", public_views.project_page, name="detail"),
]
