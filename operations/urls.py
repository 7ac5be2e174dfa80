"""Operations pages and API (003 D9–D11, Section B; 004 Do 3, Don't 9)."""

from django.urls import path

from . import api, views

urlpatterns = [
    path("operations/", views.operations_home, name="operations"),
    path("operations/emergency/", views.emergency, name="operations-emergency"),
    path("operations/emergency/declare/", views.emergency_declare, name="operations-emergency-declare"),
    path("operations/emergency/<int:pk>/lift/", views.emergency_lift, name="operations-emergency-lift"),
    path("operations/purdah/", views.purdah, name="operations-purdah"),
    path("operations/purdah/<int:pk>/delete/", views.purdah_delete, name="operations-purdah-delete"),
    path("operations/checker-lists/", views.word_lists, name="operations-word-lists"),
    path("operations/decided-campaigns/", views.decided_campaigns, name="operations-decided-campaigns"),
    path(
        "operations/decided-campaigns/<int:pk>/remove/",
        views.decided_campaign_remove,
        name="operations-decided-campaign-remove",
    ),
    path("check-a-post/", views.content_check, name="content-check"),
    path("operations/incidents/", views.incident_list, name="incident-list"),
    path("operations/incidents/new/", views.incident_report, name="incident-report"),
    path("operations/incidents/<int:pk>/", views.incident_detail, name="incident-detail"),
    path("operations/incidents/<int:pk>/steps/<slug:step>/", views.incident_step, name="incident-step"),
    path("operations/incidents/<int:pk>/close/", views.incident_close, name="incident-close"),
    path("operations/monitoring-terms/", views.monitoring_terms, name="monitoring-term-list"),
    path(
        "operations/monitoring-terms/<int:pk>/decide/",
        views.monitoring_term_decide,
        name="monitoring-term-decide",
    ),
    path("operations/monitoring-terms.csv", views.monitoring_terms_csv, name="monitoring-terms-csv"),
    path("operations/training/", views.training, name="training"),
    path("operations/training/import/", views.training_import, name="training-import"),
    path("operations/policy/", views.policy, name="policy"),
    path(
        "operations/policy/not-acknowledged/", views.policy_not_acknowledged, name="policy-not-acknowledged"
    ),
    path("operations/photo-consent/", views.photo_consents, name="photo-consent-list"),
    path("api/content-check/", api.ContentCheckView.as_view(), name="api-content-check"),
    path("api/monitoring-terms/", api.MonitoringTermsView.as_view(), name="api-monitoring-terms"),
]
