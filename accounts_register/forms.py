"""Forms for the register, rendered with the GOV.UK template pack."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from councilsocial.forms import GovukDateField, InputLimitsMixin
from councilsocial.permissions import CORPORATE_DIRECTORS, is_communications

from . import platforms
from .models import AccessEndReason, AccessRole, AuthorisedUser, Service, SocialMediaAccount
from .services import STATUS_TRANSITIONS, account_with_handle, duplicate_handle_message
from .validators import refuse_pasted_password, validate_shared_mailbox

FREE_TEXT_FIELDS = [
    "display_name",
    "purpose",
    "exit_plan",
    "vault_reference",
    "recovery_contact",
    "internal_notes",
]


def date_field(label: str, help_text: str = "", *, required: bool = False) -> GovukDateField:
    return GovukDateField(label=label, required=required, help_text=help_text)


class GovukFormMixin(InputLimitsMixin):
    """A FormHelper that leaves the <form> tag and the error summary to the template; the site's
    limits on free text and dates (issue 11 item 25)."""

    def make_helper(self, *layout) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.layout = Layout(*layout)
        return helper


class AccountForm(GovukFormMixin, forms.ModelForm):
    """Add or change an account on the register (Communications), or propose one (a service)."""

    launch_date = date_field("Launch date")
    planned_end_date = date_field("Planned end date", "For a campaign or time-limited account (000 §8c).")
    review_date = date_field("Next review date", "When the owner next confirms the account is still needed.")
    password_changed_on = date_field("Password last changed", "Change passwords regularly (004 Do 3).")
    url = forms.URLField(
        label="Web address",
        max_length=500,
        assume_scheme="https",
        error_messages={
            "required": "Enter the account's web address",
            "invalid": "Enter a web address starting with https://",
        },
    )

    class Meta:
        model = SocialMediaAccount
        fields = [
            "platform",
            "handle",
            "url",
            "display_name",
            "service",
            "kind",
            "purpose",
            "launch_date",
            "planned_end_date",
            "exit_plan",
            "review_date",
            "admin_mailbox",
            "admin_mailbox_is_shared",
            "comms_has_admin_access",
            "vault_reference",
            "mfa_enabled",
            "recovery_contact",
            "password_changed_on",
            "internal_notes",
        ]
        error_messages = {
            "platform": {"required": "Choose the platform"},
            "handle": {"required": "Enter the account's handle"},
            "display_name": {"required": "Enter the name the account shows"},
            "service": {"required": "Choose the service that runs the account"},
        }

    def __init__(self, *args, services=None, proposing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposing = proposing
        if services is not None:
            self.fields["service"].queryset = services
        self.fields["service"].empty_label = "Choose a service"
        self.fields["platform"].choices = [("", "Choose a platform"), *platforms.Platform.choices]
        if proposing:
            for name in [
                "comms_has_admin_access",
                "internal_notes",
                "vault_reference",
                "mfa_enabled",
                "recovery_contact",
                "password_changed_on",
            ]:
                del self.fields[name]
        credentials = [
            f
            for f in ["vault_reference", "mfa_enabled", "recovery_contact", "password_changed_on"]
            if f in self.fields
        ]
        self.helper = self.make_helper(
            Fieldset(
                Field.select("platform"),
                Field.text("handle", field_width=20),
                Field.text("url"),
                Field.text("display_name"),
                Field.select("service"),
                Field.radios("kind", inline=True),
                Field.textarea("purpose", rows=3),
                legend="The account",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field("launch_date"),
                Field("planned_end_date"),
                Field.textarea("exit_plan", rows=3),
                Field("review_date"),
                legend="Lifetime",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("admin_mailbox"),
                Field.checkbox("admin_mailbox_is_shared"),
                *(
                    [Field.checkbox("comms_has_admin_access")]
                    if "comms_has_admin_access" in self.fields
                    else []
                ),
                legend="Administration",
                legend_size=Size.MEDIUM,
            ),
            *(
                [
                    Fieldset(
                        *[Field.checkbox(f) if f == "mfa_enabled" else Field(f) for f in credentials],
                        legend="Where the credentials are kept (never the password)",
                        legend_size=Size.MEDIUM,
                    )
                ]
                if credentials
                else []
            ),
            *([Field.textarea("internal_notes", rows=3)] if "internal_notes" in self.fields else []),
            Button("submit", "Propose the account" if proposing else "Save the account"),
        )

    def clean(self):
        return clean_account(self, super().clean())


def clean_account(form: forms.ModelForm, cleaned: dict) -> dict:
    """The register's rules for an account's fields, shared by the register form and the admin.

    The guard against pasted passwords (004 Do 3) reads what people type in the free-text fields;
    it never looks at field names, so our own "password last changed" date is not mistaken for one.
    """
    for name in FREE_TEXT_FIELDS:
        if name in form.fields and cleaned.get(name):
            try:
                refuse_pasted_password(cleaned[name])
            except ValidationError as exc:
                form.add_error(name, exc)
    platform = cleaned.get("platform")
    if platform:
        if cleaned.get("handle"):
            try:
                cleaned["handle"] = platforms.normalise_handle(platform, cleaned["handle"])
            except ValidationError as exc:
                form.add_error("handle", exc)
        if cleaned.get("url"):
            try:
                cleaned["url"] = platforms.normalise_url(
                    platform, cleaned["url"], handle=cleaned.get("handle")
                )
            except ValidationError as exc:
                form.add_error("url", exc)
    handle = cleaned.get("handle")
    if platform and handle and "handle" not in form.errors:
        existing = account_with_handle(platform, handle, exclude_pk=form.instance.pk)
        if existing is not None:
            form.add_error("handle", duplicate_handle_message(existing))
    mailbox = cleaned.get("admin_mailbox")
    if mailbox:
        try:
            validate_shared_mailbox(mailbox)
        except ValidationError as exc:
            form.add_error("admin_mailbox", exc)
        if not cleaned.get("admin_mailbox_is_shared"):
            form.add_error(
                "admin_mailbox_is_shared",
                "Confirm the mailbox is a shared mailbox: "
                "accounts must not be registered to a person (000 §11)",
            )
    launch, end = cleaned.get("launch_date"), cleaned.get("planned_end_date")
    if launch and end and end < launch:
        form.add_error("planned_end_date", "The planned end date must be after the launch date")
    return cleaned


class AccountAdminForm(InputLimitsMixin, forms.ModelForm):
    """The admin's account form: the same rules as the register's."""

    url = forms.URLField(label="Web address", max_length=500, assume_scheme="https")

    class Meta:
        model = SocialMediaAccount
        fields = [*AccountForm.Meta.fields, "followers", "followers_recorded_on"]

    def clean(self):
        return clean_account(self, super().clean())


class StatusChangeForm(GovukFormMixin, forms.Form):
    transition = forms.ChoiceField(
        label="Change the status to",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a status change"},
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="This is recorded in the account's history.",
        error_messages={"required": "Enter the reason for the change"},
    )

    def __init__(self, *args, available: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["transition"].choices = [(name, STATUS_TRANSITIONS[name]) for name in available]
        self.helper = self.make_helper(
            Field.radios("transition", legend_size=Size.SMALL),
            Field.textarea("reason"),
            Button("submit", "Change the status"),
        )

    def clean_reason(self):
        reason = self.cleaned_data["reason"]
        refuse_pasted_password(reason)
        return reason


class GrantAccessForm(GovukFormMixin, forms.Form):
    person = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        label="Person",
        empty_label="Choose a person",
        error_messages={"required": "Choose the person", "invalid_choice": "Choose a person from the list"},
    )
    role = forms.ChoiceField(
        choices=AccessRole.choices, widget=forms.RadioSelect, error_messages={"required": "Choose the role"}
    )
    review_date = date_field("Review date")
    expires_on = date_field("Last day of access", "Required for temporary access (003 D2.9).")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name", "username")
        )
        self.fields["person"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username} ({u.username})"
        )
        self.helper = self.make_helper(
            Field.select("person"),
            Field.radios("role", inline=True),
            Field("review_date"),
            Field("expires_on"),
            Button("submit", "Give access"),
        )


class EndAccessForm(GovukFormMixin, forms.Form):
    reason = forms.ChoiceField(
        choices=[
            (AccessEndReason.REVOKED, "Access is no longer needed or allowed"),
            (AccessEndReason.LEFT, "The person has left the council"),
        ],
        widget=forms.RadioSelect,
        label="Why is access ending?",
        error_messages={"required": "Choose why access is ending"},
    )
    note = forms.CharField(label="Note", required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self.make_helper(
            Field.radios("reason", legend_size=Size.SMALL), Field.text("note"), Button("submit", "End access")
        )

    def clean_note(self):
        note = self.cleaned_data["note"]
        refuse_pasted_password(note)
        return note


SUSPENSION_REASON_MAX_LENGTH = AuthorisedUser._meta.get_field("suspension_reason").max_length


class SuspendAccessForm(GovukFormMixin, forms.Form):
    """Why one person's access is suspended (003 D2.3): kept with the record and shown beside it."""

    reason = forms.CharField(
        label="Why is access being suspended?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=SUSPENSION_REASON_MAX_LENGTH,
        help_text="This is shown beside the person's access and kept in its history.",
        error_messages={
            "required": "Enter why the access is being suspended",
            "max_length": f"The reason must be {SUSPENSION_REASON_MAX_LENGTH} characters or fewer",
            "null_characters_not_allowed": "The reason must only contain characters you can type",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self.make_helper(Field.textarea("reason"), Button("submit", "Suspend access"))

    def clean_reason(self):
        reason = self.cleaned_data["reason"]
        refuse_pasted_password(reason)
        return reason


class RestoreAccessForm(GovukFormMixin, forms.Form):
    """The confirmation that a suspended person's access is to be restored (003 D2.3)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self.make_helper(Button("submit", "Restore access"))


class DirectorPermissionForm(GovukFormMixin, forms.Form):
    person = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        empty_label="Choose a person",
        error_messages={"required": "Choose the person"},
    )
    platforms = forms.MultipleChoiceField(
        choices=platforms.Platform.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Platforms the Director allows",
        error_messages={"required": "Choose at least one platform"},
    )
    granted_on = date_field("Date of the Director's permission", required=True)
    document_reference = forms.CharField(
        label="Where the signed permission is kept",
        max_length=200,
        error_messages={"required": "Enter where the signed permission is kept"},
    )

    director = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        label="The Director who gave the permission",
        empty_label="Choose a Director",
        error_messages={
            "required": "Choose the Director who gave the permission",
            "invalid_choice": "Choose a Corporate Director from the list",
        },
    )

    def __init__(self, *args, choose_director: bool = True, **kwargs):
        """``choose_director``: Communications name the Director; a Director records their own."""
        super().__init__(*args, **kwargs)
        people = get_user_model().objects.filter(is_active=True)
        self.fields["person"].queryset = people.order_by("username")
        self.fields["person"].label_from_instance = person_label
        if choose_director:
            self.fields["director"].queryset = corporate_directors()
            self.fields["director"].label_from_instance = person_label
        else:
            del self.fields["director"]
        self.helper = self.make_helper(
            Field.select("person"),
            *([Field.select("director")] if choose_director else []),
            Field.checkboxes("platforms", small=True),
            Field("granted_on"),
            Field.text("document_reference"),
            Button("submit", "Record the permission"),
        )


def person_label(user) -> str:
    return f"{user.get_full_name() or user.username} ({user.username})"


def corporate_directors():
    """The people who may approve as a Corporate Director: active members of the Directors' group."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=CORPORATE_DIRECTORS)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class ExistingApprovalForm(GovukFormMixin, forms.Form):
    """Communications record the Corporate Director's approval of an account that existed before the app."""

    director = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        label="The Corporate Director who approved the account",
        empty_label="Choose a Director",
        error_messages={
            "required": "Choose the Corporate Director who approved the account",
            "invalid_choice": "Choose a Corporate Director from the list",
        },
    )
    approved_on = date_field("Date of the Director's approval", required=True)
    reference = forms.CharField(
        label="Where the approval is recorded",
        max_length=200,
        help_text="Such as a document, a meeting's minutes or an email, so that anyone can check it.",
        error_messages={"required": "Enter where the Director's approval is recorded"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["director"].queryset = corporate_directors()
        self.fields["director"].label_from_instance = person_label
        self.helper = self.make_helper(
            Field.select("director"),
            Field("approved_on"),
            Field.text("reference"),
            Button("submit", "Record the approval"),
        )

    def clean_reference(self):
        reference = self.cleaned_data["reference"]
        refuse_pasted_password(reference)
        return reference


class AcceptStatementForm(GovukFormMixin, forms.Form):
    accept = forms.BooleanField(
        label="I have read the statement and will use the account in line with it",
        error_messages={"required": "Confirm you have read and accept the statement"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self.make_helper(Field.checkbox("accept"), Button("submit", "Accept the statement"))


def services_for_proposal(user):
    """A service proposes accounts for its own services; Communications for any."""
    return Service.objects.all() if is_communications(user) else Service.objects.for_member(user)
