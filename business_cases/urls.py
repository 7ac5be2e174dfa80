from django.urls import path

from . import views

urlpatterns = [
    path("business-cases/", views.case_list, name="business-case-list"),
    path("business-cases/new/", views.case_start, name="business-case-start"),
    path("business-cases/<int:pk>/", views.case_detail, name="business-case-detail"),
    path("business-cases/<int:pk>/section/<slug:section>/", views.case_section, name="business-case-section"),
    path("business-cases/<int:pk>/do/<slug:action>/", views.case_action, name="business-case-action"),
    path("business-cases/<int:pk>/resend-link/", views.case_resend_link, name="business-case-resend-link"),
    path(
        "business-cases/<int:pk>/decide/<str:token>/", views.director_link, name="business-case-director-link"
    ),
]
