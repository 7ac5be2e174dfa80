from django.urls import path

from . import views

urlpatterns = [
    path("risk-assessments/", views.assessment_list, name="risk-assessment-list"),
    path("risk-assessments/start/", views.assessment_start, name="risk-assessment-start"),
    path("risk-assessments/heat-map/", views.council_heatmap, name="risk-heatmap"),
    path("risk-assessments/risks/", views.item_list, name="risk-item-list"),
    path("risk-assessments/<int:pk>/", views.assessment_detail, name="risk-assessment-detail"),
    path("risk-assessments/<int:pk>/risks/add/", views.item_add, name="risk-item-add"),
    path("risk-assessments/<int:pk>/risks/<int:item_pk>/", views.item_edit, name="risk-item-edit"),
    path("risk-assessments/<int:pk>/risks/<int:item_pk>/remove/", views.item_remove, name="risk-item-remove"),
    path("risk-assessments/<int:pk>/submit/", views.assessment_submit, name="risk-assessment-submit"),
    path("risk-assessments/<int:pk>/revise/", views.assessment_revise, name="risk-assessment-revise"),
    path("risk-assessments/<int:pk>/review/", views.assessment_review, name="risk-assessment-review"),
    path("risk-assessments/<int:pk>/accept/", views.assessment_accept, name="risk-assessment-accept"),
    path("risk-assessments/<int:pk>/return/", views.assessment_return, name="risk-assessment-return"),
    path("risk-assessments/<int:pk>/compare/", views.assessment_compare, name="risk-assessment-compare"),
    path("risk-assessments/<int:pk>/print/", views.assessment_print, name="risk-assessment-print"),
]
