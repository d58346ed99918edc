from django.urls import path

from hotline import views

urlpatterns = [
    path("new/", views.intake_new, name="intake-new"),
    path("orders/<int:pk>/related/", views.order_related, name="order-related"),
    path("ai/settings/", views.triage_settings, name="triage-settings"),
    path("ai/acceptance/", views.ai_acceptance, name="ai-acceptance"),
    path("ai/llm/", views.llm_health_page, name="llm-health"),
]
