from django.contrib import admin

from .models import GovernanceFlag


@admin.register(GovernanceFlag)
class GovernanceFlagAdmin(admin.ModelAdmin):
    """Flags are raised and resolved by the checks only."""

    list_display = ["kind", "account", "service", "raised_at", "resolved_at", "notified_at"]
    list_filter = ["kind"]
    list_select_related = ["account", "service", "subject_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
