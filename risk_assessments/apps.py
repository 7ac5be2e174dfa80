from django.apps import AppConfig


class RiskAssessmentsConfig(AppConfig):
    name = "risk_assessments"
    verbose_name = "Risk assessments"
