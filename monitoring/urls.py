from django.urls import include, path

from . import connection_views, views, webhook_views

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/new/", views.enquiry_new, name="enquiry-new"),
    path("inbox/<int:pk>/respond/", views.enquiry_respond, name="enquiry-respond"),
    path("inbox/<int:pk>/assign/", views.enquiry_assign, name="enquiry-assign"),
    path("inbox/responses/<int:pk>/undo/", views.response_undo, name="response-undo"),
    path("duty-rota/", views.duty_rota, name="duty-rota"),
    path("inbox/upload/", views.activity_import, name="activity-import"),
    path("inbox/upload/<uuid:batch_id>/", views.activity_import_preview, name="activity-import-preview"),
    path("dashboard/", views.council_dashboard, name="dashboard"),
    path("dashboard/directorates/<int:pk>/", views.directorate_dashboard, name="directorate-dashboard"),
    path("flags/", views.flag_list, name="flag-list"),
    path("flags/<int:pk>/", views.flag_detail, name="flag-detail"),
    path("services/<int:pk>/dashboard/", views.service_dashboard, name="service-dashboard"),
    # Meta pushes Facebook Page and Instagram changes here (README "Connecting platforms").
    path("webhooks/meta/", webhook_views.meta_webhook, name="meta-webhook"),
    path("accounts/<int:pk>/connect/", connection_views.account_connect, name="account-connect"),
    path(
        "accounts/<int:pk>/connect/oauth/",
        connection_views.account_connect_oauth,
        name="account-connect-oauth",
    ),
    path("accounts/<int:pk>/disconnect/", connection_views.account_disconnect, name="account-disconnect"),
    path(
        "connections/callback/", connection_views.connection_oauth_callback, name="connection-oauth-callback"
    ),
    path("inbox/<int:pk>/reply/", connection_views.enquiry_reply, name="enquiry-reply"),
    path("", include("monitoring.api")),
]
