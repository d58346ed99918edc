"""Analytics URLs, mounted at /dashboard/: the dashboards (analytics.dashboard_urls) and the hotspot pages."""

from django.urls import path

from analytics import hotspot_views
from analytics.dashboard_urls import urlpatterns as dashboard_urlpatterns

urlpatterns = [
    *dashboard_urlpatterns,
    path("hotspots/", hotspot_views.hotspot_list, name="hotspot-list"),
    path("hotspots/monthly/", hotspot_views.monthly_topics, name="hotspot-monthly"),
    path("hotspots/<int:pk>/", hotspot_views.hotspot_detail, name="hotspot-detail"),
    path("hotspots/alerts/<int:pk>/acknowledge/", hotspot_views.acknowledge_alert, name="hotspot-alert-acknowledge"),
]
