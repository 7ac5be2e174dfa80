"""Django admin for the organisation and the register.

Status changes are admin actions that ask for a reason and go through the same service as the
register pages; the history of accounts and access is read-only everywhere.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import render
from django.utils import timezone
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy
from simple_history.admin import SimpleHistoryAdmin

from councilsocial.forms import InputLimitsMixin, LimitedModelForm
from councilsocial.permissions import (
    PRIVILEGED_GROUPS,
    locked_person_fields,
    may_change_group,
    may_change_membership,
    may_change_person,
    may_hold_token_for,
    may_name_corporate_director,
)

from . import services
from .forms import AccountAdminForm
from .models import (
    NOT_A_DIRECTOR_MESSAGE,
    AuthorisedUser,
    Committee,
    Directorate,
    DirectorPermission,
    Service,
    SocialMediaAccount,
    TrainingRecord,
    UsageStatement,
)


class DirectorateAdminForm(InputLimitsMixin, forms.ModelForm):
    """The Corporate Director is a member of the Directors' group (the model's rule), and nobody but a
    superuser names themselves to the post (000 §6b, §6c)."""

    actor = None  # the person making the change, set by the admin for each request

    class Meta:
        model = Directorate
        fields = ["name", "corporate_director", "director_email"]
        error_messages = {"corporate_director": {"invalid_choice": NOT_A_DIRECTOR_MESSAGE}}

    def clean_corporate_director(self):
        person = self.cleaned_data["corporate_director"]
        if not may_name_corporate_director(self.actor, person):
            raise ValidationError(
                "You cannot name yourself a directorate's Corporate Director. Ask another administrator "
                "or a superuser to do it."
            )
        return person


@admin.register(Directorate)
class DirectorateAdmin(admin.ModelAdmin):
    form = DirectorateAdminForm
    list_display = ["name", "corporate_director", "director_email"]
    search_fields = ["name"]
    autocomplete_fields = ["corporate_director"]

    def get_readonly_fields(self, request, obj=None):
        # The Director's approval links go to this address: only a superuser may send them anywhere
        # but the Director's own email, or an administrator could decide in the Director's place.
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly.append("director_email")
        return readonly

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    form = LimitedModelForm
    list_display = ["name", "chairman_name", "chairman_email"]
    search_fields = ["name", "chairman_name"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    form = LimitedModelForm
    list_display = ["name", "directorate", "committee"]
    list_filter = ["directorate", "committee"]
    search_fields = ["name"]
    filter_horizontal = ["managers", "officers"]
    list_select_related = ["directorate", "committee"]


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class DirectorPermissionAdminForm(LimitedModelForm):
    actor = None  # the signed-in person, set by the admin for each request

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and not self.errors:
            try:
                services.director_permission_check(
                    person=cleaned.get("person"),
                    platforms=cleaned.get("platforms") or [],
                    document_reference=cleaned.get("document_reference", ""),
                    director=cleaned.get("granted_by"),
                    recorded_by=self.actor,
                )
            except PermissionDenied as refused:
                raise ValidationError(
                    "Only Communications or the Director may record a Director's permission"
                ) from refused
            except ValidationError as refused:
                # The service names the Director ``director``; here the field is ``granted_by``.
                for field, errors in refused.message_dict.items():
                    self.add_error("granted_by" if field == "director" else field, errors)
        return cleaned


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
    list_display = [
        "person",
        "account",
        "role",
        "status",
        "granted_at",
        "expires_on",
        "ended_at",
        "end_reason",
    ]
    list_filter = ["status", "role", "end_reason"]
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
    """A permission is added under the page's rule (``director_permission_check``): the Director named
    must be the person's Corporate Director, and whoever is signed in is recorded as having entered
    it. Once recorded, only its withdrawal is changed."""

    form = DirectorPermissionAdminForm
    list_display = ["person", "granted_by", "granted_on", "document_reference", "withdrawn_on", "recorded_by"]
    search_fields = ["person__username", "person__last_name"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["recorded_by"]
        return ["person", "platforms", "granted_by", "granted_on", "document_reference", "recorded_by"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    form = LimitedModelForm
    list_display = ["person", "module", "completed_at", "expires_at", "source"]
    list_filter = ["module", "source"]
    search_fields = ["person__username", "person__last_name", "module"]


@admin.register(UsageStatement)
class UsageStatementAdmin(admin.ModelAdmin):
    form = LimitedModelForm
    list_display = ["version", "published_at"]

    def get_readonly_fields(self, request, obj=None):
        # A published version is what people accepted: it is never edited, only superseded.
        return ["version", "text", "published_at"] if obj else []


User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)
admin.site.unregister(TokenProxy)

PRIVILEGED_MEMBERSHIP_MESSAGE = (
    f"Only a superuser may add people to or remove them from {' or '.join(sorted(PRIVILEGED_GROUPS))}."
)


class _MembershipGuard(forms.ModelForm):
    """Refuses a change to membership of a privileged group by someone who may not make it."""

    actor = None  # the person making the change, set by the admin for each request

    def clean_groups(self):
        groups = self.cleaned_data["groups"]
        before = set(self.instance.groups.values_list("name", flat=True)) if self.instance.pk else set()
        changed = before ^ {group.name for group in groups}
        if not all(may_change_membership(self.actor, name) for name in changed):
            raise ValidationError(PRIVILEGED_MEMBERSHIP_MESSAGE)
        return groups


class _GroupNameGuard(forms.ModelForm):
    actor = None

    def clean_name(self):
        name = self.cleaned_data["name"]
        if not may_change_group(self.actor, name):
            raise ValidationError(f"Only a superuser may create a group for a role ({name}).")
        return name


@admin.register(Group)
class CouncilGroupAdmin(GroupAdmin):
    """Roles are groups, found by name: only a superuser changes a group's permissions, or renames or
    deletes a role's group (issue 11 item 11)."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly.append("permissions")
            if obj is not None and not may_change_group(request.user, obj.name):
                readonly.append("name")
        return readonly

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "name" not in form.base_fields:
            return form
        return type(form.__name__, (_GroupNameGuard, form), {"actor": request.user})

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not may_change_group(request.user, obj.name):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(TokenProxy)
class CouncilTokenAdmin(TokenAdmin):
    """API tokens are made by a superuser, or by a person for their own use (issue 11 item 11).

    Staff given the token permissions see and make only their own token.
    """

    def get_queryset(self, request):
        tokens = super().get_queryset(request)
        return tokens if request.user.is_superuser else tokens.filter(user=request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = User.objects.filter(pk=request.user.pk)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def history_view(self, request, object_id, extra_context=None):
        # Refused before looking the token up, as every other page is: the answer does not say
        # whether the person has a token.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def save_model(self, request, obj, form, change):
        if not may_hold_token_for(request.user, obj.user):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


class _PersonServicesForm(forms.ModelForm):
    """A person's services on their own admin page: the ones they manage and the ones they work in."""

    services_managed = forms.ModelMultipleChoiceField(
        queryset=Service.objects.select_related("directorate"),
        required=False,
        label="Services they manage",
        widget=admin.widgets.FilteredSelectMultiple("services", is_stacked=False),
    )
    services_worked_in = forms.ModelMultipleChoiceField(
        queryset=Service.objects.select_related("directorate"),
        required=False,
        label="Services they work in",
        widget=admin.widgets.FilteredSelectMultiple("services", is_stacked=False),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["services_managed"].initial = self.instance.services_managed.all()
            self.fields["services_worked_in"].initial = self.instance.services_worked_in.all()


ROLE_AND_SERVICES = (
    "Role and services",
    {
        "fields": ("groups", "services_managed", "services_worked_in"),
        "description": "Their role is their group. Service officers and managers work on their services' "
        "accounts; a Corporate Director is named on their directorate.",
    },
)


@admin.register(User)
class CouncilUserAdmin(UserAdmin):
    """Switching a person off ends all their access at once (003 D2.3).

    People are switched off, never deleted: the audit trail records who made each change. One page
    sets a person up: their details, role and services (issue 13); the list shows whether their
    e-learning (002 §5.1) and their Director's written permission (002 §2.6) are in place.
    """

    list_display = [
        "username",
        "full_name",
        "role",
        "services",
        "training_in_place",
        "permission_in_place",
        "is_active",
    ]
    list_filter = ["is_active", "groups"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:  # the add page: username and password, then role and services
            return (*fieldsets, ROLE_AND_SERVICES)
        moved = []
        for name, options in fieldsets:
            fields = tuple(f for f in options.get("fields", ()) if f != "groups")
            moved.append((name, {**options, "fields": fields}))
        role_and_services = ROLE_AND_SERVICES
        if not self.has_change_permission(request, obj):
            # Shown, not changed (a privileged person's record seen by an administrator): the services
            # are the other side of the services' own fields, so they are listed by name instead.
            title, options = ROLE_AND_SERVICES
            role_and_services = (
                title,
                {**options, "fields": ("groups", "managed_services", "staffed_services")},
            )
        return (moved[0], role_and_services, *moved[1:])

    @admin.display(description="Services they manage")
    def managed_services(self, obj):
        return ", ".join(sorted(s.name for s in obj.services_managed.all())) or "None"

    @admin.display(description="Services they work in")
    def staffed_services(self, obj):
        return ", ".join(sorted(s.name for s in obj.services_worked_in.all())) or "None"

    def get_queryset(self, request):
        now = timezone.now()
        return (
            super()
            .get_queryset(request)
            .prefetch_related("groups", "services_managed", "services_worked_in")
            .annotate(
                has_training=Exists(
                    TrainingRecord.objects.filter(person=OuterRef("pk")).elearning_in_date(at=now)
                ),
                has_permission=Exists(
                    DirectorPermission.objects.filter(person=OuterRef("pk")).in_force(
                        today=timezone.localdate(now)
                    )
                ),
            )
        )

    @admin.display(description="Name")
    def full_name(self, obj):
        return obj.get_full_name()

    @admin.display(description="Role")
    def role(self, obj):
        return ", ".join(sorted(group.name for group in obj.groups.all())) or "None"

    @admin.display(description="Services")
    def services(self, obj):
        names = sorted(
            {s.name for s in obj.services_managed.all()} | {s.name for s in obj.services_worked_in.all()}
        )
        return ", ".join(names) or "None"

    @admin.display(description="E-learning done", boolean=True)
    def training_in_place(self, obj):
        return getattr(obj, "has_training", None)

    @admin.display(description="Director's permission", boolean=True)
    def permission_in_place(self, obj):
        return getattr(obj, "has_permission", None)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # Only a superuser changes a superuser's or a privileged person's record, password included.
        if obj is not None and not may_change_person(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # Privileges are granted by a superuser only, and nobody changes their own (issue 11 item 11).
        return (*super().get_readonly_fields(request, obj), *locked_person_fields(request.user, obj))

    def get_form(self, request, obj=None, **kwargs):
        base = self.add_form if obj is None else self.form
        kwargs["form"] = type(base.__name__, (_PersonServicesForm, base), {})
        form = super().get_form(request, obj, **kwargs)
        if "groups" not in form.base_fields:
            return form
        return type(form.__name__, (_MembershipGuard, form), {"actor": request.user})

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "services_managed" in form.cleaned_data:
            form.instance.services_managed.set(form.cleaned_data["services_managed"])
        if "services_worked_in" in form.cleaned_data:
            form.instance.services_worked_in.set(form.cleaned_data["services_worked_in"])

    def save_model(self, request, obj, form, change):
        was_active = change and User.objects.filter(pk=obj.pk, is_active=True).exists()
        super().save_model(request, obj, form, change)
        if was_active and not obj.is_active:
            ended = services.person_leaves(person=obj, by=request.user, now=timezone.now())
            self.message_user(request, f"{obj} has been switched off and {ended} access record(s) ended.")
