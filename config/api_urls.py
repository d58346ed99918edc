"""Version 1 of the REST API."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api import TokenLoginView, TokenLogoutAllView, TokenLogoutView
from calls.api import CallCloseView, CallOpenView, CallStateView, CallTurnView
from hotline.api import SubmissionCreateView
from workorders.api.views import AreaViewSet, CategoryViewSet, DepartmentViewSet, WorkOrderViewSet


class ApiRouter(DefaultRouter):
    include_format_suffixes = False  # one address per resource: no .json twins


router = ApiRouter()
router.register("orders", WorkOrderViewSet, basename="order")
router.register("departments", DepartmentViewSet, basename="department")
router.register("categories", CategoryViewSet, basename="category")
router.register("areas", AreaViewSet, basename="area")

app_name = "api"
urlpatterns = [
    path("auth/token/", TokenLoginView.as_view(), name="token"),
    path("auth/logout/", TokenLogoutView.as_view(), name="token-logout"),
    path("auth/logout-all/", TokenLogoutAllView.as_view(), name="token-logout-all"),
    path("submissions/", SubmissionCreateView.as_view(), name="submission-create"),
    path("calls/", CallOpenView.as_view(), name="call-open"),
    path("calls/<str:call_id>/", CallStateView.as_view(), name="call-state"),
    path("calls/<str:call_id>/turns/", CallTurnView.as_view(), name="call-turns"),
    path("calls/<str:call_id>/close/", CallCloseView.as_view(), name="call-close"),
    path("", include(router.urls)),
]
