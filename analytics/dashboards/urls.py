"""Dashboard page URLs (mounted under /dashboard/ by analytics.urls)."""

from django.urls import path

from analytics.dashboards import views

urlpatterns = [
    path("", views.centre_dashboard, name="dashboard"),
    path("export/<slug:key>.<slug:fmt>", views.centre_export, name="dashboard-export"),
    path("departments/<int:pk>/", views.department_dashboard, name="dashboard-department"),
    path(
        "departments/<int:pk>/export/<slug:key>.<slug:fmt>",
        views.department_export,
        name="dashboard-department-export",
    ),
    path("drill/", views.drill, name="dashboard-drill"),
]
