from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox is read-only here: messages are written by events and sent by the job.

    A message's secret (a one-use approval link) is never shown: the body holds a placeholder.
    """

    list_display = ["created_at", "to", "subject", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status"]
    search_fields = ["to", "subject"]
    exclude = ["secret"]
    readonly_fields = [f.name for f in Notification._meta.fields if f.name != "secret"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
