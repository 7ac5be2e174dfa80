from django.urls import include, path

from . import api, import_views, public_views, views

urlpatterns = [
    path("services/", views.service_list, name="service-list"),
    path("accounts/", views.register_list, name="register-list"),
    path("accounts/new/", views.account_create, name="account-create"),
    path("accounts/export.<str:fmt>", views.register_export, name="register-export"),
    path("accounts/<int:pk>/", views.account_detail, name="account-detail"),
    path("accounts/<int:pk>/edit/", views.account_edit, name="account-edit"),
    path("accounts/<int:pk>/status/", views.account_status, name="account-status"),
    path(
        "accounts/<int:pk>/existing-approval/",
        views.account_existing_approval,
        name="account-existing-approval",
    ),
    path("accounts/<int:pk>/access/new/", views.access_grant, name="access-grant"),
    path("accounts/<int:pk>/access/<int:access_pk>/end/", views.access_end, name="access-end"),
    path("accounts/<int:pk>/access/<int:access_pk>/suspend/", views.access_suspend, name="access-suspend"),
    path("accounts/<int:pk>/access/<int:access_pk>/restore/", views.access_restore, name="access-restore"),
    path("accounts/<int:pk>/usage-statement/", views.statement_accept, name="statement-accept"),
    path("access/", views.who_may_use_what_view, name="who-may-use-what"),
    path("access/director-permission/", views.director_permission_record, name="director-permission"),
    # Import (issue 3 item 7), the public register (000 §24) and the API (item 9).
    path("accounts/import/", import_views.account_import, name="account-import"),
    path("accounts/import/template.csv", import_views.import_template, name="account-import-template"),
    path("accounts/import/<uuid:batch_id>/", import_views.import_preview, name="account-import-preview"),
    path("register/", public_views.register_html, name="public-register"),
    path("register.json", public_views.register_json, name="public-register-json"),
    path("register.csv", public_views.register_csv, name="public-register-csv"),
    path("register/check/", public_views.register_check, name="public-register-check"),
    path("", include(api.urlpatterns)),
]
