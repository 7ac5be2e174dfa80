from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Operations"

    def ready(self) -> None:
        from accounts_register import extensions
        from councilsocial import status_tags
        from councilsocial.flags import registry

        from .checks import CHECKS
        from .models import (
            Emergency,
            EmergencyStatus,
            Incident,
            IncidentStatus,
            MonitoringTerm,
            MonitoringTermStatus,
            Severity,
        )
        from .services import access_grant_refusal

        for name, check in CHECKS.items():
            registry.register(name, check)
        # While an emergency is in force no new access is given (003 D9.2).
        extensions.access_grant_guards.append(access_grant_refusal)
        status_tags.register(Emergency, {EmergencyStatus.ACTIVE: "red", EmergencyStatus.LIFTED: "grey"})
        status_tags.register(Incident, {IncidentStatus.OPEN: "orange", IncidentStatus.CLOSED: "grey"})
        status_tags.register(
            MonitoringTerm,
            {
                MonitoringTermStatus.REQUESTED: "blue",
                MonitoringTermStatus.APPROVED: "green",
                MonitoringTermStatus.DECLINED: "red",
            },
        )
        status_tags.register(
            "operations.severity", {Severity.HIGH: "red", Severity.MEDIUM: "orange", Severity.LOW: "grey"}
        )
