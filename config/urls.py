from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from core import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", health.health, name="health"),
    path("metrics", health.metrics, name="metrics"),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # the Swagger UI's script served as a file: the CSP allows no inline script
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("accounts/", include("accounts.urls")),
    path("", include("workorders.urls")),
    path("intake/", include("hotline.urls")),
    path("knowledge/", include("knowledge.urls")),
    path("dashboard/", include("analytics.urls")),
    path("open311/v2/", include("open311.urls")),  # Open311 GeoReport v2 (docs/open311.md)
    path("calls/", include("calls.urls")),  # live calls (docs/live-calls.md)
]

handler404 = "core.api_errors.page_not_found"  # JSON under /api/
