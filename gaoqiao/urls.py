import os

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from accounts.views import home

from .health import healthz

admin.site.site_header = "高桥党建 管理后台"
admin.site.site_title = "高桥党建"
admin.site.index_title = "数据管理"

handler500 = "portal.errors.server_error"
handler404 = "portal.errors.not_found"

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("branches/", include("members.branch_urls")),
    path("members/", include("members.urls")),
    path("notices/", include("notices.urls")),
    path("meetings/", include("meetings.urls")),
    path("projects/", include("projects.urls")),
    path("assessment/", include("assessment.urls")),
    path("disclosure/", include("disclosure.urls")),
    path("public/projects/", include("projects.public_urls")),
    path("public/", include("disclosure.public_urls")),
    path("api/", include(("gaoqiao.api_urls", "api"), namespace="api")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]

if settings.DEBUG:
    # Member photos on a laptop, the only public media (README: nginx serves the same one folder).
    urlpatterns += [
        path(
            "media/members/photos/<path:path>",
            serve,
            {"document_root": os.path.join(str(settings.MEDIA_ROOT), "members", "photos")},
            name="media-photos",
        )
    ]
