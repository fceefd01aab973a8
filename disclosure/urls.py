from django.urls import path

from . import dues_views, fixture_views, item_views

app_name = "disclosure"

urlpatterns = [
    path("sites/", fixture_views.site_list, name="sites"),
    path("sites/<int:pk>/", fixture_views.site_detail, name="site"),
    path("sites/<int:pk>/phone/", fixture_views.site_phone, name="site-phone"),
    path("fixtures/<int:pk>/", fixture_views.fixture_check, name="fixture"),
    path("checks/<int:pk>/photo/", fixture_views.check_photo, name="check-photo"),
    path("items/", item_views.item_list, name="items"),
    path("items/new/", item_views.item_create, name="item-create"),
    path("items/<int:pk>/", item_views.item_detail, name="item"),
    path("items/<int:pk>/edit/", item_views.item_edit, name="item-edit"),
    path("items/<int:pk>/revise/", item_views.item_revise, name="item-revise"),
    path("items/<int:pk>/submit/", item_views.item_submit, name="item-submit"),
    path("items/<int:pk>/approve/", item_views.item_approve, name="item-approve"),
    path("items/<int:pk>/reject/", item_views.item_reject, name="item-reject"),
    path("dues/", dues_views.dues_index, name="dues"),
    path("dues/<int:pk>/", dues_views.dues_branch, name="dues-branch"),
    path("dues/<int:pk>/import/", dues_views.dues_import, name="dues-import"),
]
