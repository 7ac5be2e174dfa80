from django.apps import AppConfig


class BusinessCasesConfig(AppConfig):
    name = "business_cases"
    verbose_name = "Business cases"

    def ready(self) -> None:
        from councilsocial.flags import registry

        from .services import check_waiting_cases

        registry.register("waiting_business_cases", check_waiting_cases)
