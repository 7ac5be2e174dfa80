from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "councilsocial.notifications"
    label = "notifications"
    verbose_name = "Notifications"
