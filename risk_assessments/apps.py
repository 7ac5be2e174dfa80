from django.apps import AppConfig


class RiskAssessmentsConfig(AppConfig):
    name = "risk_assessments"
    verbose_name = "Risk assessments"

    def ready(self) -> None:
        from accounts_register import extensions
        from councilsocial import status_tags
        from councilsocial.flags import registry

        from . import selectors, services
        from .models import RiskAssessment, RiskAssessmentStatus
        from .scoring import BAND_TAG_COLOURS

        registry.register("risk_reviews_overdue", services.check_overdue_reviews)
        status_tags.register(
            RiskAssessment,
            {
                RiskAssessmentStatus.DRAFT: "yellow",
                RiskAssessmentStatus.SUBMITTED: "blue",
                RiskAssessmentStatus.ACCEPTED: "green",
                RiskAssessmentStatus.RETURNED: "orange",
                RiskAssessmentStatus.SUPERSEDED: "grey",
            },
        )
        status_tags.register("risk_assessments.band", BAND_TAG_COLOURS)  # score tags, not statuses
        # The register's list and account pages show each account's assessment, and a change of an
        # account's kind, service or platform makes its assessment due for review (000 §9).
        extensions.account_risk.provide(
            summaries=selectors.assessment_summary_for_accounts,
            no_assessment=selectors.NO_ASSESSMENT,
            filters={
                "review_overdue": lambda now: selectors.review_overdue_q(now=now),
                "none_accepted": lambda now: selectors.no_accepted_assessment_q(),
            },
            mark_review_due=services.risk_assessment_mark_review_due,
        )
