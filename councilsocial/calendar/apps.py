from django.apps import AppConfig


class CalendarConfig(AppConfig):
    name = "councilsocial.calendar"
    label = "calendar"
    verbose_name = "Working calendar"
