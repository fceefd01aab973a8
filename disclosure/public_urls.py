from django.urls import path
from django.views.decorators.http import require_safe

from . import public_views
from .feeds import BoardFeed, TownFeed

app_name = "public"

# Fixed words first: a site's slug may not be one of them (models.RESERVED_SLUGS).
urlpatterns = [
    path("", public_views.index, name="index"),
    path("search/", public_views.search, name="search"),
    path("feed/", require_safe(TownFeed()), name="feed"),
    path("area/<slug:code>/", public_views.area, name="area"),
    path("items/<int:pk>/", public_views.item, name="item"),
    path("b/<str:code>/", public_views.branch, name="branch"),
    path("<slug:slug>/", public_views.board, name="board"),
    path("<slug:slug>/wall/", public_views.wall, name="wall"),
    path("<slug:slug>/feed/", require_safe(BoardFeed()), name="board-feed"),
    path("<slug:slug>/qr.png", public_views.qr_png, name="qr-png"),
    path("<slug:slug>/qr.svg", public_views.qr_svg, name="qr-svg"),
    path("<slug:slug>/poster.pdf", public_views.poster, name="poster"),
    path("<slug:slug>/list/", public_views.board_list, name="board-list"),
]
