from django.contrib import admin, messages
from django.utils import timezone

from councilsocial.forms import LimitedModelForm

from .models import (
    ClosureDay,
    DecidedCampaign,
    Enquiry,
    GovernanceFlag,
    Notification,
    OfficeHours,
    PolicyReview,
    ResponsePolicy,
    WorkingCalendar,
)
from .services import calendar_changed


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


# --- Working calendar, response policies and policy reviews (issue 6) -----------------------------


class OfficeHoursInline(admin.TabularInline):
    form = LimitedModelForm
    model = OfficeHours
    extra = 0
    max_num = 7


class ClosureDayInline(admin.TabularInline):
    form = LimitedModelForm
    model = ClosureDay
    extra = 1


@admin.register(WorkingCalendar)
class WorkingCalendarAdmin(admin.ModelAdmin):
    """The council's working calendar (000 §25). Saving it recomputes open enquiries' deadlines."""

    form = LimitedModelForm
    list_display = ["name", "nation", "updated_at"]
    inlines = [OfficeHoursInline, ClosureDayInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        moved = calendar_changed(now=timezone.now())
        messages.info(
            request,
            f"The calendar was saved. {moved} open enquir{'y' if moved == 1 else 'ies'} "
            f"had {'its' if moved == 1 else 'their'} deadline moved.",
        )

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not WorkingCalendar.objects.exists()


@admin.register(ResponsePolicy)
class ResponsePolicyAdmin(admin.ModelAdmin):
    form = LimitedModelForm
    list_display = ["account", "fixed_hours", "reason"]
    autocomplete_fields = ["account"]
    search_fields = ["account__handle", "account__display_name"]


@admin.register(PolicyReview)
class PolicyReviewAdmin(admin.ModelAdmin):
    """002 §1.6: record each six-monthly review of the policy; the check flags one that is due."""

    form = LimitedModelForm

    list_display = ["reviewed_on", "reviewed_by", "next_due_on"]


@admin.register(Enquiry)
class EnquiryAdmin(admin.ModelAdmin):
    """Enquiries are recorded on the inbox's page, by the API or by an import, which compute the
    response deadline from the working calendar (000 §25); here they are read and corrected."""

    form = LimitedModelForm
    list_display = ["platform_id", "account", "channel", "received_at", "response_due_at", "status"]
    list_filter = ["status", "channel"]
    search_fields = ["platform_id", "author", "account__handle"]
    list_select_related = ["account"]
    readonly_fields = ["response_due_at", "response_policy", "status", "first_response_at", "met_deadline"]
    raw_id_fields = ["account"]

    def has_add_permission(self, request):
        return False  # no deadline would be computed (000 §25)

    def has_delete_permission(self, request, obj=None):
        return False  # enquiries are the evidence behind the response-time figures (000 §25)


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
