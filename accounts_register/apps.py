from django.apps import AppConfig


class AccountsRegisterConfig(AppConfig):
    name = "accounts_register"
    verbose_name = "Account register and organisation"
