from django.contrib import admin, messages
from django.utils import timezone

from councilsocial.calendar.models import ClosureDay, OfficeHours, WorkingCalendar
from councilsocial.forms import LimitedModelForm

from .models import Enquiry, ResponsePolicy
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
