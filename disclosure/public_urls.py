from django.urls import path

from . import public_views

app_name = "public"

urlpatterns = [
    path("", public_views.index, name="index"),
    path("b/<str:code>/", public_views.branch, name="branch"),
]
