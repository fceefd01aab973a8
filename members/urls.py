from django.urls import include, path

from . import views

app_name = "members"

urlpatterns = [
    path("<int:pk>/", views.detail, name="detail"),
    path("due-for-conversion/", views.due_for_conversion, name="due_for_conversion"),
    path("roster/", include("members.roster_urls")),
]
