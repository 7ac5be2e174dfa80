"""Django admin for the organisation and the register.

Status changes are admin actions that ask for a reason and go through the same service as the
register pages; the history of accounts and access is read-only everywhere.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .forms import AccountAdminForm
from .models import (
    AuthorisedUser,
    Committee,
    Directorate,
    DirectorPermission,
    Service,
    SocialMediaAccount,
    TrainingRecord,
    UsageStatement,
)


@admin.register(Directorate)
class DirectorateAdmin(admin.ModelAdmin):
    list_display = ["name", "corporate_director", "director_email"]
    search_fields = ["name"]
    autocomplete_fields = ["corporate_director"]


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "chairman_name", "chairman_email"]
    search_fields = ["name", "chairman_name"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "directorate", "committee"]
    list_filter = ["directorate", "committee"]
    search_fields = ["name"]
    filter_horizontal = ["managers", "officers"]
    list_select_related = ["directorate", "committee"]


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """History can be read, never reverted or edited (the audit trail)."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        raise PermissionDenied


def _status_action(transition: str, label: str):
    def action(modeladmin, request, queryset):
        if "apply" in request.POST:
            form = ReasonForm(request.POST)
            if form.is_valid():
                changed, refused = 0, []
                for account in queryset:
                    try:
                        services.account_change_status(
                            account=account,
                            transition=transition,
                            by=request.user,
                            reason=form.cleaned_data["reason"],
                        )
                        changed += 1
                    except ValidationError as exc:
                        refused.append(f"{account} ({' '.join(exc.messages)})")
                    except (PermissionDenied, services.StaleAccount):
                        refused.append(str(account))
                if changed:
                    modeladmin.message_user(
                        request, f"{label}: {changed} account(s) changed.", messages.SUCCESS
                    )
                if refused:
                    modeladmin.message_user(
                        request,
                        f"Not changed: {'; '.join(refused)}",
                        messages.WARNING,
                    )
                return None
        else:
            form = ReasonForm()
        return render(
            request,
            "admin/accounts_register/status_reason.html",
            {
                "title": f"{label}: give the reason",
                "form": form,
                "queryset": queryset,
                "action": action.__name__,
                "opts": modeladmin.model._meta,
                **modeladmin.admin_site.each_context(request),
            },
        )

    action.__name__ = f"status_{transition}"
    action.short_description = f"{label} the selected accounts…"
    return action


@admin.register(SocialMediaAccount)
class SocialMediaAccountAdmin(ReadOnlyHistoryAdmin):
    form = AccountAdminForm
    list_display = ["__str__", "display_name", "service", "kind", "status"]
    list_filter = ["platform", "status", "kind", "service__directorate"]
    search_fields = ["handle", "display_name"]
    list_select_related = ["service"]
    # Status moves only through the actions (the register's one rule); the approval is recorded
    # through the business case or the register's "existing account" page, never typed here.
    readonly_fields = [
        "status",
        "approval_route",
        "approved_by",
        "approved_on",
        "approval_reference",
        "last_activity_at",
        "created_at",
        "updated_at",
    ]
    actions = [_status_action(name, label) for name, label in services.STATUS_TRANSITIONS.items()]

    def has_delete_permission(self, request, obj=None):
        return False  # accounts are closed and archived, never deleted


@admin.register(AuthorisedUser)
class AuthorisedUserAdmin(ReadOnlyHistoryAdmin):
    list_display = ["person", "account", "role", "granted_at", "expires_on", "ended_at", "end_reason"]
    list_filter = ["role", "end_reason"]
    search_fields = ["person__username", "person__last_name", "account__handle"]
    list_select_related = ["person", "account"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False  # access is given through the register, where the prerequisites are checked

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DirectorPermission)
class DirectorPermissionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["person", "granted_by", "granted_on", "document_reference", "withdrawn_on"]
    search_fields = ["person__username", "person__last_name"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    list_display = ["person", "module", "completed_at", "expires_at", "source"]
    list_filter = ["module", "source"]
    search_fields = ["person__username", "person__last_name", "module"]


@admin.register(UsageStatement)
class UsageStatementAdmin(admin.ModelAdmin):
    list_display = ["version", "published_at"]

    def get_readonly_fields(self, request, obj=None):
        # A published version is what people accepted: it is never edited, only superseded.
        return ["version", "text", "published_at"] if obj else []


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class CouncilUserAdmin(UserAdmin):
    """Switching a person off ends all their access at once (003 D2.3).

    People are switched off, never deleted: the audit trail records who made each change.
    """

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        was_active = change and User.objects.filter(pk=obj.pk, is_active=True).exists()
        super().save_model(request, obj, form, change)
        if was_active and not obj.is_active:
            ended = services.person_leaves(person=obj, by=request.user, now=timezone.now())
            self.message_user(request, f"{obj} has been switched off and {ended} access record(s) ended.")
