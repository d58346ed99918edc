"""Analytics URLs, mounted at /dashboard/: the dashboards (analytics.dashboards.urls) and the hotspot pages."""

from django.urls import path

from analytics.dashboards.urls import urlpatterns as dashboard_urlpatterns
from analytics.hotspots import views as hotspot_views

urlpatterns = [
    *dashboard_urlpatterns,
    path("hotspots/", hotspot_views.hotspot_list, name="hotspot-list"),
    path("hotspots/monthly/", hotspot_views.monthly_topics, name="hotspot-monthly"),
    path("hotspots/<int:pk>/", hotspot_views.hotspot_detail, name="hotspot-detail"),
    path("hotspots/alerts/<int:pk>/acknowledge/", hotspot_views.acknowledge_alert, name="hotspot-alert-acknowledge"),
]
