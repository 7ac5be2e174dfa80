"""Forms for the inbox: a response without a reply, and an enquiry entered by hand."""

from __future__ import annotations

import re
from datetime import datetime, time

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone

from councilsocial.calendar.rules import LONDON
from councilsocial.forms import GovukDateField, InputLimitsMixin

from .connectors.registry import APP_PASSWORD_PLATFORMS
from .models import PEOPLE_REASONS, Channel, Connection


class ResponseTextForm(InputLimitsMixin, forms.Form):
    """What was said in a holding reply or a full answer, kept with who recorded it and when
    (000 Appendix 2: the duty officer's record). Optional: the platform keeps the reply itself."""

    text = forms.CharField(
        label="What did you say? (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        help_text="Paste or summarise your reply, so whoever picks this up later can see it.",
        error_messages={"max_length": "Keep what you said to 5,000 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.textarea("text", rows=3))


class NoResponseForm(forms.Form):
    """004 Don't 5–6: close an enquiry without replying, saying why."""

    reason = forms.ChoiceField(
        label="Why is no response needed?",
        choices=PEOPLE_REASONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why no response is needed"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.MEDIUM
        self.helper.layout = Layout(Field.radios("reason", legend_size=Size.MEDIUM, small=True))


class EnquiryForm(InputLimitsMixin, forms.Form):
    """An enquiry recorded by hand by the service (issue 6 item 4c)."""

    account = forms.ModelChoiceField(
        queryset=None, label="Account", error_messages={"required": "Select the account it arrived on"}
    )
    received_on = GovukDateField(label="Date received", required=True)
    received_time = forms.CharField(
        label="Time received",
        help_text="UK time, 24-hour clock, for example 14:30",
        max_length=5,
        error_messages={"required": "Enter the time it was received"},
    )
    channel = forms.ChoiceField(
        label="How did it arrive?",
        choices=Channel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the enquiry arrived"},
    )
    author = forms.CharField(label="From", max_length=200, required=False, help_text="Their name or handle")
    text = forms.CharField(label="What they asked", widget=forms.Textarea, required=False, max_length=20000)
    platform_id = forms.CharField(
        label="The platform's id or link (optional)",
        max_length=200,
        required=False,
        help_text="Recording the same id again does not make a second enquiry.",
    )

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts.select_related("service").order_by("display_name")
        self.fields["received_on"].error_messages["required"] = "Enter the date it was received"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("account"),
            Field("received_on"),
            Field.text("received_time", field_width=5),
            Field.radios("channel", legend_size=Size.SMALL, inline=True),
            Field.text("author", field_width=20),
            Field.textarea("text", rows=4),
            Field.text("platform_id", field_width=30),
            Button("submit", "Record the enquiry"),
        )

    def clean_received_time(self) -> time:
        raw = self.cleaned_data["received_time"].strip()
        try:
            return datetime.strptime(raw, "%H:%M").time()  # noqa: DTZ007 - a clock time, zone added below
        except ValueError:
            raise forms.ValidationError("Enter the time as hours and minutes, for example 14:30") from None

    def clean(self):
        cleaned = super().clean()
        day, clock = cleaned.get("received_on"), cleaned.get("received_time")
        if day and clock:
            received = datetime.combine(day, clock, tzinfo=LONDON)
            if received > timezone.now():
                self.add_error("received_on", "The date and time received must be in the past")
            cleaned["received_at"] = received
        return cleaned


class ActivityUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What does the file hold?",
        choices=[("enquiries", "Enquiries"), ("posts", "Posts")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the file holds enquiries or posts"},
    )
    file = forms.FileField(
        label="Upload a CSV file",
        error_messages={"required": "Select a CSV file", "empty": "The file is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.MEDIUM, inline=True),
            Field("file"),
            Button("submit", "Upload and check"),
        )


# --- Acting on flags (issue 13 item 2) -------------------------------------------------------------
def _person_label(person) -> str:
    return person.get_full_name() or person.username


class FlagAssignForm(InputLimitsMixin, forms.Form):
    """Communications asks a person to clear a flag, with a note for the flag's history."""

    assigned_to = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Who should clear it?",
        help_text="Leave empty to take the flag back from whoever has it.",
        empty_label="Nobody",
    )
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = people
        self.fields["assigned_to"].label_from_instance = _person_label


class FlagNoteForm(InputLimitsMixin, forms.Form):
    """A note in a flag's history: what was done, or who was asked."""

    note = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the note"},
    )


# --- Connected accounts (issue 14 item 4) ----------------------------------------------------------
WRONG_FORMAT_MESSAGE = (
    "That is not an app password: it looks like abcd-efgh-ijkl-mnop, in lowercase letters and numbers. "
    "Never enter the account's own password."
)


#: GOV.UK Frontend's button, which ignores a second click within a second: a double click on "Send
#: the reply" would otherwise post the reply on the platform twice.
ONE_SUBMISSION = {"data_prevent_double_click": "true"}

#: What the register keeps of a handle (``Connection.handle``).
HANDLE_MAX_LENGTH = Connection._meta.get_field("handle").max_length


class AppPasswordForm(InputLimitsMixin, forms.Form):
    """Connect a Bluesky account with its handle and an app password, never its own password."""

    handle = forms.CharField(
        label="Handle",
        max_length=253,
        help_text="For example cannockchasedc.bsky.social",
        error_messages={"required": "Enter the account's handle"},
    )
    app_password = forms.CharField(
        label="App password",
        max_length=19,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=(
            "Create one in the account's settings, under Privacy and security, App passwords. It looks "
            "like abcd-efgh-ijkl-mnop. Never enter the account's own password: the app must not hold it."
        ),
        error_messages={
            "required": "Enter an app password",
            "max_length": WRONG_FORMAT_MESSAGE,
        },
    )

    def __init__(self, *args, platform: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = APP_PASSWORD_PLATFORMS[platform]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("handle", field_width=30),
            Field.text("app_password", field_width=20),
            Button("submit", "Connect the account", **ONE_SUBMISSION),
        )

    def clean_handle(self) -> str:
        handle = self.cleaned_data["handle"].strip().lstrip("@")
        # Checked before lower(): it turns some look-alikes (the Kelvin sign) into ASCII letters.
        if not handle.isascii() or not re.fullmatch(
            r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+",
            handle,
            re.IGNORECASE,
        ):
            raise forms.ValidationError("Enter a handle like cannockchasedc.bsky.social")
        if len(handle) > HANDLE_MAX_LENGTH:
            raise forms.ValidationError(f"A handle must be {HANDLE_MAX_LENGTH} characters or fewer")
        return handle.lower()

    def clean_app_password(self) -> str:
        value = self.cleaned_data["app_password"]
        if not self.rule.is_app_password(value):
            raise forms.ValidationError(WRONG_FORMAT_MESSAGE)
        return value


class PlatformReplyForm(InputLimitsMixin, forms.Form):
    """A reply sent on the platform from the app; it is recorded as the full answer."""

    text = forms.CharField(
        label="Your reply",
        widget=forms.Textarea,
        max_length=5000,
        help_text="It is posted on the platform in the enquiry's thread, in the account's name.",
        error_messages={
            "required": "Enter your reply",
            "max_length": "Your reply must be 5,000 characters or fewer",
        },
    )

    def __init__(self, *args, platform_name: str = "", limit: int | None = None, **kwargs):
        """``limit``: the longest reply the platform (``platform_name``) publishes, said in the hint
        and checked before anything is sent."""
        super().__init__(*args, **kwargs)
        if limit is not None:
            text = self.fields["text"]
            text.validators.append(MaxLengthValidator(limit))
            text.help_text = f"{text.help_text} {platform_name} replies can be at most {limit:,} characters."
            text.error_messages["max_length"] = (
                f"Your reply must be {limit:,} characters or fewer to be posted on {platform_name}"
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.textarea("text", rows=4), Button("submit", "Send the reply", **ONE_SUBMISSION)
        )
