"""Forms for operations, rendered with the GOV.UK template pack."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts_register.models import Service, SocialMediaAccount
from accounts_register.platforms import Platform
from accounts_register.validators import refuse_pasted_password
from councilsocial.forms import GovukDateField, InputLimitsMixin
from councilsocial.permissions import COMMUNICATIONS

from .models import DecidedBy, IncidentKind, Severity
from .services import photo_consent_find


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*layout)
    return helper


def _date(label: str, *, required: bool = True, help_text: str = "") -> GovukDateField:
    return GovukDateField(label=label, required=required, help_text=help_text)


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


def communications_officers():
    group = Group.objects.filter(name=COMMUNICATIONS).first()
    User = get_user_model()
    if group is None:
        return User.objects.none()
    return User.objects.filter(groups=group, is_active=True).order_by("first_name", "last_name", "username")


class EmergencyDeclareForm(InputLimitsMixin, forms.Form):
    title = forms.CharField(
        label="What is the emergency?",
        max_length=200,
        error_messages={"required": "Enter what the emergency is"},
    )
    reason = forms.CharField(
        label="Why are emergency procedures being invoked?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why emergency procedures are being invoked"},
    )
    named_officers = PersonChoiceField(
        label="Which Communications officers may still post?",
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Everyone else's access to every account is suspended until the emergency is lifted "
            "(003 D9.1–9.2)."
        ),
        error_messages={"required": "Choose at least one Communications officer who may still post"},
    )
    holding_message = forms.CharField(
        label="Holding message for account owners to post",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Owners are emailed this and asked to post it once (003 D9.3).",
        error_messages={"required": "Enter the holding message"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["named_officers"].queryset = communications_officers()
        self.helper = _helper(
            Field.text("title"),
            Field.textarea("reason", rows=3),
            Field.checkboxes("named_officers", legend_size=Size.SMALL),
            Field.textarea("holding_message", rows=4),
            Button("submit", "Declare the emergency", css_class="govuk-button--warning"),
        )


class EmergencyLiftForm(InputLimitsMixin, forms.Form):
    all_clear_message = forms.CharField(
        label="The all-clear message",
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="Emergency procedures are no longer in force. Social media use can return to normal.",
        error_messages={"required": "Enter the all-clear message"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("all_clear_message", rows=3), Button("submit", "Lift the emergency")
        )


class PurdahForm(InputLimitsMixin, forms.Form):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter a name for the period"}
    )
    elections = forms.CharField(
        label="Which elections?", max_length=300, error_messages={"required": "Enter which elections"}
    )
    starts_on = _date("Start date")
    ends_on = _date("End date")
    instructions = forms.CharField(
        label="Purdah instructions",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text="What everyone must do during the period. They are emailed to everyone with access to an "
        "account when the period starts (003 D10).",
        error_messages={
            "required": "Enter the purdah instructions",
            "max_length": "The instructions must be 20,000 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("name"),
            Field.text("elections"),
            Field("starts_on"),
            Field("ends_on"),
            Field.textarea("instructions"),
            Button("submit", "Add the period"),
        )

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The end date must be the same as or after the start date")
        return data


class WordListsForm(InputLimitsMixin, forms.Form):
    councillors = forms.CharField(
        label="Councillors' names",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One name a line. During purdah the checker warns when a post names one (003 D10).",
    )
    political = forms.CharField(
        label="More party-political terms",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One a line, added to the built-in list of parties and campaign words.",
    )
    jargon = forms.CharField(
        label="Jargon",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One a line, with a plain alternative after an equals sign: going forward = from now on.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("councillors"),
            Field.textarea("political"),
            Field.textarea("jargon"),
            Button("submit", "Save the lists"),
        )


class ContentCheckForm(InputLimitsMixin, forms.Form):
    text = forms.CharField(
        label="Your draft post",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        error_messages={
            "required": "Enter the draft post",
            "max_length": "The draft must be 10,000 characters or fewer",
        },
    )
    account = forms.ModelChoiceField(
        label="Account",
        queryset=SocialMediaAccount.objects.none(),
        required=False,
        empty_label="Choose an account",
    )
    platform = forms.ChoiceField(
        label="Or the platform", choices=[("", "Choose a platform"), *Platform.choices], required=False
    )
    announcement_for_x = forms.BooleanField(
        label="This is an announcement we want people to share on X", required=False
    )
    shows_children = forms.BooleanField(label="The picture shows children", required=False)
    consent_reference = forms.CharField(
        label="Signed parental consent form reference",
        required=False,
        max_length=100,
        help_text="Needed if the picture shows children (004 Don't 9).",
    )
    media = forms.ChoiceField(
        label="Does the post have an image or a video?",
        choices=[("", "No, text only"), ("image", "An image"), ("video", "A video")],
        widget=forms.RadioSelect,
        required=False,
    )
    alt_text = forms.CharField(
        label="Alt text for the image",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Describe the image for people who cannot see it.",
        error_messages={"max_length": "The alt text must be 1,000 characters or fewer"},
    )
    has_captions = forms.BooleanField(label="The video has captions", required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = SocialMediaAccount.objects.visible_to(user).order_by(
            "platform", "handle"
        )
        self.helper = _helper(
            Field.textarea("text"),
            Field.select("account"),
            Field.select("platform"),
            Field.checkbox("announcement_for_x"),
            Field.checkbox("shows_children"),
            Field.text("consent_reference", field_width=20),
            Field.radios("media", legend_size=Size.SMALL),
            Field.textarea("alt_text"),
            Field.checkbox("has_captions"),
            Button("submit", "Check the post"),
        )


class DecidedCampaignForm(InputLimitsMixin, forms.Form):
    name = forms.CharField(
        label="Name of the campaign or petition",
        max_length=200,
        help_text="As posts name it, for example Save Cannock Chase Hospital.",
        error_messages={"required": "Enter the name of the campaign or petition"},
    )
    decided_by = forms.ChoiceField(
        label="Who decided the council supports it?",
        choices=DecidedBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether Cabinet or Full Council decided"},
    )
    decided_on = _date("Date of the decision")
    minute_reference = forms.CharField(
        label="Minute or report reference", required=False, max_length=100, help_text="For example C/2026/41."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("name"),
            Field.radios("decided_by", legend_size=Size.SMALL, inline=True),
            Field("decided_on"),
            Field.text("minute_reference", field_width=20),
            Button("submit", "Add the campaign"),
        )


class IncidentForm(InputLimitsMixin, forms.Form):
    kind = forms.ChoiceField(
        label="What happened?",
        choices=IncidentKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of incident it is"},
    )
    account = forms.ModelChoiceField(
        label="Account",
        queryset=SocialMediaAccount.objects.none(),
        empty_label="Choose an account",
        error_messages={"required": "Choose the account"},
    )
    severity = forms.ChoiceField(
        label="How serious is it?",
        choices=Severity.choices,
        widget=forms.RadioSelect,
        help_text="High severity also tells the service's Corporate Director at once.",
        error_messages={"required": "Choose how serious it is"},
    )
    what_happened = forms.CharField(
        label="Tell us what happened",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what happened"},
    )
    photo_consent_reference = forms.CharField(
        label="Photo consent reference (if pictures of children are involved)",
        required=False,
        max_length=100,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["account"].queryset = SocialMediaAccount.objects.visible_to(user).order_by(
            "platform", "handle"
        )
        self.helper = _helper(
            Field.radios("kind", legend_size=Size.SMALL),
            Field.select("account"),
            Field.radios("severity", legend_size=Size.SMALL, inline=True),
            Field.textarea("what_happened"),
            Field.text("photo_consent_reference", field_width=20),
            Button("submit", "Report the incident"),
        )

    def clean_photo_consent_reference(self):
        """The account's service's consent form (or, before an account is chosen, one of the person's
        services'). Another service's reference gets the same answer as one that does not exist."""
        reference = self.cleaned_data["photo_consent_reference"].strip()
        if not reference:
            return None
        account = self.cleaned_data.get("account")
        consent = photo_consent_find(
            reference=reference, user=self.user, service=account.service if account else None
        )
        if consent is None:
            where = f" for {account.service}" if account else ""
            raise forms.ValidationError(f"There is no consent form with the reference {reference}{where}")
        return consent


class IncidentStepForm(InputLimitsMixin, forms.Form):
    note = forms.CharField(label="Note (optional)", required=False, max_length=500)
    password_changed_on = forms.DateField(
        label="Date the password was changed",
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": "Enter the date the password was changed, like 14/03/2026"},
    )
    mfa_enabled = forms.TypedChoiceField(
        label="Is multi-factor authentication on?",
        required=False,
        coerce=lambda v: v == "yes",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        empty_value=None,
    )
    recovery_contact = forms.CharField(
        label="Who holds the recovery details?", required=False, max_length=200
    )

    def clean_note(self):
        note = self.cleaned_data["note"]
        refuse_pasted_password(note)  # a checklist note never keeps a password (004 Do 3)
        return note

    def clean_recovery_contact(self):
        contact = self.cleaned_data["recovery_contact"]
        refuse_pasted_password(contact)
        return contact

    def clean_password_changed_on(self):
        changed_on = self.cleaned_data["password_changed_on"]
        if changed_on and changed_on > timezone.localdate():
            raise forms.ValidationError("The date the password was changed must be today or in the past")
        return changed_on


class IncidentCloseForm(InputLimitsMixin, forms.Form):
    outcome = forms.CharField(
        label="Outcome",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the outcome"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("outcome"), Button("submit", "Close the incident"))


class MonitoringTermForm(InputLimitsMixin, forms.Form):
    term = forms.CharField(
        label="Term to monitor", max_length=200, error_messages={"required": "Enter the term"}
    )
    service = forms.ModelChoiceField(
        label="For which service?",
        queryset=Service.objects.none(),
        empty_label="Choose a service",
        error_messages={"required": "Choose the service"},
    )
    reason = forms.CharField(
        label="Why should it be monitored?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why it should be monitored"},
    )

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.helper = _helper(
            Field.text("term"),
            Field.select("service"),
            Field.textarea("reason", rows=3),
            Button("submit", "Ask Communications"),
        )


class MonitoringTermDecisionForm(InputLimitsMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("decline", "Decline")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose approve or decline"},
    )
    comment = forms.CharField(
        label="Comment", max_length=2000, error_messages={"required": "Enter a comment"}
    )


class PolicyPublishForm(InputLimitsMixin, forms.Form):
    version = forms.CharField(
        label="Version", max_length=20, error_messages={"required": "Enter the version"}
    )
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter the title"})
    summary = forms.CharField(
        label="What changed",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what changed"},
    )
    document_reference = forms.CharField(
        label="Where the policy is published", required=False, max_length=300
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("version", field_width=10),
            Field.text("title"),
            Field.textarea("summary"),
            Field.text("document_reference"),
            Button("submit", "Publish the version"),
        )


class TrainingImportForm(forms.Form):
    file = forms.FileField(
        label="Export from the e-learning system (CSV)",
        help_text="Columns: person (username or work email), module, completed_at, expires_at.",
        error_messages={"required": "Choose a CSV file"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("file"), Button("submit", "Preview the import"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError("The file must be smaller than 2 MB")
        return upload


class TrainingRecordForm(InputLimitsMixin, forms.Form):
    person = forms.ModelChoiceField(
        label="Person",
        queryset=get_user_model().objects.none(),
        empty_label="Choose a person",
        error_messages={"required": "Choose the person"},
    )
    module = forms.CharField(label="Module", max_length=200, error_messages={"required": "Enter the module"})
    completed_on = _date("Completion date")
    expires_on = _date("Expiry date", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = get_user_model().objects.filter(is_active=True).order_by("username")
        self.helper = _helper(
            Field.select("person"),
            Field.text("module"),
            Field("completed_on"),
            Field("expires_on"),
            Button("submit", "Add the record"),
        )


class PhotoConsentForm(InputLimitsMixin, forms.Form):
    reference = forms.CharField(
        label="Consent form reference",
        max_length=100,
        help_text="Never a child's name.",
        error_messages={"required": "Enter the consent form reference"},
    )
    covers = forms.CharField(
        label="What it covers",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The event, the photographs, and where they may appear.",
        error_messages={"required": "Enter what the consent covers"},
    )
    service = forms.ModelChoiceField(
        label="Service",
        queryset=Service.objects.none(),
        empty_label="Choose a service",
        error_messages={"required": "Choose the service"},
    )
    signed_on = _date("Date signed")
    expires_on = _date("Expiry date", required=False)

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.helper = _helper(
            Field.text("reference", field_width=20),
            Field.textarea("covers"),
            Field.select("service"),
            Field("signed_on"),
            Field("expires_on"),
            Button("submit", "Record the consent"),
        )
