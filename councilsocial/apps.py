from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CouncilSocialConfig(AppConfig):
    name = "councilsocial"
    verbose_name = "Council social media"

    def ready(self) -> None:
        from . import permissions  # registers the object permission rules

        post_migrate.connect(permissions.grant_role_permissions, dispatch_uid="grant_role_permissions")
