from django.urls import path

from hotline import views

urlpatterns = [
    path("new/", views.intake_new, name="intake-new"),
]
