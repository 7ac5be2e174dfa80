from django.apps import AppConfig


class AccountsRegisterConfig(AppConfig):
    name = "accounts_register"
    verbose_name = "Account register and organisation"

    def ready(self) -> None:
        from councilsocial import status_tags
        from councilsocial.flags import registry

        from . import rules  # noqa: F401  (registers the register's object permissions)
        from .checks import CHECKS
        from .models import AccessStatus, AccountStatus, AuthorisedUser, SocialMediaAccount
        from .services import check_temporary_access

        registry.register("temporary_access", check_temporary_access)
        for name, check in CHECKS.items():
            registry.register(name, check)
        status_tags.register(
            SocialMediaAccount,
            {
                AccountStatus.PROPOSED: "blue",
                AccountStatus.ACTIVE: "green",
                AccountStatus.SUSPENDED: "orange",
                AccountStatus.CLOSED: "grey",
                AccountStatus.ARCHIVED: "grey",
            },
        )
        status_tags.register(
            AuthorisedUser,
            {AccessStatus.CURRENT: "green", AccessStatus.SUSPENDED: "orange", AccessStatus.ENDED: "grey"},
        )
