from django.urls import path

from knowledge import views

urlpatterns = [
    path("", views.knowledge_search_page, name="knowledge"),
    path("answer/", views.knowledge_answer_fragment, name="knowledge-answer"),
    path("for-order/<int:pk>/", views.knowledge_for_order, name="knowledge-for-order"),
]
