from django.urls import path

from workorders import views

urlpatterns = [
    path("", views.home, name="home"),
    path("desk/", views.desk, name="desk"),
    path("desk/next/", views.desk_next, name="desk-next"),
    path("callers/card/", views.caller_card, name="caller-card"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/next/", views.inbox_next, name="inbox-next"),
    path("orders/", views.order_list, name="order-list"),
    path("orders/options/<str:field>/", views.order_filter_options, name="order-filter-options"),
    path("orders/<int:pk>/", views.order_detail, name="order-detail"),
    path("orders/<int:pk>/edit/", views.order_edit, name="order-edit"),
    path("orders/<int:pk>/workspace/", views.order_workspace, name="order-workspace"),
    path("orders/<int:pk>/dispatch-suggestion/", views.order_dispatch_suggestion, name="order-dispatch-suggestion"),
    path("pickers/<str:kind>/", views.picker_options, name="picker-options"),
    path("orders/<int:pk>/claim/", views.order_claim, name="order-claim"),
    path("orders/<int:pk>/release/", views.order_release, name="order-release"),
    path("orders/<int:pk>/reply-check/", views.order_reply_check, name="order-reply-check"),
    path("orders/<int:pk>/merge/preview/", views.order_merge_preview, name="order-merge-preview"),
    path("orders/<int:pk>/llm-suggestions/", views.order_llm_suggestions, name="order-llm-suggestions"),
    *(
        path(f"orders/<int:pk>/{action}/", views.order_action, {"action": action}, name=f"order-{action}")
        for action in views.ORDER_ACTIONS
    ),
]
