from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "councilsocial.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from councilsocial import status_tags

        from .models import Notification

        status = Notification.Status
        status_tags.register(
            Notification, {status.PENDING: "yellow", status.SENT: "green", status.FAILED: "red"}
        )
