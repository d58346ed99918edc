from django.urls import path

from calls import views

urlpatterns = [
    path("<str:call_id>/", views.live_call_page, name="live-call-page"),
    path("live/<int:pk>/state/", views.live_call_state, name="live-call-state"),
    path("live/<int:pk>/correct/", views.live_call_correct, name="live-call-correct"),
]
