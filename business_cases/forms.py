"""Forms for business cases, rendered with the GOV.UK template pack."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout, Size
from django import forms
from django.core.exceptions import ValidationError

from accounts_register.models import Service
from accounts_register.platforms import normalise_handle, normalise_url
from accounts_register.services import account_with_handle, duplicate_handle_message
from councilsocial.forms import InputLimitsMixin

from .models import KEY_QUESTIONS, SECTIONS, BusinessCase

PROPOSAL_SECTION = "proposal"
SECTION_TITLES = {PROPOSAL_SECTION: "The proposed account", **SECTIONS}
PROPOSAL_FIELDS = ["service", "title", "platform", "handle", "kind"]


def fields_of(section: str) -> list[str]:
    if section == PROPOSAL_SECTION:
        return PROPOSAL_FIELDS
    return [name for name, s, *_ in KEY_QUESTIONS if s == section]


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.label_size = Size.SMALL
    helper.layout = Layout(*layout)
    return helper


class SectionForm(InputLimitsMixin, forms.ModelForm):
    """One section of the case: saved part-done, checked as a whole only on submission."""

    class Meta:
        model = BusinessCase
        fields = PROPOSAL_FIELDS  # replaced per section in ``for_section``

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "service" in self.fields:
            self.fields["service"].queryset = Service.objects.for_member(user).order_by("name")
            self.fields["service"].empty_label = None
            self.fields["service"].error_messages["required"] = "Choose the service the account is for"
            self.fields["title"].error_messages["required"] = "Enter a name for the proposed account"
            self.fields["platform"].error_messages["required"] = "Choose a platform"
            self.fields["handle"].error_messages["required"] = "Enter the proposed handle"
            self.fields["kind"].error_messages["required"] = "Choose the kind of account"
        layout = []
        for name in self._meta.fields:
            field = self.fields[name]
            if isinstance(field.widget, forms.Textarea):
                field.required = False
                layout.append(Field.textarea(name, rows=5))
            elif isinstance(field, forms.ChoiceField) and name in ("service", "platform", "kind"):
                layout.append(Field.select(name))
            else:
                layout.append(Field.text(name, field_width=20))
        layout.append(Button("save", "Save and return to the case"))
        self.helper = _helper(*layout)

    @classmethod
    def for_section(cls, section: str) -> type[SectionForm]:
        meta = type("Meta", (), {"model": BusinessCase, "fields": fields_of(section)})
        return type(f"{section.title()}SectionForm", (cls,), {"Meta": meta})

    def clean(self):
        cleaned = super().clean()
        if "handle" in self.fields and cleaned.get("platform") and cleaned.get("handle") is not None:
            try:
                cleaned["handle"] = normalise_handle(cleaned["platform"], cleaned["handle"])
            except ValidationError as error:
                self.add_error("handle", error)
            else:
                # An account already on the register needs no case: it could never go live (000 §6).
                existing = account_with_handle(cleaned["platform"], cleaned["handle"])
                if existing is not None:
                    self.add_error("handle", duplicate_handle_message(existing))
        return cleaned


class DecisionForm(InputLimitsMixin, forms.Form):
    """A comment, and the state the person saw, so a case that moved on is not decided twice."""

    comment = forms.CharField(label="Comment", widget=forms.Textarea, required=False)
    expected_status = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, action_label="Confirm", comment_required=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.comment_required = comment_required
        if comment_required:
            self.fields["comment"].required = True
            self.fields["comment"].error_messages["required"] = comment_required
        else:
            self.fields["comment"].label = "Comment (optional)"
        self.helper = _helper(
            Field.textarea("comment", rows=4), "expected_status", Button("confirm", action_label)
        )


class GoLiveForm(DecisionForm):
    """000 §6f, §11: the account's address, its generic mailbox, and joint admin access."""

    url = forms.URLField(
        label="Web address of the account", max_length=500, required=False, assume_scheme="https"
    )
    admin_mailbox = forms.EmailField(
        label="Administering mailbox",
        required=False,
        help_text="The generic council mailbox the account is registered to, never a person's (000 §11).",
    )
    comms_has_admin_access = forms.BooleanField(
        label="Communications holds admin access to the account",
        help_text="Joint administration with Communications and Marketing (000 §6f; 004 Do 1).",
        required=False,
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["admin_mailbox"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like socialmedia@example.gov.uk"
        )
        self.helper = _helper(
            Field.text("url", field_width=Fluid.FULL),
            Field.text("admin_mailbox", field_width=30),
            Field.checkbox("comms_has_admin_access"),
            Field.textarea("comment", rows=3),
            "expected_status",
            Button("confirm", "Set the account live"),
        )

    def clean_url(self):
        url = self.cleaned_data["url"]
        if url and self.case is not None:
            try:
                return normalise_url(self.case.platform, url, handle=self.case.handle)
            except ValidationError as error:
                raise ValidationError(error.messages) from error
        return url


class LinkDecisionForm(InputLimitsMixin, forms.Form):
    """The Director's decision from the emailed link."""

    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            ("approve", "Approve the case"),
            ("return_for_changes", "Return it to the service for changes"),
            ("reject", "Reject it"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose approve, return or reject"},
    )
    comment = forms.CharField(
        label="Comment",
        widget=forms.Textarea,
        required=False,
        help_text="Required if you return or reject the case.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field.textarea("comment", rows=4),
            Button("confirm", "Confirm my decision"),
        )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("decision") in ("return_for_changes", "reject")
            and not (cleaned.get("comment") or "").strip()
        ):
            self.add_error("comment", "Enter a comment saying why you are returning or rejecting the case")
        return cleaned
