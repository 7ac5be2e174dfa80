from django.contrib import admin, messages
from django.utils import timezone

from councilsocial.calendar.models import ClosureDay, OfficeHours, WorkingCalendar
from councilsocial.forms import LimitedModelForm

from .models import Connection, Enquiry, ResponsePolicy
from .services import calendar_changed

# --- Working calendar (kept here: saving it moves open enquiries' deadlines) and response policies ------


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


@admin.register(Enquiry)
class EnquiryAdmin(admin.ModelAdmin):
    """Enquiries are recorded on the inbox's page, by the API or by an import, which compute the
    response deadline from the working calendar (000 §25); here they are read and corrected."""

    form = LimitedModelForm
    list_display = ["platform_id", "account", "channel", "received_at", "response_due_at", "status"]
    list_filter = ["status", "channel"]
    search_fields = ["platform_id", "author", "account__handle"]
    list_select_related = ["account"]
    # The deadline is computed from the account and the moment it arrived (000 §25) when the enquiry is
    # recorded; neither is changed here, so the stored deadline always follows from them.
    readonly_fields = [
        "account",
        "received_at",
        "response_due_at",
        "response_policy",
        "status",
        "first_response_at",
        "met_deadline",
    ]

    def has_add_permission(self, request):
        return False  # no deadline would be computed (000 §25)

    def has_delete_permission(self, request, obj=None):
        return False  # enquiries are the evidence behind the response-time figures (000 §25)


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    """Connected accounts, read only: their health, never their secrets (issue 14 item 4). People
    connect and disconnect from the account page, where the platform is asked first."""

    list_display = ["account", "platform", "handle", "status", "last_success_at", "backlog", "failing_since"]
    list_filter = ["status", "platform"]
    search_fields = ["handle", "account_ref", "account__handle"]
    list_select_related = ["account"]
    # ``secrets`` is not editable, so it is in no form; listing the fields shown keeps it that way.
    fields = [
        "account",
        "platform",
        "account_ref",
        "handle",
        "status",
        "expires_at",
        "connected_by",
        "connected_at",
        "last_attempt_at",
        "last_success_at",
        "last_error",
        "failing_since",
        "backlog",
        "next_sync_after",
        "claimed_until",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # disconnect from the account page, which also clears its flag
