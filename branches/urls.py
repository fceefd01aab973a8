from django.urls import path

from . import views

app_name = "branches"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:pk>/", views.detail, name="detail"),
    path("terms/expiring/", views.expiring_terms, name="expiring_terms"),
]
