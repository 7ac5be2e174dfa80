from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Operations"

    def ready(self) -> None:
        from accounts_register import extensions
        from councilsocial.flags import registry

        from .checks import CHECKS
        from .services import access_grant_refusal

        for name, check in CHECKS.items():
            registry.register(name, check)
        # While an emergency is in force no new access is given (003 D9.2).
        extensions.access_grant_guards.append(access_grant_refusal)
