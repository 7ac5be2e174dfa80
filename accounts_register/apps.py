from django.apps import AppConfig


class AccountsRegisterConfig(AppConfig):
    name = "accounts_register"
    verbose_name = "Account register and organisation"

    def ready(self) -> None:
        from councilsocial.flags import registry

        from .services import check_accounts_without_owner, check_temporary_access

        registry.register("temporary_access", check_temporary_access)
        registry.register("accounts_without_owner", check_accounts_without_owner)
