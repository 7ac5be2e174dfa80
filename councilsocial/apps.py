from django.apps import AppConfig
from django.db.models.signals import post_migrate

from . import system_checks  # noqa: F401 - registers the deployment checks


class CouncilSocialConfig(AppConfig):
    name = "councilsocial"
    verbose_name = "Council social media"

    def ready(self) -> None:
        from . import permissions  # registers the object permission rules

        post_migrate.connect(permissions.grant_role_permissions, dispatch_uid="grant_role_permissions")
