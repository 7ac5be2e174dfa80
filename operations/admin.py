from django.contrib import admin, messages
from django.utils import timezone

from councilsocial.forms import LimitedModelForm

from .models import DecidedCampaign, PolicyVersion
from .services import OperationRefused, policy_review_record


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    """002 §1.6: the policy's versions and their six-monthly review; the check flags one that is due.

    Versions are published on the policy page (everyone is asked to acknowledge them); here
    Communications records a review that leaves the policy as it is.
    """

    list_display = ["version", "title", "published_at", "reviewed_on", "next_review_due"]
    readonly_fields = [
        "version",
        "title",
        "summary",
        "document_reference",
        "published_by",
        "published_at",
        "reviewed_on",
        "reviewed_by",
        "review_notes",
    ]
    actions = ["record_review"]

    def has_add_permission(self, request):
        return False  # published on /operations/policy/, which asks everyone to acknowledge it

    def has_delete_permission(self, request, obj=None):
        return False  # acknowledgements are kept against the version

    @admin.action(description="Record a six-monthly review with no change to the policy in force")
    def record_review(self, request, queryset):
        try:
            current = policy_review_record(by=request.user, notes="Reviewed: no change", now=timezone.now())
        except OperationRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request, f"Review recorded. The next is due by {current.next_review_due:%-d %B %Y}."
            )


@admin.register(DecidedCampaign)
class DecidedCampaignAdmin(admin.ModelAdmin):
    """Campaigns cabinet or council decided to support: the checker never flags them (004 Don't 2)."""

    form = LimitedModelForm

    list_display = ("name", "decided_by", "decided_on", "minute_reference", "added_by")
    search_fields = ("name", "minute_reference")
    readonly_fields = ("added_by", "added_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)
