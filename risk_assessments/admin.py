"""Risk assessments in Django admin: read-only, since every change goes through the services."""

from django.contrib import admin

from .models import RiskAssessment, RiskItem


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RiskItemInline(admin.TabularInline):
    model = RiskItem
    fields = ["category", "description", "inherent_score", "residual_score", "owner", "removed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "status", "accepted_at", "next_review_date", "review_due_since"]
    list_filter = ["status"]
    search_fields = ["account__handle", "account__display_name", "business_case__title"]
    list_select_related = ["account", "business_case"]
    inlines = [RiskItemInline]
