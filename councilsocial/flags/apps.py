from django.apps import AppConfig


class FlagsConfig(AppConfig):
    name = "councilsocial.flags"
    label = "flags"
    verbose_name = "Governance flags"
