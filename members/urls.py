from django.urls import include, path

from . import change_views, views

app_name = "members"

urlpatterns = [
    path("<int:pk>/", views.detail, name="detail"),
    path("due-for-conversion/", views.due_for_conversion, name="due_for_conversion"),
    path("roster/", include("members.roster_urls")),
    # Day-to-day changes by a secretary in office (each calls one service).
    path("add/<int:branch_pk>/", change_views.add, name="add"),
    path("<int:pk>/edit/", change_views.edit, name="edit"),
    path("<int:pk>/flags/", change_views.flags, name="flags"),
    path("<int:pk>/convert/", change_views.convert, name="convert"),
    path("<int:pk>/transfer/", change_views.transfer, name="transfer"),
    path("transfers/", change_views.transfers, name="transfers"),
    path("transfers/<int:pk>/accept/", change_views.transfer_accept, name="transfer-accept"),
    path("transfers/<int:pk>/reject/", change_views.transfer_reject, name="transfer-reject"),
    path("transfers/<int:pk>/cancel/", change_views.transfer_cancel, name="transfer-cancel"),
]
