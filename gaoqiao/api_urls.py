from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from accounts.tokens import obtain_token
from assessment.api import register as register_assessment
from branches.api import register as register_branches
from disclosure.api import register as register_disclosure
from meetings.api import register as register_meetings
from members.api import register as register_members
from notices.api import register as register_notices
from projects.api import register as register_projects

# No `.json` suffix twins: one pattern per URL name, one door per resource.
router = DefaultRouter()
router.include_format_suffixes = False
register_branches(router)
register_members(router)
register_notices(router)
register_assessment(router)
register_projects(router)
register_disclosure(router)
register_meetings(router)

# Every resource is keyed by an integer: a path with anything else in its place matches
# no route (a JSON 404) instead of reaching a view that would choke on it.
for _prefix, _viewset, _basename in router.registry:
    _viewset.lookup_value_regex = "[0-9]+"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("token/", obtain_token, name="token"),
    *router.urls,
]
