"""Django admin for business cases: read-only answers, the transitions as actions, the log read-only.

Each action goes through the same service as the case pages, as the person signed in, so the
workflow's permissions and conditions hold here too.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db import models
from django.shortcuts import render
from django.utils import timezone
from django_fsm_log.models import StateLog

from councilsocial.forms import LimitedModelForm

from . import services
from .models import BusinessCase, DirectorApprovalLink

ADMIN_ACTIONS = services.TRANSITION_SERVICES


SET_UP_FIELDS = ("url", "admin_mailbox", "comms_has_admin_access")


class CommentForm(forms.Form):
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


def _transition_action(name: str):
    label = services.ACTION_LABELS[name]
    service = ADMIN_ACTIONS[name]

    def action(modeladmin, request, queryset):
        comment = ""
        if name in services.COMMENT_REQUIRED:
            form = CommentForm(request.POST if "apply" in request.POST else None)
            if not form.is_valid():
                return render(
                    request,
                    "admin/business_cases/transition_comment.html",
                    {
                        **modeladmin.admin_site.each_context(request),
                        "title": f"{label}: add a comment",
                        "label": label,
                        "queryset": queryset,
                        "form": form,
                        "action": action.__name__,
                        "opts": modeladmin.model._meta,
                    },
                )
            comment = form.cleaned_data["comment"]
        done = 0
        for case in queryset:
            kwargs = {"case": case, "by": request.user, "now": timezone.now(), "expected_status": case.status}
            if name in services.COMMENT_REQUIRED or name in ("approve", "withdraw"):
                kwargs["comment"] = comment
            try:
                service(**kwargs)
            except services.CaseActionError as error:
                modeladmin.message_user(request, f"{case}: {error.message}", messages.ERROR)
            else:
                done += 1
        if done:
            modeladmin.message_user(request, f"{label}: {done} case(s) done.", messages.SUCCESS)
        return None

    action.__name__ = f"transition_{name}"
    action.short_description = f"{label} (selected cases)"
    return action


class StateLogInline(GenericTabularInline):
    """The transition log: who, when, from, to and the comment. Never edited."""

    model = StateLog
    ct_field = "content_type"
    ct_fk_field = "object_id"
    fields = ["timestamp", "by", "source_state", "state", "transition", "description"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["timestamp"]
    verbose_name = "transition"

    def has_view_permission(self, request, obj=None):
        # Whoever may view the case may read its log, without rights over django-fsm-log's table.
        return request.user.has_perm("business_cases.view_businesscase")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DirectorApprovalLinkInline(admin.TabularInline):
    model = DirectorApprovalLink
    fields = [
        "director",
        "case_version",
        "created_at",
        "used_at",
        "used_from_ip",
        "used_user_agent",
        "voided_at",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BusinessCase)
class BusinessCaseAdmin(admin.ModelAdmin):
    form = LimitedModelForm
    list_display = ["title", "service", "platform", "handle", "status", "state_entered_at", "author"]
    list_filter = ["status", "platform", "service__directorate"]
    search_fields = ["title", "handle", "service__name"]
    list_select_related = ["service", "author"]
    inlines = [StateLogInline, DirectorApprovalLinkInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = [_transition_action(name) for name in ADMIN_ACTIONS]

    def get_readonly_fields(self, request, obj=None):
        # The answers are the author's and the state only moves through the actions; Communications
        # may record the set-up details (000 §6f, §11) that going live needs.
        return [f.name for f in self.model._meta.fields if f.name not in SET_UP_FIELDS]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
