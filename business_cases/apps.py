from django.apps import AppConfig


class BusinessCasesConfig(AppConfig):
    name = "business_cases"
    verbose_name = "Business cases"

    def ready(self) -> None:
        from councilsocial import status_tags
        from councilsocial.flags import registry

        from .models import BusinessCase, CaseStatus
        from .services import check_waiting_cases

        registry.register("waiting_business_cases", check_waiting_cases)
        status_tags.register(
            BusinessCase,
            {
                CaseStatus.DRAFT: "grey",
                CaseStatus.ADVICE_REQUESTED: "yellow",
                CaseStatus.ADVISED: "yellow",
                CaseStatus.AWAITING_DIRECTOR: "yellow",
                CaseStatus.AWAITING_COMMS: "yellow",
                CaseStatus.APPROVED: "turquoise",
                CaseStatus.RISK_ASSESSMENT_ACCEPTED: "turquoise",
                CaseStatus.LIVE: "green",
                CaseStatus.CHANGES_REQUESTED: "orange",
                CaseStatus.REJECTED: "red",
                CaseStatus.WITHDRAWN: "grey",
            },
        )
