"""Forms for risk items and decisions, in the GOV.UK style (crispy-forms-gds)."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms

from councilsocial.forms import InputLimitsMixin

from . import scoring
from .categories import RiskCategory
from .models import RiskItem


def _level_choices(levels, empty: str):
    return [("", empty), *((str(level.value), level.choice_label) for level in levels.values())]


def _level_field(label: str, levels, help_text: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=_level_choices(levels, "Not scored yet"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=help_text,
    )


class RiskItemForm(InputLimitsMixin, forms.ModelForm):
    """One risk: what it is, how likely and how bad before and after its mitigations, and who owns it."""

    likelihood = _level_field(
        "Likelihood", scoring.LIKELIHOOD_LEVELS, "How likely it is with no mitigations."
    )
    impact = _level_field("Impact", scoring.IMPACT_LEVELS, "How bad it would be with no mitigations.")
    residual_likelihood = _level_field(
        "Likelihood after mitigation",
        scoring.LIKELIHOOD_LEVELS,
        "How likely it is with the mitigations in place.",
    )
    residual_impact = _level_field(
        "Impact after mitigation", scoring.IMPACT_LEVELS, "How bad it would be with the mitigations in place."
    )

    class Meta:
        model = RiskItem
        fields = [
            "category",
            "description",
            "likelihood",
            "impact",
            "mitigations",
            "residual_likelihood",
            "residual_impact",
            "owner",
            "policy_reference",
        ]
        labels = {
            "description": "Risk",
            "mitigations": "Mitigations",
            "owner": "Risk owner",
            "policy_reference": "Policy paragraph (optional)",
        }
        help_texts = {
            "description": "What could go wrong, and what would happen if it did.",
            "mitigations": "What the service does to make it less likely or less harmful. One per line.",
            "owner": "The person or role who manages this risk, such as 'Countryside manager'.",
            "policy_reference": "The policy paragraph this risk answers, such as 001 §16.",
        }
        error_messages = {
            "category": {"required": "Select the category of risk", "invalid_choice": "Select a category"},
            "description": {"required": "Enter the risk"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "Select a category"), *RiskCategory.choices]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.select("category"),
            Field.textarea("description", rows=3),
            Fieldset(
                Field.select("likelihood"),
                Field.select("impact"),
                legend="Before mitigation",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("mitigations", rows=6),
            Fieldset(
                Field.select("residual_likelihood"),
                Field.select("residual_impact"),
                legend="After mitigation",
                legend_size=Size.MEDIUM,
            ),
            Field.text("owner", field_width=20),
            Field.text("policy_reference", field_width=10),
            Button("submit", "Save the risk"),
        )

    def clean(self):
        cleaned = super().clean()
        for name in ("description", "mitigations"):  # browsers send \r\n; store one kind of line break
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].replace("\r\n", "\n").strip()
        message = scoring.residual_error(
            cleaned.get("likelihood"),
            cleaned.get("impact"),
            cleaned.get("residual_likelihood"),
            cleaned.get("residual_impact"),
        )
        if message:
            self.add_error("residual_likelihood", message)
        return cleaned

    def _post_clean(self):
        # The database's check constraint is the last line; the message above is the person's.
        if not self.errors:
            super()._post_clean()


class RemoveRiskForm(InputLimitsMixin, forms.Form):
    reason = forms.CharField(
        label="Why does this risk not apply?",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Enter why this risk does not apply"},
        help_text="Communications will see the reason when they read the assessment.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.textarea("reason", rows=3), Button("submit", "Remove the risk"))


class ReturnForm(InputLimitsMixin, forms.Form):
    comment = forms.CharField(
        label="What does the service need to change?",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Enter what the service needs to change"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.MEDIUM
        self.helper.layout = Layout(
            Field.textarea("comment", rows=4), Button.secondary("return", "Return it to the service")
        )


class AcceptForm(InputLimitsMixin, forms.Form):
    comment = forms.CharField(
        label="Comment (optional)", widget=forms.Textarea, max_length=5000, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.MEDIUM
        self.helper.layout = Layout(
            Field.textarea("comment", rows=2), Button("accept", "Accept the assessment")
        )
