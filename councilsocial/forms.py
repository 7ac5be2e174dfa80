"""Shared form pieces: the GOV.UK date input, the limits on what people type, sign-in forms.

Every date a person types goes through ``GovukDateField`` (or, for the one typed date, a plain
``DateField``), and every form with free text or dates uses ``InputLimitsMixin``, so bad input is a
plain error on the field, never a 500, and nothing absurd (2 MB of text, the year 1) is stored or
emailed (issue 11 items 21 and 25).
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator

# The dates people may enter: the council's social media use began after 2000, and a plan or a
# review beyond 2100 is a typing error.
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
# Free text with no limit of its own: a long answer (a textarea) or a line.
LONG_TEXT_MAX_LENGTH = 10_000
SHORT_TEXT_MAX_LENGTH = 1_000


def _day(value: datetime.date) -> str:
    return f"{value.day} {value:%B %Y}"


def date_in_range(day: datetime.date, earliest: datetime.date = EARLIEST_DATE, latest=LATEST_DATE) -> bool:
    return earliest <= day <= latest


def date_range_words(earliest: datetime.date = EARLIEST_DATE, latest: datetime.date = LATEST_DATE) -> str:
    """The range in words, for messages: "between 1 January 2000 and 31 December 2100"."""
    return f"between {_day(earliest)} and {_day(latest)}"


def date_range_message(label, earliest: datetime.date, latest: datetime.date) -> str:
    return f"{label} must be {date_range_words(earliest, latest)}"


class DateRangeValidator:
    """A date (or the date of a date and time) between two days, inclusive."""

    def __init__(self, label, earliest: datetime.date = EARLIEST_DATE, latest: datetime.date = LATEST_DATE):
        self.label, self.earliest, self.latest = label, earliest, latest

    def __call__(self, value) -> None:
        if value is None:
            return
        day = value.date() if isinstance(value, datetime.datetime) else value
        if not date_in_range(day, self.earliest, self.latest):
            raise ValidationError(
                date_range_message(self.label, self.earliest, self.latest), code="date_out_of_range"
            )


class _YearValidator:
    """Four digits. A year of 1 to 3 digits (26 for 2026) is a number but out of range: say so."""

    def __init__(self, label, earliest: datetime.date, latest: datetime.date):
        self.label, self.earliest, self.latest = label, earliest, latest

    def __call__(self, text: str) -> None:
        if not re.fullmatch(r"[0-9]{1,4}", text):
            raise ValidationError(f"{self.label} must be a real date", code="invalid")
        if len(text) < 4:
            raise ValidationError(
                date_range_message(self.label, self.earliest, self.latest), code="date_out_of_range"
            )


class GovukDateField(DateInputField):
    """The GOV.UK date input (day, month, year), the one used by every form of the site.

    Each part must be digits (a day or month of 1 or 2, a year of 4); anything else, an impossible
    date (31 February) or a number too big for a date is "<label> must be a real date", and a date
    outside ``earliest``…``latest`` says the range. Never a 500 (issue 11 item 21).
    """

    def __init__(
        self,
        *,
        label: str,
        required: bool = False,
        help_text: str = "",
        earliest: datetime.date = EARLIEST_DATE,
        latest: datetime.date = LATEST_DATE,
        **kwargs,
    ):
        kwargs.setdefault("require_all_fields", False)
        super().__init__(label=label, required=required, help_text=help_text, **kwargs)
        self.earliest, self.latest = earliest, latest
        self.error_messages.update(
            {
                "required": f"Enter the {label[:1].lower()}{label[1:]}",
                "incomplete": f"{label} must include a day, month and year",
                "invalid": f"{label} must be a real date",
            }
        )
        real_date = f"{label} must be a real date"
        for part in self.fields[:2]:
            # Replaces Django's own validators too: a NUL is not a real date either, in our words.
            part.validators = [RegexValidator(r"\A[0-9]{1,2}\Z", real_date, code="invalid")]
        self.fields[2].validators = [_YearValidator(label, earliest, latest)]

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            value = datetime.date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        DateRangeValidator(self.label, self.earliest, self.latest)(value)
        return value


# What changes how the text around it is shown, or is not text at all: the bidirectional embeddings,
# overrides and isolates (an unclosed one turns what follows it round on every page that shows it)
# and control characters other than tab and line breaks (NUL has Django's own check).
_HIDDEN_CHARACTERS = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def refuse_hidden_characters(value) -> None:
    """Free text holds what people can see: no hidden control or direction characters, and not only
    invisible ones (zero-width spaces pass Django's stripping of white space)."""
    if not isinstance(value, str) or not value:
        return
    if _HIDDEN_CHARACTERS.search(value):
        raise ValidationError(
            "Remove the hidden characters, such as direction marks or control codes, from this answer",
            code="hidden_characters",
        )
    if all(
        character.isspace() or unicodedata.category(character) in {"Cf", "Zs", "Zl", "Zp"}
        for character in value
    ):
        raise ValidationError("Enter some text that can be seen", code="invisible")


def limit_field(field: forms.Field) -> None:
    """Give one form field the site's limits, unless it has its own (issue 11 item 25), and refuse
    hidden characters in free text."""
    label = field.label or "This"
    if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
        field.validators.append(refuse_hidden_characters)
    if isinstance(field, forms.CharField) and field.max_length is None:
        limit = LONG_TEXT_MAX_LENGTH if isinstance(field.widget, forms.Textarea) else SHORT_TEXT_MAX_LENGTH
        field.max_length = limit
        field.validators.append(
            MaxLengthValidator(limit, message=f"{label} must be {limit:,} characters or fewer")
        )
    elif isinstance(field, forms.DateField | forms.DateTimeField | forms.SplitDateTimeField):
        field.validators.append(DateRangeValidator(label))


class InputLimitsMixin:
    """For every form people fill in: free text without a limit gets one, dates get the site's range.

    ``GovukDateField`` carries its own range; a typed ``DateField`` or ``DateTimeField`` gets
    ``DateRangeValidator``; a text box gets ``LONG_TEXT_MAX_LENGTH`` characters and a line
    ``SHORT_TEXT_MAX_LENGTH``. Fields with their own ``max_length`` keep it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            limit_field(field)


class LimitedModelForm(InputLimitsMixin, forms.ModelForm):
    """The base of Django admin's forms for the council's models: the site's limits there too."""


class SignInForm(auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Contact the Communications team.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Username"
        # Django sets the length on the widget only; without a check a 100 kB username reaches the
        # sign-in audit (django-axes keeps 255 characters) and fails there with a 500.
        self.fields["username"].validators.append(MaxLengthValidator(self.fields["username"].max_length))
        self.fields["username"].error_messages["max_length"] = "Enter a correct username and password."
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("username", field_width=20),
            Field("password"),
            Button("submit", "Sign in"),
        )


class PasswordResetForm(auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages["required"] = "Enter your work email address"
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.gov.uk"
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.MEDIUM
        self.helper.layout = Layout(Field.text("email", field_width=30), Button("submit", "Send the link"))


class SetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("new_password1"), Field("new_password2"), Button("submit", "Set my password")
        )
